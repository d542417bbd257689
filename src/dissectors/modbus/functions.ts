// Modbus PDU bodies, one function per message in spec order (Modbus Application Protocol
// Specification v1.1b3 §6.1-6.21). Each reads the data after the function code from a Reader bounded
// to the PDU, so a short body throws Truncated (-> modbus.truncated) and costs only this PDU.
// Values that outlive the packet (identity strings) are copied; everything else is numbers.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { Identity } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import { DEVICE_ID_OBJECTS, MEI_CANOPEN, MEI_READ_DEVICE_ID } from './tables.js';

/** The PDU being built; fields are added as the spec's tables list them. */
export type Fields = Record<string, unknown>;
/** Records an anomaly for the PDU being decoded. */
export type Flag = (id: AnomalyId) => void;

/** `count` bits, LSB of the first byte first (§6.1: coil status packing). */
function bits(r: Reader, bytes: number, count: number): number[] {
  const b = r.bytes(bytes);
  const n = Math.min(count, bytes * 8);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = (b[i >> 3]! >> (i & 7)) & 1;
  return out;
}

/** n big-endian 16-bit registers; one bounds check for the run (hot: most polled PDUs are register reads). */
function registers(r: Reader, n: number): number[] {
  r.need(n * 2);
  const b = r.buf;
  let pos = r.pos;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++, pos += 2) out[i] = (b[pos]! << 8) | b[pos + 1]!;
  r.pos = pos;
  return out;
}

/** Latin-1 copy with trailing NULs and spaces cut (device id strings are often padded). */
function text(b: Buffer): string {
  let end = b.length;
  while (end > 0 && (b[end - 1] === 0 || b[end - 1] === 0x20)) end--;
  return b.toString('latin1', 0, end);
}

// ---------------------------------------------------------------- requests (client -> server)

/** §6.1-6.4: Read Coils / Discrete Inputs / Holding Registers / Input Registers. */
export function readRequest(r: Reader, p: Fields, fc: number, flag: Flag): void {
  p.address = r.u16();
  const q = r.u16();
  p.quantity = q;
  const max = fc <= 2 ? 2000 : 125;
  if (q < 1 || q > max) flag('modbus.invalid_quantity');
}

/** §6.5 Write Single Coil: the value is 0xFF00 (on) or 0x0000 (off), nothing else. */
export function writeSingleCoilRequest(r: Reader, p: Fields, flag: Flag): void {
  p.address = r.u16();
  const v = r.u16();
  p.values = [v === 0xff00 ? 1 : 0];
  if (v !== 0xff00 && v !== 0) flag('modbus.invalid_value');
}

/** §6.6 Write Single Register (its response, an echo, has the same shape). */
export function writeSingleRegister(r: Reader, p: Fields): void {
  p.address = r.u16();
  p.values = [r.u16()];
}

/** §6.8 Diagnostics: sub-function and its data words (request and echoing response). */
export function diagnostics(r: Reader, p: Fields): void {
  p.subFunction = r.u16();
  p.values = registers(r, r.left >> 1);
}

/** §6.11 Write Multiple Coils. */
export function writeMultipleCoilsRequest(r: Reader, p: Fields, flag: Flag): void {
  p.address = r.u16();
  const q = r.u16();
  p.quantity = q;
  const n = r.u8();
  if (q < 1 || q > 0x7b0) flag('modbus.invalid_quantity');
  if (n !== ((q + 7) >> 3)) flag('modbus.invalid_length');
  p.values = bits(r, n, q);
}

/** §6.12 Write Multiple Registers. */
export function writeMultipleRegistersRequest(r: Reader, p: Fields, flag: Flag): void {
  p.address = r.u16();
  const q = r.u16();
  p.quantity = q;
  const n = r.u8();
  if (q < 1 || q > 123) flag('modbus.invalid_quantity');
  if (n !== q * 2) flag('modbus.invalid_length');
  p.values = registers(r, n >> 1);
}

/** §6.14 Read File Record: sub-requests of reference type 6, file, record, length. */
export function readFileRecordRequest(r: Reader, p: Fields, flag: Flag): void {
  const s = r.sub(r.u8());
  const records: Array<{ file: number; record: number; length: number }> = [];
  while (s.left > 0) {
    if (s.u8() !== 6) flag('modbus.invalid_value');
    records.push({ file: s.u16(), record: s.u16(), length: s.u16() });
  }
  p.records = records;
}

/** §6.15 Write File Record (the response echoes the request). */
export function writeFileRecord(r: Reader, p: Fields, flag: Flag): void {
  const s = r.sub(r.u8());
  const records: Array<{ file: number; record: number; length: number; values: number[] }> = [];
  while (s.left > 0) {
    if (s.u8() !== 6) flag('modbus.invalid_value');
    const file = s.u16(), record = s.u16(), length = s.u16();
    records.push({ file, record, length, values: registers(s, length) });
  }
  p.records = records;
}

/** §6.16 Mask Write Register (request and echoing response). */
export function maskWriteRegister(r: Reader, p: Fields): void {
  p.address = r.u16();
  p.andMask = r.u16();
  p.orMask = r.u16();
}

/** §6.17 Read/Write Multiple Registers: read range, then the write range and its values. */
export function readWriteMultipleRequest(r: Reader, p: Fields, flag: Flag): void {
  p.address = r.u16();
  p.quantity = r.u16();
  p.writeAddress = r.u16();
  const wq = r.u16();
  p.writeQuantity = wq;
  const n = r.u8();
  if ((p.quantity as number) < 1 || (p.quantity as number) > 125 || wq < 1 || wq > 121) flag('modbus.invalid_quantity');
  if (n !== wq * 2) flag('modbus.invalid_length');
  p.values = registers(r, n >> 1);
}

/** §6.18 Read FIFO Queue: the pointer address. */
export function readFifoRequest(r: Reader, p: Fields): void {
  p.address = r.u16();
}

/** §6.19-6.21 Encapsulated Interface Transport: MEI type 14 is Read Device Identification. */
export function meiRequest(r: Reader, p: Fields): void {
  const mei = r.u8();
  p.meiType = mei;
  if (mei === MEI_READ_DEVICE_ID) {
    p.functionName = 'Read Device Identification';
    p.kind = 'read_device_identification_request';
    p.readDeviceIdCode = r.u8();
    p.objectId = r.u8();
  } else {
    if (mei === MEI_CANOPEN) p.functionName = 'CANopen General Reference';
    p.length = r.rest().length;
  }
}

// ---------------------------------------------------------------- responses (server -> client)

/** §6.1-6.2 Read Coils / Discrete Inputs: byte count, packed bits (trimmed to the request's quantity). */
export function readBitsResponse(r: Reader, p: Fields, quantity: number): void {
  const n = r.u8();
  p.byteCount = n;
  p.values = bits(r, n, quantity > 0 ? quantity : n * 8);
}

/** §6.3-6.4, §6.17 response: byte count, registers. */
export function readRegistersResponse(r: Reader, p: Fields, flag: Flag): void {
  const n = r.u8();
  p.byteCount = n;
  if (n & 1) flag('modbus.invalid_length');
  p.values = registers(r, n >> 1);
  if (n & 1) r.skip(1);
}

/** §6.5 response: the echoed coil write. */
export function writeSingleCoilResponse(r: Reader, p: Fields): void {
  p.address = r.u16();
  p.values = [r.u16() === 0xff00 ? 1 : 0];
}

/** §6.7 Read Exception Status: 8 status bits in one byte. */
export function readExceptionStatusResponse(r: Reader, p: Fields): void {
  p.status = r.u8();
}

/** §6.9 Get Comm Event Counter. */
export function commEventCounterResponse(r: Reader, p: Fields): void {
  p.status = r.u16();
  p.eventCount = r.u16();
}

/** §6.10 Get Comm Event Log. */
export function commEventLogResponse(r: Reader, p: Fields): void {
  const s = r.sub(r.u8());
  p.status = s.u16();
  p.eventCount = s.u16();
  p.messageCount = s.u16();
  p.events = Array.from(s.rest());
}

/** §6.11-6.12 responses: start address and quantity written. */
export function writeMultipleResponse(r: Reader, p: Fields): void {
  p.address = r.u16();
  p.quantity = r.u16();
}

/** §6.13 Report Server ID: device-specific bytes, the last one the run indicator (0x00 off, 0xFF on). */
export function reportServerIdResponse(r: Reader, p: Fields): void {
  const data = r.bytes(r.u8());
  if (data.length > 0) {
    p.serverId = text(data.subarray(0, data.length - 1));
    p.runIndicator = data[data.length - 1] === 0xff;
  }
}

/** §6.14 Read File Record response: per sub-request, length, reference type 6, record data. */
export function readFileRecordResponse(r: Reader, p: Fields, flag: Flag): void {
  const s = r.sub(r.u8());
  const records: Array<{ values: number[] }> = [];
  while (s.left > 0) {
    const len = s.u8();
    const sub = s.sub(len);
    if (sub.u8() !== 6) flag('modbus.invalid_value');
    records.push({ values: registers(sub, sub.left >> 1) });
  }
  p.records = records;
}

/** §6.18 Read FIFO Queue response: byte count (u16), FIFO count, values. */
export function readFifoResponse(r: Reader, p: Fields, flag: Flag): void {
  const s = r.sub(r.u16());
  const count = s.u16();
  p.quantity = count;
  if (count > 31 || s.left !== count * 2) flag('modbus.invalid_length');
  p.values = registers(s, Math.min(count, s.left >> 1));
}

/** §6.21 Read Device Identification response: the objects, and the identity they state. */
export function meiResponse(r: Reader, p: Fields): void {
  const mei = r.u8();
  p.meiType = mei;
  if (mei !== MEI_READ_DEVICE_ID) {
    if (mei === MEI_CANOPEN) p.functionName = 'CANopen General Reference';
    p.length = r.rest().length;
    return;
  }
  p.functionName = 'Read Device Identification';
  p.kind = 'read_device_identification_response';
  p.readDeviceIdCode = r.u8();
  p.conformityLevel = r.u8();
  p.moreFollows = r.u8() === 0xff;
  p.nextObjectId = r.u8();
  const n = r.u8();
  const objects: Array<{ id: number; name: string; value: string }> = [];
  const identity: Identity = {};
  for (let i = 0; i < n; i++) {
    const id = r.u8();
    const value = text(r.bytes(r.u8()));
    objects.push({ id, name: DEVICE_ID_OBJECTS[id] ?? (id >= 0x80 ? 'Private' : 'Reserved'), value });
    if (value === '') continue;
    switch (id) {
      case 0: identity.vendor = value; break;
      case 1: identity.productCode = value; break;
      case 2: identity.firmwareVersion = value; break;
      case 4: identity.productName = value; break;
      case 5: identity.model = value; break;
      case 6: identity.name = value; break;
    }
  }
  p.objects = objects;
  if (Object.keys(identity).length > 0) p.identity = identity;
}

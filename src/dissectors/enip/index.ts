// EtherNet/IP encapsulation (THE CIP NETWORKS LIBRARY Vol. 2, EtherNet/IP Adaptation of CIP):
// §2-3 the 24-byte encapsulation header (command, length, session handle, status, sender context,
// options; all little-endian), §2-4 the commands, §2-6 Common Packet Format items, §2-4.3.2 the
// ListIdentity CIP Identity item, §3-2.1 UDP 2222 class 0/1 implicit I/O (recognised, not decoded).
// Three registered objects share this code:
// - `enip`: TCP 44818, a stream framed by the header's length field (24 + length bytes);
// - `enipudp`: UDP 44818 (ListIdentity/ListServices broadcasts) and UDP 2222 (implicit I/O);
//   a separate id because tcp.port and udp.port are separate tables, its PDUs are still `enip`/`cip`;
// - `cip`: a bare Message Router message, no bindings: CIP reaches it only through the encapsulation,
//   registered so CIP PDUs are counted as their own protocol.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu, Identity } from '../../decode/pdu.js';
import { Reader, Truncated } from '../../decode/reader.js';
import type { DatagramDissector, Direction, PduSink, ProbeResult, StreamDissector } from '../../decode/types.js';
import { type CipState, decodeCip, deviceType, newCipState, recall, remember, revision, serialHex } from './cip.js';
import { COMMANDS, ENCAP_STATUS, ITEM, VENDORS } from './codes.js';

export const ENIP_PORT = 44818;
export const IO_PORT = 2222;
const HEADER = 24;
/** Items in one Common Packet Format list; real messages use 2 (4 with sockaddr items). */
const MAX_ITEMS = 16;

// ---------------------------------------------------------------- framing and probing

/** Length of the encapsulation message at data[0]: 24 + length; 0 when more is needed; -1 if it is not one. */
function frame(data: Buffer): number {
  if (data.length < 2) return 0;
  if (!COMMANDS.has(data.readUInt16LE(0))) return -1;
  if (data.length < 4) return 0;
  return HEADER + data.readUInt16LE(2);
}

/**
 * Cheap check that data starts an encapsulation message: a known command other than NOP (a run of
 * zero bytes would pass for a NOP), zero options (§2-3.1: receivers discard non-zero options), a
 * length that fits what the command carries, and, for a datagram, exactly the datagram's size.
 */
function probeEncap(data: Buffer, datagram: boolean): ProbeResult {
  if (data.length < 2) return 'need-more';
  const cmd = data.readUInt16LE(0);
  if (cmd === 0x0000 || !COMMANDS.has(cmd)) return 'no';
  if (data.length < HEADER) return datagram ? 'no' : 'need-more';
  if (data.readUInt32LE(20) !== 0) return 'no';
  const len = data.readUInt16LE(2);
  if (datagram ? data.length !== HEADER + len : data.length < HEADER + len) return datagram ? 'no' : 'need-more';
  if ((cmd === 0x006f || cmd === 0x0070) && len < 8) return 'no';
  if (cmd === 0x0065 && len !== 4) return 'no';
  // list replies: an item count, and the first item fills what is left
  if ((cmd === 0x0004 || cmd === 0x0063) && len > 0) {
    if (len < 6 || data.readUInt16LE(HEADER) !== 1) return 'no';
    if (data.readUInt16LE(HEADER + 4) !== len - 6) return 'no';
  }
  return 'yes';
}

/**
 * UDP 2222 class 0/1 I/O (Vol. 2 §3-2.1): exactly two CPF items, a Sequenced Address item (8 bytes:
 * connection id, sequence) and a Connected Data item that fills the rest of the datagram.
 */
function isImplicitIo(data: Buffer): boolean {
  return data.length >= 18 && data.readUInt16LE(0) === 2 && data.readUInt16LE(2) === ITEM.SEQUENCED_ADDRESS
    && data.readUInt16LE(4) === 8 && data.readUInt16LE(14) === ITEM.CONNECTED_DATA && data.readUInt16LE(16) === data.length - 18;
}

// ---------------------------------------------------------------- decoding

/** Walks a Common Packet Format list (§2-6): item count, then type id, length, data per item. */
function items(r: Reader, out: PduSink, each: (type: number, item: Reader) => void): number {
  const count = r.u16le();
  if (count > MAX_ITEMS) {
    out.anomaly('enip.bad_cpf');
    return count;
  }
  for (let i = 0; i < count; i++) {
    const type = r.u16le();
    each(type, r.sub(r.u16le()));
  }
  return count;
}

/** The CIP Identity item of a ListIdentity reply (§2-4.3.2, Table 2-4.4). */
function listIdentityItem(r: Reader, pdu: AppPdu): void {
  pdu.encapVersion = r.u16le();
  // socket address: sin_family, sin_port, sin_addr in network (big-endian) order, 8 zero bytes
  r.skip(2);
  r.skip(2);
  const a = r.bytes(4);
  pdu.socketAddress = `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  r.skip(8);
  const id: Identity = {};
  const vendorId = r.u16le();
  id.vendorId = vendorId;
  if (VENDORS[vendorId]) id.vendor = VENDORS[vendorId];
  const dt = r.u16le();
  id.deviceType = deviceType(dt);
  id.productCode = String(r.u16le());
  const major = r.u8();
  id.firmwareVersion = revision(major, r.u8());
  pdu.deviceStatus = r.u16le();
  id.serial = serialHex(r.u32le());
  id.productName = r.text(r.u8());
  pdu.identity = id;
  pdu.deviceTypeId = dt;
  if (r.left > 0) pdu.state = r.u8();
}

interface Carried {
  cip: Reader | null;
  key: string;
}

/**
 * One encapsulation message. `udp` decides request/response by content (a broadcast's answer comes
 * back as another flow); on TCP the direction says it. Embedded CIP is decoded after the ENIP PDU.
 */
function decodeEncap(buf: Buffer, dir: Direction, state: CipState | null, out: PduSink, udp: boolean): void {
  const r = new Reader(buf);
  const cmd = r.u16le();
  const len = r.u16le();
  const session = r.u32le();
  const status = r.u32le();
  const ctxLo = r.u32le();
  const ctxHi = r.u32le();
  r.skip(4); // options
  const anomalies: AnomalyId[] = [];
  if (len !== r.left) anomalies.push('enip.bad_length'); // TCP frames are exact; a datagram may disagree
  const body = r.sub(Math.min(len, r.left));
  const info = COMMANDS.get(cmd);
  if (!info) {
    // only a datagram gets here (framing rejects unknown commands): not evidence of EtherNet/IP at
    // all, so no PDU, just the anomaly
    anomalies.push('enip.unknown_command');
    for (const id of anomalies) out.anomaly(id);
    return;
  }
  const [name, kind, op] = info;
  const list = cmd === 0x0001 || cmd === 0x0004 || cmd === 0x0063 || cmd === 0x0064;
  const role = list || udp ? (len === 0 ? 'request' : 'response') : dir === 0 ? 'request' : 'response';
  const pdu: AppPdu = { proto: 'enip', kind, role, functionCode: cmd, functionName: name, op, session };
  if (status !== 0) pdu.exception = { code: status, name: ENCAP_STATUS[status] ?? `Status 0x${status.toString(16)}` };
  const carried: Carried = { cip: null, key: '' };

  if (list && len > 0) {
    pdu.items = items(body, out, (type, it) => {
      if (type === ITEM.LIST_IDENTITY && cmd === 0x0063) listIdentityItem(it, pdu);
      else if (type === ITEM.LIST_SERVICES) {
        pdu.encapVersion = it.u16le();
        pdu.capabilities = it.u16le();
        pdu.serviceName = it.text(Math.min(16, it.left));
      }
    });
  } else if (cmd === 0x0065 && body.left >= 4) {
    pdu.encapVersion = body.u16le();
    pdu.optionFlags = body.u16le();
  } else if (cmd === 0x006f || cmd === 0x0070) {
    body.skip(4); // interface handle: 0 = CIP
    pdu.timeout = body.u16le();
    items(body, out, (type, it) => {
      if (type === ITEM.CONNECTED_ADDRESS) pdu.connectionId = it.u32le();
      else if (type === ITEM.UNCONNECTED_DATA && carried.cip === null) {
        // a reply echoes the request's sender context: that pairs them
        carried.cip = it;
        carried.key = `u${ctxLo}.${ctxHi}`;
      } else if (type === ITEM.CONNECTED_DATA && carried.cip === null) {
        // connected explicit messages lead with a sequence count the reply repeats
        const seq = it.u16le();
        pdu.sequence = seq;
        carried.cip = it;
        carried.key = `c${seq}`;
      }
    });
  }
  if (anomalies.length) {
    pdu.anomalies = anomalies;
    for (const id of anomalies) out.anomaly(id);
  }
  out.pdu(pdu);
  if (carried.cip && carried.cip.left > 0) cipIn(carried.cip, carried.key, state, out);
}

/** Decodes the CIP message a SendRRData/SendUnitData carries, pairing replies with requests. */
function cipIn(r: Reader, key: string, state: CipState | null, out: PduSink): void {
  try {
    const isResponse = (r.peek8() & 0x80) !== 0;
    const pending = isResponse && state ? recall(state, key) : undefined;
    const got = decodeCip(r, { out, state, depth: 0 }, pending);
    if (got && state) remember(state, key, got, out);
  } catch (err) {
    if (!(err instanceof Truncated)) throw err;
    out.anomaly('cip.truncated');
  }
}

/** UDP 2222: recognised as class 0/1 I/O; the data is device-specific and not decoded. */
function decodeIo(buf: Buffer, out: PduSink): void {
  const r = new Reader(buf);
  const pdu: AppPdu = { proto: 'enip', kind: 'implicit_io', role: 'notify', functionName: 'Implicit_IO', op: 'other' };
  items(r, out, (type, it) => {
    if (type === ITEM.SEQUENCED_ADDRESS) {
      pdu.connectionId = it.u32le();
      pdu.sequence = it.u32le();
    } else if (type === ITEM.CONNECTED_DATA) {
      pdu.dataLength = it.left;
    }
  });
  out.pdu(pdu);
}

// ---------------------------------------------------------------- registered objects

const ENIP_ANOMALIES = ['enip.truncated', 'enip.unknown_command', 'enip.bad_length', 'enip.bad_cpf', 'enip.too_many_pending'] as const;

export const enip: StreamDissector<CipState> = {
  id: 'enip',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: ENIP_PORT }],
  anomalies: ENIP_ANOMALIES,
  maxPdu: HEADER + 0xffff,
  probe: (data) => probeEncap(data, false),
  frame: (data) => frame(data),
  decode: (pdu, dir, state, out) => decodeEncap(pdu, dir, state, out, false),
  newState: newCipState,
};

export const enipUdp: DatagramDissector<CipState> = {
  id: 'enipudp',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: ENIP_PORT }, { table: 'udp.port', value: IO_PORT }],
  anomalies: ['enipudp.truncated'],
  probe: (data) => (isImplicitIo(data) ? 'yes' : probeEncap(data, true)),
  decode: (payload, dir, state, out) => {
    if (isImplicitIo(payload)) decodeIo(payload, out);
    else decodeEncap(payload, dir, state, out, true);
  },
  newState: newCipState,
};

export const cip: DatagramDissector<CipState> = {
  id: 'cip',
  kind: 'datagram',
  bindings: [],
  anomalies: ['cip.truncated', 'cip.bad_path', 'cip.bad_multiple_service', 'cip.too_deep'],
  decode: (payload, _dir, state, out) => {
    decodeCip(new Reader(payload), { out, state: state ?? null, depth: 0 });
  },
  newState: newCipState,
};

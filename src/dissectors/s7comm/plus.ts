// S7comm-plus (protocol id 0x72), the S7-1200/1500 protocol, inside one COTP TSDU. Layout from the
// public descriptions (ICSNPP s7comm-plus, the Wireshark s7comm_plus plugin documentation):
//
//   header   0x72, protocol version u8 (1, 2, 3; 0xfe = system event), data length u16
//   V2/V3    an integrity part first: digest length (0x20) and a 32-byte digest (V2 may carry an
//            integrity id byte before it)
//   data     opcode u8 (0x31 request, 0x32 response, 0x02 response2, 0x33 notification);
//            request/response: reserved u16, function u16, reserved u16, sequence number u16, ...
//   trailer  0x72, version u8, length 0 (u16) after the last fragment
//
// A PDU larger than one TSDU is sent in several; only the last carries the trailer. The first is
// decoded (its envelope says what the PDU is); the rest are consumed as continuations until a
// trailer closes the PDU, so their bytes are never misread as a new opcode.
//
// Only the envelope is decoded: opcode, function and sequence number give the operation class.
// The object/attribute body is not walked; the one identity hint used is the order number and
// firmware a CPU states in its Create Object answer (ServerSessionVersion, "6ES7 ...;V4.2").
import type { AppPdu, Identity } from '../../decode/pdu.js';
import { Reader } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { plusFunctionNames, plusOpcodeNames } from './names.js';
import { MAX_PLUS_CONTINUATIONS, type S7State } from './state.js';

function snake(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

const ORDER_NUMBER = /6ES7 ?\d{3}-[0-9A-Z]{5}-[0-9A-Z]{4}/;
const FIRMWARE = /V\d{1,2}\.\d{1,2}(?:\.\d{1,3})?/;

/** Order number (and firmware, when it follows) stated as text in a Create Object answer. */
function identityFromText(body: Buffer): Identity | undefined {
  if (body.indexOf('6ES7') < 0) return undefined;
  const text = body.toString('latin1');
  const m = ORDER_NUMBER.exec(text);
  if (!m) return undefined;
  const id: Identity = { vendor: 'Siemens', model: m[0] };
  const fw = FIRMWARE.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 24));
  if (fw) id.firmwareVersion = fw[0];
  return id;
}

/** Does data end with the trailer 0x72, version, length 0? */
function hasTrailer(data: Buffer): boolean {
  const n = data.length;
  return n >= 8 && data[n - 4] === 0x72 && data[n - 2] === 0 && data[n - 1] === 0;
}

export function decodeS7Plus(data: Buffer, dir: Direction, st: S7State, out: PduSink): void {
  if (st.plusOpen[dir] > 0) {
    // a continuation of the PDU whose first part was decoded: consume until the trailer
    if (hasTrailer(data)) st.plusOpen[dir] = 0;
    else if (--st.plusOpen[dir] === 0) out.anomaly('s7commplus.unterminated');
    return;
  }
  const r = new Reader(data);
  r.u8(); // 0x72
  const version = r.u8();
  const dlen = r.u16();
  if (version !== 1 && version !== 2 && version !== 3 && version !== 0xfe) {
    out.anomaly('s7commplus.unknown_version');
    return;
  }
  r.need(dlen);
  const bodyEnd = r.pos + dlen;
  // a trailer (4 bytes) follows the last fragment; anything else after the data is out of step
  const after = data.length - bodyEnd;
  if (after !== 0 && after !== 4) out.anomaly('s7commplus.length_mismatch');
  const pdu: AppPdu = { proto: 's7commplus', kind: '', version };
  if (after === 0 && version !== 0xfe) {
    st.plusOpen[dir] = MAX_PLUS_CONTINUATIONS;
    pdu.fragmented = true;
  }
  if (version === 0xfe) {
    pdu.kind = 'system_event_notify';
    pdu.role = 'notify';
    pdu.functionName = 'System Event';
    pdu.op = 'session';
    out.pdu(pdu);
    return;
  }
  const body = new Reader(data, r.pos, bodyEnd);
  if (version >= 2) {
    // integrity part: [id u8] digest length u8 (32) + digest
    if (body.peek8() === 0x20) body.skip(33);
    else if (body.peek8(1) === 0x20) body.skip(34);
  }
  const opcode = body.u8();
  const opName = plusOpcodeNames[opcode];
  pdu.opcode = opcode;
  if (opName === undefined) {
    out.anomaly('s7commplus.unknown_opcode');
    return;
  }
  pdu.opcodeName = opName;
  if (opcode === 0x33) {
    pdu.role = 'notify';
    pdu.functionName = 'Notification';
    pdu.op = 'read'; // subscribed values pushed by the CPU
    pdu.subscriptionId = body.u32();
    pdu.kind = 'notification_notify';
    out.pdu(pdu);
    return;
  }
  pdu.role = opcode === 0x31 ? 'request' : 'response';
  body.u16(); // reserved
  const fn = body.u16();
  body.u16(); // reserved
  pdu.sequence = body.u16();
  const entry = plusFunctionNames[fn];
  pdu.functionCode = fn;
  pdu.functionName = entry ? entry[0] : `Unknown function 0x${fn.toString(16).padStart(4, '0')}`;
  pdu.op = entry ? entry[1] : 'other';
  if (fn === 0x04ca && opcode !== 0x31) {
    const id = identityFromText(data.subarray(body.pos, bodyEnd));
    if (id) pdu.identity = id;
  }
  pdu.kind = `${snake(pdu.functionName)}_${pdu.role}`;
  out.pdu(pdu);
}

// GE SRTP (Service Request Transport Protocol) over TCP 18245: GE/Emerson Series 90 and PACSystems
// PLCs and their programming and HMI clients. No specification is published; the layout here is
// the one the public analyses agree on (Denton et al., "Leveraging the SRTP protocol for
// over-the-network memory acquisition of a GE Fanuc Series 90-30", DFRWS USA 2017, Tables 1-4)
// and public captures confirm, with the mailbox fields of the serial SNP protocol it carries
// (Series 90 PLC SNP Communications User's Manual, GFK-0529, chapter 3).
//
// Every packet is a 56-byte header, little-endian, plus a text buffer whose length is the header's
// bytes 4-5 (a PLC sends the two in separate segments; the stream framer joins them):
//   0 packet type: 0 initialize (56 zero bytes from the client), 1 its acknowledge, 2 request,
//     3 response; 1 always 0; 2-3 sequence number; 4-5 text length; 6-29 not decoded;
//   30 mailbox sequence number; 31 mailbox type; 32-35 mailbox source; 36-39 mailbox destination.
// Mailbox types without a text buffer (0xC0 initial request, 0xD4 completion ACK, 0xD1 error NACK):
//   40 packet number, 41 total packets, 42 service request code (request) or status (ACK) or major
//   error status (NACK), 43 request data or minor error status, 44-49 response data (ACK).
// With a text buffer (0x80 request, 0x94 ACK): 42-43 text buffer length, 48 packet number,
//   49 total packets, 50 service request code and 51-55 request data (request).
// Both ACK forms end in the "piggy-back" PLC status (bytes 50-55): control program number, current
// privilege level, last sweep time (ms) and the PLC status word (GFK-0529 Table 3-8).
//
// A response repeats its request's sequence number and mailbox sequence number, which match them in
// bounded per-flow state. The text buffer (memory contents, program blocks, passwords) is never read.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu } from '../../decode/pdu.js';
import { Truncated } from '../../decode/reader.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../../decode/types.js';
import {
  MAILBOX_NAMES, MAJOR_ERRORS, MBOX_COMPLETION_ACK, MBOX_COMPLETION_ACK_TEXT, MBOX_ERROR_NACK, MBOX_INITIAL_REQUEST,
  MBOX_INITIAL_REQUEST_TEXT, MEMORY_SERVICES, MINOR_ERRORS, PLC_STATES, SELECTORS, SERVICES,
} from './codes.js';

export const HEADER = 56;
/** Requests awaiting a response on one flow; a client that is never answered must not grow it. */
export const MAX_PENDING = 64;

export interface SrtpState {
  /** sequence number << 8 | mailbox sequence number -> service request code */
  pending: Map<number, number>;
  /** last privilege level and PLC state code the PLC reported on this flow; -1 before one is seen */
  privilege: number;
  plcState: number;
}

export const SRTP_ANOMALIES = [
  'srtp.truncated',
  'srtp.length_mismatch',
  'srtp.unknown_packet_type',
  'srtp.bad_mailbox_type',
  'srtp.bad_packet_number',
  'srtp.unknown_service',
  'srtp.unmatched_response',
  'srtp.too_many_pending',
] as const satisfies readonly AnomalyId[];

/**
 * Packet types a frame may start with: 0-3, and 8, which FANUC robot controllers send (open-source
 * FANUC clients list it without a meaning); decode reports it as unknown.
 */
const FRAMEABLE = new Uint8Array(256);
for (const t of [0, 1, 2, 3, 8]) FRAMEABLE[t] = 1;

const requestMailbox = (m: number) => m === MBOX_INITIAL_REQUEST || m === MBOX_INITIAL_REQUEST_TEXT;
const responseMailbox = (m: number) => m === MBOX_COMPLETION_ACK || m === MBOX_COMPLETION_ACK_TEXT || m === MBOX_ERROR_NACK;
const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;
/** Header bytes every public capture and client leaves zero. */
const ZERO_BYTES = [6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 24, 25] as const;

function frame(data: Buffer, _dir: Direction): number {
  const n = data.length;
  if (n > 0 && FRAMEABLE[data[0]!] === 0) return -1;
  if (n > 1 && data[1] !== 0) return -1;
  if (n < 6) return 0;
  const total = HEADER + data.readUInt16LE(4);
  return n >= total ? total : 0;
}

/**
 * A header as the public captures and clients write it: the zero bytes zero, a packet type that fits
 * the direction, a mailbox type that fits the packet type, a packet number within its total.
 * Initialize packets (all zero) are not claimed: 56 zero bytes say too little on a port nobody bound.
 */
function plausible(data: Buffer, at: number, dir: Direction): boolean {
  const type = data[at]!;
  if (data[at + 1] !== 0 || (type === 2 ? dir !== 0 : type === 3 ? dir !== 1 : true)) return false;
  for (const i of ZERO_BYTES) if (data[at + i] !== 0) return false;
  const m = data[at + 31]!;
  if (type === 2 ? !requestMailbox(m) : !responseMailbox(m)) return false;
  const pn = m === MBOX_INITIAL_REQUEST_TEXT || m === MBOX_COMPLETION_ACK_TEXT ? 48 : 40;
  const num = data[at + pn]!, total = data[at + pn + 1]!;
  return num >= 1 && num <= total;
}

/** Used on unbound ports and to resynchronise after a gap: a whole plausible request or response header. */
function probe(data: Buffer, dir: Direction): ProbeResult {
  const n = data.length;
  if (n > 0 && data[0] !== (dir === 0 ? 2 : 3)) return 'no';
  if (n > 1 && data[1] !== 0) return 'no';
  if (n < HEADER) return 'need-more';
  if (!plausible(data, 0, dir)) return 'no';
  // the header is the evidence; its text buffer may follow in the next segment
  const total = HEADER + data.readUInt16LE(4);
  if (n <= total) return 'yes';
  // more bytes in the segment: they must begin another packet of this direction
  return data[total] === (dir === 0 ? 2 : 3) && (n === total + 1 || data[total + 1] === 0) ? 'yes' : 'no';
}

function decode(pdu: Buffer, _dir: Direction, st: SrtpState, out: PduSink): void {
  if (pdu.length < HEADER) throw new Truncated(HEADER, 0);
  const text = pdu.readUInt16LE(4);
  if (pdu.length < HEADER + text) throw new Truncated(HEADER + text, 0);
  const type = pdu[0]!;
  if (pdu[1] !== 0 || type > 3) return out.anomaly('srtp.unknown_packet_type');
  if (pdu.length > HEADER + text) out.anomaly('srtp.length_mismatch');
  const sequence = pdu.readUInt16LE(2);
  if (type < 2) {
    // the connection set-up exchange: no mailbox, no service
    const p: AppPdu = type === 0
      ? { proto: 'srtp', kind: 'connect_request', role: 'request', functionName: 'Initialize', op: 'session' }
      : { proto: 'srtp', kind: 'connect_response', role: 'response', functionName: 'Initialize Acknowledge', op: 'session' };
    if (text > 0) p.textLength = text;
    return out.pdu(p);
  }
  const mbox = pdu[31]!;
  if (type === 2 ? !requestMailbox(mbox) : !responseMailbox(mbox)) return out.anomaly('srtp.bad_mailbox_type');
  const at = mbox === MBOX_INITIAL_REQUEST_TEXT || mbox === MBOX_COMPLETION_ACK_TEXT ? 48 : 40;
  const packetNumber = pdu[at]!, totalPackets = pdu[at + 1]!;
  if (packetNumber === 0 || packetNumber > totalPackets) out.anomaly('srtp.bad_packet_number');
  const key = (sequence << 8) | pdu[30]!;
  const p = type === 2 ? request(pdu, at + 2, key, st, out) : response(pdu, mbox, key, packetNumber >= totalPackets, st, out);
  p.sequence = sequence;
  p.mailboxSequence = pdu[30]!;
  p.mailboxType = MAILBOX_NAMES[mbox]!;
  if (totalPackets > 1) {
    p.packetNumber = packetNumber;
    p.totalPackets = totalPackets;
  }
  if (text > 0) p.textLength = text;
  out.pdu(p);
}

/** An initial request; `sc` is the offset of its service request code (42, or 50 with a text buffer). */
function request(pdu: Buffer, sc: number, key: number, st: SrtpState, out: PduSink): AppPdu {
  const code = pdu[sc]!;
  const svc = SERVICES.get(code);
  if (!svc) out.anomaly('srtp.unknown_service');
  const p: AppPdu = {
    proto: 'srtp', kind: svc ? `${svc.kind}_request` : 'unknown_request', role: 'request', functionCode: code,
    functionName: svc?.name ?? `Service Request ${hex2(code)}`, op: svc?.op ?? 'other', category: svc?.category ?? 'command',
  };
  const d = sc + 1; // request data: 13 bytes (43-55), or 5 (51-55) with a text buffer
  if (MEMORY_SERVICES.has(code)) {
    // DFRWS Table 1: segment selector, 0-based offset and length in the selector's unit
    const sel = pdu[d]!;
    p.segmentSelector = sel;
    const known = code === 0x04 || code === 0x07 ? SELECTORS.get(sel) : undefined;
    if (known) {
      p.memoryType = known[0];
      p.access = known[1];
    }
    p.address = pdu.readUInt16LE(d + 1);
    p.count = pdu.readUInt16LE(d + 3);
  } else if (code === 0x23) {
    // what the values of the requested state mean is not public: the raw code only (see the ACK's plcState)
    p.stateCode = pdu[d]!;
  }
  // Change Privilege Level and Programmer Logon carry passwords: their data is never read.
  if (st.pending.size >= MAX_PENDING && !st.pending.has(key)) {
    st.pending.delete(st.pending.keys().next().value!);
    out.anomaly('srtp.too_many_pending');
  }
  st.pending.set(key, code);
  return p;
}

function response(pdu: Buffer, mbox: number, key: number, last: boolean, st: SrtpState, out: PduSink): AppPdu {
  const code = st.pending.get(key);
  if (code === undefined) out.anomaly('srtp.unmatched_response');
  else if (last) st.pending.delete(key);
  const svc = code === undefined ? undefined : SERVICES.get(code);
  const p: AppPdu = code === undefined
    ? { proto: 'srtp', kind: 'response', role: 'response' }
    : {
      proto: 'srtp', kind: svc ? `${svc.kind}_response` : 'unknown_response', role: 'response', functionCode: code,
      functionName: svc?.name ?? `Service Request ${hex2(code)}`, op: svc?.op ?? 'other', category: svc?.category ?? 'command',
    };
  if (mbox === MBOX_ERROR_NACK) {
    const major = pdu[42]!, minor = pdu[43]!;
    p.majorStatus = major;
    p.minorStatus = minor;
    const name = MAJOR_ERRORS[major] ?? `Major error status ${hex2(major)}`;
    p.exception = { code: (major << 8) | minor, name: minor === 0 ? name : `${name}: ${MINOR_ERRORS[minor] ?? `minor error status ${hex2(minor)}`}` };
    return p;
  }
  if (mbox === MBOX_COMPLETION_ACK && (pdu[42] !== 0 || pdu[43] !== 0)) {
    p.statusCode = pdu[42]!;
    p.statusData = pdu[43]!;
  }
  piggyback(pdu, p, st);
  return p;
}

/** The PLC status every completion ACK carries (bytes 50-55; GFK-0529 "Piggy-Back Status Information"). */
function piggyback(pdu: Buffer, p: AppPdu, st: SrtpState): void {
  const level = pdu[51]!;
  const word = pdu.readUInt16LE(54);
  const state = word >> 12;
  p.controlProgram = pdu.readInt8(50); // -1: the client is not logged into a control program
  p.privilegeLevel = level;
  p.sweepTimeMs = pdu.readUInt16LE(52);
  p.statusWord = word;
  p.plcStateCode = state;
  if (state < PLC_STATES.length) {
    p.plcStateName = PLC_STATES[state]!;
    p.plcState = state <= 1 ? 'run' : 'stop';
  }
  p.programmerAttached = (word & 0x0040) !== 0;
  // Changes since this flow's previous ACK: what a privilege change or a run/stop did.
  if (st.privilege >= 0 && st.privilege !== level) p.previousPrivilegeLevel = st.privilege;
  if (st.plcState >= 0 && st.plcState !== state) {
    p.previousPlcStateCode = st.plcState;
    if (st.plcState < PLC_STATES.length) p.previousPlcState = st.plcState <= 1 ? 'run' : 'stop';
  }
  st.privilege = level;
  st.plcState = state;
}

export const srtp: StreamDissector<SrtpState> = {
  id: 'srtp',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 18245 }],
  anomalies: SRTP_ANOMALIES,
  maxPdu: HEADER + 0xffff,
  probe,
  frame,
  decode,
  newState: () => ({ pending: new Map(), privilege: -1, plcState: -1 }),
};

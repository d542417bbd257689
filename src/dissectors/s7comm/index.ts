// Siemens S7 on TCP port 102: TPKT (RFC 1006 §6) carrying COTP (ISO 8073 class 0, as RFC 1006 §5
// profiles it) carrying either classic S7comm (protocol id 0x32, S7-300/400/ET200/LOGO and the
// PUT/GET of S7-1200/1500) or S7comm-plus (0x72, S7-1200/1500 engineering and HMI sessions).
//
// ONE stream dissector is bound to tcp.port 102 and frames TPKT; inside a DT TPDU it dispatches on
// the first user byte: 0x32 S7comm, 0x72 S7comm-plus, an ISO 8327-1 session SPDU (or a bare MMS PDU)
// MMS, handed to ../mms/ (IEC 61850 IEDs share the port). Its PDUs carry `proto: 's7comm'`,
// `'s7commplus'` or `'mms'`; the unbound objects `s7commplus` and `mms` (../mms/index.ts) exist so
// those PDUs are counted under their own ids in stats.
//
// TPKT (RFC 1006 §6): version 3, reserved 0, length (u16, whole packet incl. these 4 bytes).
// COTP (ISO 8073 §13): length indicator (header bytes after itself), TPDU code, then per type:
//   CR/CC  dst-ref u16, src-ref u16, class/options u8, parameters (code, length, value):
//          0xC0 TPDU size, 0xC1 calling TSAP, 0xC2 called TSAP
//   DT     (class 0) one byte: EOT flag (0x80) | TPDU-NR; user data follows the header.
//   DR     dst-ref, src-ref, reason; DC dst-ref, src-ref; ER dst-ref, reject cause.
// A TSDU larger than the negotiated TPDU size is sent as several DTs, only the last with EOT; they
// are reassembled here in bounded per-direction state.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { AppPdu } from '../../decode/pdu.js';
import { Reader, Truncated } from '../../decode/reader.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../../decode/types.js';
import { cotpTypeNames } from './names.js';
import { decodeS7 } from './s7.js';
import { decodeS7Plus } from './plus.js';
import { decodeMmsTsdu, isMmsTsdu } from '../mms/session.js';
import { MAX_REASSEMBLY, newState, type S7State } from './state.js';

export type { S7State } from './state.js';

const COTP_CR = 0xe0, COTP_CC = 0xd0, COTP_DR = 0x80, COTP_DC = 0xc0, COTP_DT = 0xf0, COTP_ER = 0x70;

/** Length of the TPKT packet at data[0] (RFC 1006 §6): 0 = need more, -1 = not a TPKT header. */
function frameTpkt(data: Buffer): number {
  if (data.length === 0) return 0;
  if (data[0] !== 3) return -1;
  if (data.length < 4) return 0;
  const len = (data[2]! << 8) | data[3]!;
  // 7 = TPKT header + the smallest COTP header (DT: LI, code, EOT/NR)
  return len < 7 ? -1 : len;
}

/** TPKT version 3, reserved 0, sane length, and a COTP TPDU code ISO 8073 defines with a fitting LI. */
function probeTpkt(data: Buffer): ProbeResult {
  const n = data.length;
  if (n < 1) return 'need-more';
  if (data[0] !== 3) return 'no';
  if (n < 2) return 'need-more';
  if (data[1] !== 0) return 'no';
  if (n < 4) return 'need-more';
  const len = (data[2]! << 8) | data[3]!;
  if (len < 7) return 'no';
  if (n < 6) return 'need-more';
  const li = data[4]!;
  const code = data[5]! & 0xf0;
  if (li + 5 > len || cotpTypeNames[code] === undefined) return 'no';
  if (code === COTP_DT) return li === 2 ? 'yes' : 'no';
  return li >= 6 ? 'yes' : 'no';
}

/** "0102" for the 2-byte S7 TSAPs; the text for S7-1200/1500 names like "SIMATIC-ROOT-HMI". */
function tsapString(b: Buffer): string {
  if (b.length > 2) {
    let printable = true;
    for (let i = 0; i < b.length; i++) if (b[i]! < 0x20 || b[i]! > 0x7e) { printable = false; break; }
    if (printable) return b.toString('latin1');
  }
  return b.toString('hex');
}

const COTP_NAMES: Record<number, readonly [string, string, AppPdu['role']]> = {
  [COTP_CR]: ['cotp_connect_request', 'COTP Connection Request', 'request'],
  [COTP_CC]: ['cotp_connect_confirm', 'COTP Connection Confirm', 'response'],
  [COTP_DR]: ['cotp_disconnect_request', 'COTP Disconnect Request', 'request'],
  [COTP_DC]: ['cotp_disconnect_confirm', 'COTP Disconnect Confirm', 'response'],
  [COTP_ER]: ['cotp_error', 'COTP TPDU Error', 'notify'],
};

const isSimatic = (b: Buffer | undefined) => b !== undefined && b.length > 7 && b.toString('latin1', 0, 7) === 'SIMATIC';

/**
 * Which application a COTP connection carries, judged from the TSAPs of a CR/CC seen before any DT
 * (a DT's first user byte always decides, and overrides this guess: see decodeUser):
 * - S7 when a TSAP is text starting "SIMATIC" (S7-1200/1500 sessions, e.g. "SIMATIC-ROOT-HMI");
 *   or the called TSAP (0xC2) is 2 bytes with an S7 connection type 0x01-0x03 (PG, OP, S7 basic)
 *   in its first byte, rack/slot in its second, unless the calling TSAP (0xC1) is a 2-byte 0x00nn;
 *   or both TSAPs are 2 bytes with non-zero first bytes (S7 clients put their own connection type
 *   there: 0x0100, 0x0200, 0x1000, "MW" of LOGO!).
 * - MMS otherwise: the ISO stacks of IEC 61850 IEDs and clients use plain numbers as selectors
 *   (0x0001/0x0001, 0x0000, 0x0002/0x0200) or 4-byte ones.
 * - A CR/CC without TSAPs: S7, as this dissector always said.
 */
function cotpApp(calling: Buffer | undefined, called: Buffer | undefined): 's7' | 'mms' {
  if (!calling && !called) return 's7';
  if (isSimatic(calling) || isSimatic(called)) return 's7';
  const generic = calling?.length === 2 && calling[0] === 0;
  if (called?.length === 2 && called[0]! >= 0x01 && called[0]! <= 0x03 && !generic) return 's7';
  if (called?.length === 2 && calling?.length === 2 && called[0] !== 0 && calling[0] !== 0) return 's7';
  return 'mms';
}

/**
 * CR/CC/DR/DC/ER: connection management, emitted as session PDUs of the application the connection
 * carries (S7: with rack/slot from the called TSAP; MMS: `proto: 'mms'`, an IED must not look like S7).
 */
function decodeCotpControl(r: Reader, code: number, st: S7State, out: PduSink): void {
  const [kind, functionName, role] = COTP_NAMES[code]!;
  const pdu: AppPdu = { proto: 's7comm', kind, role, functionCode: code, functionName, op: 'session' };
  pdu.dstRef = r.u16();
  if (code === COTP_ER) {
    pdu.rejectCause = r.u8();
    if (st.app === 'mms') pdu.proto = 'mms';
    out.pdu(pdu);
    return;
  }
  pdu.srcRef = r.u16();
  if (code === COTP_DR) pdu.reason = r.u8();
  let calling: Buffer | undefined, called: Buffer | undefined;
  if (code === COTP_CR || code === COTP_CC) {
    pdu.protocolClass = r.u8() >> 4;
    while (r.left >= 2) {
      const pcode = r.u8();
      const plen = r.u8();
      const v = r.bytes(plen);
      if (pcode === 0xc0 && plen === 1) pdu.tpduSize = 1 << v[0]!;
      else if (pcode === 0xc1) {
        calling = v;
        pdu.srcTsap = tsapString(v);
      } else if (pcode === 0xc2) {
        called = v;
        pdu.dstTsap = tsapString(v);
      }
    }
    st.app ??= cotpApp(calling, called);
  }
  if (st.app === 'mms') pdu.proto = 'mms';
  else if (called?.length === 2) {
    // S7 remote TSAP: connection type, then rack (3 bits) and slot (5 bits) of the CPU addressed
    pdu.connectionType = called[0]!;
    pdu.rack = called[1]! >> 5;
    pdu.slot = called[1]! & 0x1f;
  }
  out.pdu(pdu);
}

/**
 * Dispatch one complete COTP TSDU on its first byte, and remember which application the connection
 * carries. Bytes that fit neither are reported by the application the connection is known to
 * carry: S7 once its DTs carried S7, MMS once they carried MMS or its TSAPs said so.
 */
function decodeUser(data: Buffer, dir: Direction, st: S7State, out: PduSink): void {
  if (data.length === 0) return; // empty DTs are sent as keep-alives by some engineering tools
  const pid = data[0]!;
  if (pid === 0x32) {
    st.app = 's7';
    st.appSeen = true;
    decodeS7(data, dir, st, out);
  } else if (pid === 0x72 || st.plusOpen[dir] > 0) {
    st.app = 's7';
    st.appSeen = true;
    try {
      decodeS7Plus(data, dir, st, out);
    } catch (err) {
      if (!(err instanceof Truncated)) throw err;
      out.anomaly('s7commplus.truncated');
    }
  } else if (st.appSeen && st.app === 's7') {
    out.anomaly('s7comm.unknown_protocol_id');
  } else if (isMmsTsdu(pid) || st.app === 'mms') {
    st.app = 'mms';
    st.appSeen = true;
    st.mms = decodeMmsTsdu(data, dir, st.mms, out);
  } else out.anomaly('s7comm.unknown_protocol_id');
}

function decodeTpkt(pdu: Buffer, dir: Direction, state: S7State | undefined, out: PduSink): void {
  const st = state ?? newState();
  const r = new Reader(pdu);
  const version = r.u8();
  r.u8(); // reserved
  const len = r.u16();
  if (version !== 3 || len < 7) {
    out.anomaly('s7comm.bad_tpkt');
    return;
  }
  if (len > pdu.length) throw new Truncated(len - 4, 4);
  if (len < pdu.length) out.anomaly('s7comm.bad_tpkt'); // only reached outside the framer
  const li = r.u8();
  const cotpEnd = 5 + li;
  if (cotpEnd > len || li < 2) {
    out.anomaly('s7comm.bad_cotp_length');
    return;
  }
  const code = r.u8() & 0xf0;
  if (code === COTP_DT) {
    if (li !== 2) {
      out.anomaly('s7comm.bad_cotp_length');
      return;
    }
    const eot = (r.u8() & 0x80) !== 0;
    const user = pdu.subarray(cotpEnd, len);
    const parts = st.cotp[dir];
    if (!eot) {
      if (st.cotpBytes[dir] + user.length > MAX_REASSEMBLY) {
        out.anomaly('s7comm.cotp_reassembly_overflow');
        st.cotp[dir] = null;
        st.cotpBytes[dir] = 0;
        return;
      }
      // the packet buffer is not ours to keep: copy the fragment
      if (user.length > 0) (st.cotp[dir] ??= []).push(Buffer.from(user));
      else st.cotp[dir] ??= [];
      st.cotpBytes[dir] += user.length;
      return;
    }
    let whole = user;
    if (parts) {
      if (st.cotpBytes[dir] + user.length > MAX_REASSEMBLY) out.anomaly('s7comm.cotp_reassembly_overflow');
      else whole = parts.length === 0 ? user : Buffer.concat([...parts, user]);
      st.cotp[dir] = null;
      st.cotpBytes[dir] = 0;
    }
    decodeUser(whole, dir, st, out);
    return;
  }
  if (COTP_NAMES[code] === undefined) {
    out.anomaly('s7comm.unknown_cotp_type');
    return;
  }
  if (li < (code === COTP_ER ? 3 : 6)) {
    out.anomaly('s7comm.bad_cotp_length');
    return;
  }
  decodeCotpControl(new Reader(pdu, 6, cotpEnd), code, st, out);
}

const S7_ANOMALIES: readonly AnomalyId[] = [
  's7comm.truncated', 's7comm.bad_tpkt', 's7comm.bad_cotp_length', 's7comm.unknown_cotp_type',
  's7comm.cotp_reassembly_overflow', 's7comm.unknown_protocol_id', 's7comm.unknown_rosctr',
  's7comm.length_mismatch', 's7comm.unknown_function', 's7comm.bad_item', 's7comm.userdata_reassembly_overflow',
];
const PLUS_ANOMALIES: readonly AnomalyId[] = [
  's7commplus.truncated', 's7commplus.unknown_version', 's7commplus.unknown_opcode', 's7commplus.length_mismatch',
  's7commplus.unterminated',
];

export const s7comm: StreamDissector<S7State> = {
  id: 's7comm',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 102 }],
  // the S7comm-plus ids are raised by this object too (it decodes both); declared on `s7commplus`
  anomalies: S7_ANOMALIES,
  maxPdu: 65535,
  probe: (data) => probeTpkt(data),
  frame: (data) => frameTpkt(data),
  decode: decodeTpkt,
  newState,
};

/**
 * S7comm-plus under its own id, with no bindings: the `s7comm` object decodes port 102 and emits
 * `proto: 's7commplus'` PDUs; this entry makes them count in per-protocol stats. Given TPKT bytes
 * directly (the conformance suite does), it decodes exactly like `s7comm`.
 */
export const s7commplus: StreamDissector<S7State> = {
  id: 's7commplus',
  kind: 'stream',
  bindings: [],
  anomalies: PLUS_ANOMALIES,
  maxPdu: 65535,
  frame: (data) => frameTpkt(data),
  decode: decodeTpkt,
  newState,
};

export { decodeTpkt, frameTpkt, probeTpkt };

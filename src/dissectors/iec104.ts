// IEC 60870-5-104 (telecontrol over TCP, port 2404).
//
// APDU layout (IEC 60870-5-104 §5.1, figure 6): start byte 0x68, APDU length (the bytes after it,
// 4..253, §5.1 "maximum length of APDU 253"), four control octets, then an optional ASDU.
// Control field formats (§5.1, figures 7-9 / §5.2-5.3):
//   I-format: octet1 bit0 = 0; N(S) = octets 1-2 >> 1, N(R) = octets 3-4 >> 1 (15-bit counters)
//   S-format: octet1 = 0b01; N(R) only
//   U-format: octet1 = 0bxxxxxx11, exactly one of STARTDT/STOPDT/TESTFR act/con set (§5.3)
// ASDU (IEC 60870-5-101 §7.1 with the 104 field sizes of IEC 60870-5-104 §6: 2-octet cause of
// transmission with originator address, 2-octet common address, 3-octet information object address):
//   type id, variable structure qualifier (SQ bit + number of objects, 101 §7.2.2), cause of
//   transmission (T and P/N bits + cause, 101 §7.2.3), originator, common address, information objects.
//
// Per-flow state checks the send sequence numbers (104 §5.1: each I-format APDU increments N(S) by one,
// modulo 32768); the first I-frame seen in a direction sets the baseline so mid-stream captures work.
import type { AnomalyId } from '../decode/anomalies.js';
import type { OpClass } from '../decode/pdu.js';
import { type Direction, type PduSink, type ProbeResult, type StreamDissector } from '../decode/types.js';
import { Reader } from '../decode/reader.js';

const START = 0x68;
/** §5.1: the APDU length octet counts the control field and ASDU; 253 is the maximum. */
const MAX_LENGTH = 253;
/** How many information object addresses a PDU carries: enough for events, bounded for memory. */
const MAX_IOAS = 8;

/** Type identification names (IEC 60870-5-101 §7.2.1.1 table 8, -104 §8 table for 104-only types). */
const TYPE_NAMES: Record<number, string> = {
  1: 'M_SP_NA_1', 2: 'M_SP_TA_1', 3: 'M_DP_NA_1', 4: 'M_DP_TA_1', 5: 'M_ST_NA_1', 6: 'M_ST_TA_1',
  7: 'M_BO_NA_1', 8: 'M_BO_TA_1', 9: 'M_ME_NA_1', 10: 'M_ME_TA_1', 11: 'M_ME_NB_1', 12: 'M_ME_TB_1',
  13: 'M_ME_NC_1', 14: 'M_ME_TC_1', 15: 'M_IT_NA_1', 16: 'M_IT_TA_1', 17: 'M_EP_TA_1', 18: 'M_EP_TB_1',
  19: 'M_EP_TC_1', 20: 'M_PS_NA_1', 21: 'M_ME_ND_1',
  30: 'M_SP_TB_1', 31: 'M_DP_TB_1', 32: 'M_ST_TB_1', 33: 'M_BO_TB_1', 34: 'M_ME_TD_1', 35: 'M_ME_TE_1',
  36: 'M_ME_TF_1', 37: 'M_IT_TB_1', 38: 'M_EP_TD_1', 39: 'M_EP_TE_1', 40: 'M_EP_TF_1',
  45: 'C_SC_NA_1', 46: 'C_DC_NA_1', 47: 'C_RC_NA_1', 48: 'C_SE_NA_1', 49: 'C_SE_NB_1', 50: 'C_SE_NC_1',
  51: 'C_BO_NA_1',
  58: 'C_SC_TA_1', 59: 'C_DC_TA_1', 60: 'C_RC_TA_1', 61: 'C_SE_TA_1', 62: 'C_SE_TB_1', 63: 'C_SE_TC_1',
  64: 'C_BO_TA_1',
  70: 'M_EI_NA_1',
  100: 'C_IC_NA_1', 101: 'C_CI_NA_1', 102: 'C_RD_NA_1', 103: 'C_CS_NA_1', 104: 'C_TS_NA_1',
  105: 'C_RP_NA_1', 106: 'C_CD_NA_1', 107: 'C_TS_TA_1',
  110: 'P_ME_NA_1', 111: 'P_ME_NB_1', 112: 'P_ME_NC_1', 113: 'P_AC_NA_1',
  120: 'F_FR_NA_1', 121: 'F_SR_NA_1', 122: 'F_SC_NA_1', 123: 'F_LS_NA_1', 124: 'F_AF_NA_1',
  125: 'F_SG_NA_1', 126: 'F_DR_TA_1', 127: 'F_SC_NB_1',
};

/**
 * Octets of one information object after its address (information elements + time tag), from the
 * element definitions in IEC 60870-5-101 §7.3 (CP24Time2a = 3, CP56Time2a = 7 octets). Types of
 * variable size (F_SG_NA_1 segments, F_SC_NB_1) are absent: their objects are not walked.
 */
const OBJECT_SIZE: Record<number, number> = {
  1: 1, 2: 4, 3: 1, 4: 4, 5: 2, 6: 5, 7: 5, 8: 8, 9: 3, 10: 6, 11: 3, 12: 6, 13: 5, 14: 8,
  15: 5, 16: 8, 17: 6, 18: 7, 19: 7, 20: 5, 21: 2,
  30: 8, 31: 8, 32: 9, 33: 12, 34: 10, 35: 10, 36: 12, 37: 12, 38: 10, 39: 11, 40: 11,
  45: 1, 46: 1, 47: 1, 48: 3, 49: 3, 50: 5, 51: 4,
  58: 8, 59: 8, 60: 8, 61: 10, 62: 10, 63: 12, 64: 11,
  70: 1,
  100: 1, 101: 1, 102: 0, 103: 7, 104: 2, 105: 1, 106: 2, 107: 9,
  110: 3, 111: 3, 112: 5, 113: 1,
  120: 6, 121: 7, 122: 4, 123: 5, 124: 4, 126: 13,
};

/** Cause of transmission names (IEC 60870-5-101 §7.2.3, table 14). */
const CAUSE_NAMES: Record<number, string> = {
  1: 'periodic', 2: 'background', 3: 'spontaneous', 4: 'initialized', 5: 'request', 6: 'activation',
  7: 'activation confirmation', 8: 'deactivation', 9: 'deactivation confirmation', 10: 'activation termination',
  11: 'return remote', 12: 'return local', 13: 'file transfer', 20: 'interrogated by station',
  37: 'requested by general counter request',
  44: 'unknown type identification', 45: 'unknown cause of transmission', 46: 'unknown common address',
  47: 'unknown information object address',
};
for (let g = 1; g <= 16; g++) CAUSE_NAMES[20 + g] = `interrogated by group ${g}`;
for (let g = 1; g <= 4; g++) CAUSE_NAMES[37 + g] = `requested by group ${g} counter request`;

/**
 * U-format functions, keyed by control octet 1 >> 2 (the value Wireshark shows as `utype`, §5.3
 * figure 9): bit 0/1 STARTDT act/con, bit 2/3 STOPDT act/con, bit 4/5 TESTFR act/con.
 */
const U_NAMES: Record<number, string> = {
  0x01: 'STARTDT act', 0x02: 'STARTDT con', 0x04: 'STOPDT act', 0x08: 'STOPDT con', 0x10: 'TESTFR act', 0x20: 'TESTFR con',
};

/** What a type id does (pdu.ts OpClass). Commands change process outputs; C_RP restarts the station. */
function opOf(type: number): OpClass {
  if (type === 100 || type === 101 || type === 102) return 'read';    // interrogation, counter interrogation, read
  if (type === 103 || type === 104 || type === 106 || type === 107) return 'diagnostic'; // clock sync, test, delay
  if (type === 105) return 'control';                                 // reset process
  if (type >= 45 && type <= 64) return 'write';                       // single/double/step/setpoint/bitstring commands
  if (type >= 110 && type <= 113) return 'write';                     // parameters of measured values, activation
  if (type >= 120 && type <= 127) return 'program';                   // file transfer
  if (type < 45 || type === 70) return 'read';                        // monitoring direction
  return 'other';
}

/** The role an I-frame plays, from its cause (101 §7.2.3: act/deact request, confirmations answer). */
function roleOf(cause: number, type: number): 'request' | 'response' | 'notify' {
  if (cause === 6 || cause === 8) return 'request';
  if (cause === 5) return type < 45 ? 'response' : 'request';       // C_RD asks (cause 5), monitoring answers it
  if (cause === 7 || cause === 9 || cause === 10 || (cause >= 20 && cause <= 41) || cause >= 44) return 'response';
  return 'notify';                                                    // periodic, background, spontaneous, init, return
}

export interface Iec104State {
  /** next expected N(S) per direction; -1 until the first I-frame sets the baseline */
  nextSend: [number, number];
}

export const IEC104_ANOMALIES = [
  'iec104.truncated',
  'iec104.bad_u_function',
  'iec104.bad_control_field',
  'iec104.unexpected_send_sequence',
  'iec104.unknown_type_id',
  'iec104.unknown_cause',
  'iec104.zero_objects',
  'iec104.asdu_length_mismatch',
] as const satisfies readonly AnomalyId[];

function probe(data: Buffer, _dir: Direction): ProbeResult {
  if (data.length < 1) return 'need-more';
  if (data[0] !== START) return 'no';
  if (data.length < 2) return 'need-more';
  const len = data[1]!;
  if (len < 4 || len > MAX_LENGTH) return 'no';
  if (data.length < 6) return 'need-more';
  const c1 = data[2]!;
  if ((c1 & 1) === 0) return len >= 10 ? 'yes' : 'no';               // an I-frame carries an ASDU
  if (len !== 4) return 'no';                                         // S and U frames are APCI only
  if ((c1 & 3) === 1) return c1 === 1 && data[3] === 0 ? 'yes' : 'no';
  return U_NAMES[c1 >> 2] !== undefined && data[3] === 0 && data[4] === 0 && data[5] === 0 ? 'yes' : 'no';
}

function frame(data: Buffer, _dir: Direction): number {
  if (data.length < 1) return 0;
  if (data[0] !== START) return -1;
  if (data.length < 2) return 0;
  const len = data[1]!;
  // A length below the control field cannot be an APDU; framing on it would misalign the stream.
  if (len < 4 || len > MAX_LENGTH) return -1;
  return 2 + len;
}

function decode(pdu: Buffer, dir: Direction, state: Iec104State, out: PduSink): void {
  const r = new Reader(pdu);
  r.skip(2); // start and length: checked by frame
  const c1 = r.u8(), c2 = r.u8(), c3 = r.u8(), c4 = r.u8();
  const nr = (c3 | (c4 << 8)) >>> 1;

  if ((c1 & 1) === 0) {
    const ns = (c1 | (c2 << 8)) >>> 1;
    const want = state.nextSend[dir];
    if (want >= 0 && ns !== want) out.anomaly('iec104.unexpected_send_sequence');
    state.nextSend[dir] = (ns + 1) & 0x7fff;
    decodeAsdu(r, ns, nr, out);
    return;
  }

  // S and U frames are the APCI alone (§5.2, §5.3)
  if (r.left !== 0) out.anomaly('iec104.bad_control_field');
  if ((c1 & 3) === 1) {
    if (c1 !== 1 || c2 !== 0) out.anomaly('iec104.bad_control_field');
    out.pdu({ proto: 'iec104', kind: 's', role: 'response', functionName: 'S', op: 'session', recvSeq: nr });
    return;
  }
  const uType = c1 >> 2;
  const name = U_NAMES[uType];
  if (name === undefined) out.anomaly('iec104.bad_u_function');
  if (c2 !== 0 || c3 !== 0 || c4 !== 0) out.anomaly('iec104.bad_control_field');
  out.pdu({
    proto: 'iec104', kind: 'u',
    // act bits are the even ones (0x01, 0x04, 0x10), con the odd ones
    role: name === undefined ? 'request' : (uType & 0x15) !== 0 ? 'request' : 'response',
    functionName: name ?? 'unknown',
    op: 'session', uFunction: uType,
  });
}

function decodeAsdu(r: Reader, ns: number, nr: number, out: PduSink): void {
  const start = r.pos;
  const type = r.u8();
  const vsq = r.u8();
  const cotByte = r.u8();
  const originator = r.u8();
  const commonAddress = r.u16le();
  const sq = (vsq & 0x80) !== 0;
  const count = vsq & 0x7f;
  const cause = cotByte & 0x3f;
  const negative = (cotByte & 0x40) !== 0;
  const test = (cotByte & 0x80) !== 0;
  const typeName = TYPE_NAMES[type];
  const causeName = CAUSE_NAMES[cause];
  if (typeName === undefined) out.anomaly('iec104.unknown_type_id');
  if (causeName === undefined) out.anomaly('iec104.unknown_cause');
  if (count === 0) out.anomaly('iec104.zero_objects');

  // Information object addresses: with SQ=1 one address then consecutive objects (101 §7.2.2.1),
  // with SQ=0 an address before every object. Unknown sizes: only the first address is read.
  const ioas: number[] = [];
  const size = OBJECT_SIZE[type];
  if (count > 0) {
    if (sq || size === undefined) {
      const first = u24le(r);
      for (let i = 0; i < count && i < (sq ? MAX_IOAS : 1); i++) ioas.push((first + i) & 0xffffff);
      if (size !== undefined) r.skip(Math.min(r.left, count * size));
    } else {
      for (let i = 0; i < count; i++) {
        const ioa = u24le(r);
        if (i < MAX_IOAS) ioas.push(ioa);
        r.skip(size);
      }
    }
  }
  if (size !== undefined) {
    const expected = 6 + (count === 0 ? 0 : sq ? 3 + count * size : count * (3 + size));
    if (r.end - start !== expected) out.anomaly('iec104.asdu_length_mismatch');
  }

  const p: Record<string, unknown> & { proto: string; kind: string } = {
    proto: 'iec104', kind: 'i',
    role: roleOf(cause, type),
    functionCode: type,
    functionName: typeName ?? 'unknown',
    op: opOf(type),
    sendSeq: ns, recvSeq: nr,
    cot: cause,
    causeName: causeName ?? 'unknown',
    originator,
    commonAddress,
    objects: count,
    sq,
  };
  if (ioas.length > 0) p.ioas = ioas;
  if (negative) p.negative = true;
  if (test) p.test = true;
  if (negative || cause >= 44 && cause <= 47) p.exception = { code: cause, name: negative ? `negative confirmation: ${causeName ?? 'unknown'}` : causeName! };
  out.pdu(p);
}

/** 3-octet little-endian information object address (104 §6, 101 §7.2.5). */
function u24le(r: Reader): number {
  const lo = r.u16le();
  return lo | (r.u8() << 16);
}

export const iec104: StreamDissector<Iec104State> = {
  id: 'iec104',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 2404 }],
  anomalies: IEC104_ANOMALIES,
  maxPdu: 2 + MAX_LENGTH,
  probe,
  frame,
  decode,
  newState: () => ({ nextSend: [-1, -1] }),
};

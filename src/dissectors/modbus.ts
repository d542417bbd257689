// Modbus/TCP (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3: MBAP header;
// Modbus Application Protocol Specification v1.1b3 §4-7: PDU, function codes, exceptions).
//
// MBAP: transaction id (2), protocol id (2, always 0), length (2: unit id + PDU, so 2..254 since a
// PDU is at most 253 bytes, §4.1), unit id (1). `frame` checks only the protocol id and the length
// range; `decode` reads one framed ADU with a bounded Reader. Requests and responses are matched by
// transaction id in bounded per-flow state (the response layout of coil reads depends on the
// request's quantity, and an unmatched response is worth counting).
import type { AnomalyId } from '../decode/anomalies.js';
import type { AppPdu } from '../decode/pdu.js';
import { Reader, Truncated } from '../decode/reader.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';
import * as f from './modbus/functions.js';
import { EXCEPTION, FC_KIND_REQ, FC_KIND_RESP, FC_KNOWN, FC_NAME, FC_OP, isKnownException, isUserDefined } from './modbus/tables.js';

/** Outstanding requests per flow; a client that never gets answers must not grow the map forever. */
export const MAX_OUTSTANDING = 256;
const MAX_ADU = 6 + 254;

export interface ModbusState {
  /**
   * The one outstanding request (transaction id, or -1) while there is only one, which is how almost
   * every client polls: a Map's delete per response reallocated its table (47 MB per 716,000 PDUs on
   * bench/ingest). A second outstanding request moves it into `pending`, in request order.
   */
  oneTid: number;
  /** its function code | requested quantity << 8 */
  oneVal: number;
  /** transaction id -> function code | requested quantity << 8, while several are outstanding */
  pending: Map<number, number>;
}

/** Requests waiting for their response. */
export function outstanding(state: ModbusState): number {
  return state.pending.size + (state.oneTid >= 0 ? 1 : 0);
}

// Anomalies of the PDU being decoded. decode is synchronous and not re-entrant, so one module-level
// scratch list (reset per call) avoids a closure and an array per PDU.
// (A count, not `scratch.length = 0`: truncating an array is a slow builtin on this path.)
const scratch: AnomalyId[] = [];
let flagged = 0;
const flag: f.Flag = (id) => { scratch[flagged++] = id; };

const ANOMALY_IDS = [
  'modbus.truncated',
  'modbus.invalid_protocol_id',
  'modbus.invalid_length',
  'modbus.unknown_function',
  'modbus.invalid_quantity',
  'modbus.invalid_value',
  'modbus.unknown_exception_code',
  'modbus.exception_in_request',
  'modbus.unmatched_response',
  'modbus.function_mismatch',
  'modbus.too_many_transactions',
] as const satisfies readonly AnomalyId[];

/** Is this byte a function code we decode (or a user-defined one, §5.1)? */
const plausibleFc = (fc: number) => fc > 0 && fc < 128 && (FC_KNOWN[fc] === 1 || isUserDefined(fc));

export const modbus: StreamDissector<ModbusState> = {
  id: 'modbus',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 502 }],
  anomalies: ANOMALY_IDS,
  maxPdu: MAX_ADU,

  newState: () => ({ oneTid: -1, oneVal: 0, pending: new Map() }),

  /** Used on other ports and to resynchronise after a gap: a whole plausible ADU at the start. */
  probe(data: Buffer, dir: Direction): ProbeResult {
    const n = data.length;
    if ((n > 2 && data[2] !== 0) || (n > 3 && data[3] !== 0) || (n > 4 && data[4] !== 0)) return 'no';
    if (n > 5 && (data[5]! < 2 || data[5]! > 254)) return 'no';
    if (n < 8) return 'need-more';
    const fc = data[7]!;
    if (fc & 0x80 ? dir === 0 || !plausibleFc(fc & 0x7f) || data[5] !== 3 : !plausibleFc(fc)) return 'no';
    const total = 6 + data[5]!;
    if (n < total) return 'need-more';
    // more bytes in the segment: they must begin another MBAP header (protocol id 0)
    if ((n > total + 2 && data[total + 2] !== 0) || (n > total + 3 && data[total + 3] !== 0)) return 'no';
    return 'yes';
  },

  frame(data: Buffer): number {
    const n = data.length;
    // protocol id 0 and a length below 256; checked as soon as the bytes are there
    if ((n > 2 && data[2] !== 0) || (n > 3 && data[3] !== 0) || (n > 4 && data[4] !== 0)) return -1;
    if (n < 6) return 0;
    const len = data[5]!;
    if (len < 2 || len > 254) return -1;
    return n >= len + 6 ? len + 6 : 0;
  },

  decode(adu: Buffer, dir: Direction, state: ModbusState, out: PduSink): void {
    flagged = 0;
    // MBAP (§3.1.3), read directly: the frame already checked what framing needs
    if (adu.length < 8) throw new Truncated(8, 0);
    const tid = (adu[0]! << 8) | adu[1]!;
    if (adu[2] !== 0 || adu[3] !== 0) return out.anomaly('modbus.invalid_protocol_id');
    const len = (adu[4]! << 8) | adu[5]!;
    if (len < 2 || len > 254) return out.anomaly('modbus.invalid_length');
    const unit = adu[6]!;
    // the ADU shorter than its length says: nothing after the header can be trusted
    if (adu.length < 6 + len) throw new Truncated(6 + len, 0);
    if (adu.length > 6 + len) flag('modbus.invalid_length');
    const body = new Reader(adu, 8, 6 + len);
    const code = adu[7]!;
    const p = dir === 0 ? request(body, code, tid, unit, state) : response(body, code, tid, unit, state);
    if (body.left > 0) flag('modbus.invalid_length');
    if (flagged > 0) {
      p.anomalies = scratch.slice(0, flagged);
      for (let i = 0; i < flagged; i++) out.anomaly(scratch[i]!);
    }
    out.pdu(p);
  },
};

function pdu(kind: string, role: 'request' | 'response', fc: number, tid: number, unit: number): AppPdu {
  return {
    proto: 'modbus', kind, role, functionCode: fc, functionName: FC_NAME[fc]!, op: FC_OP[fc]!,
    unit, transactionId: tid,
  };
}

function request(r: Reader, fc: number, tid: number, unit: number, state: ModbusState): AppPdu {
  if (fc & 0x80) {
    // an exception code in a request: nothing a client may send
    flag('modbus.exception_in_request');
    const p = pdu('unknown_request', 'request', fc & 0x7f, tid, unit);
    p.length = r.rest().length;
    return p;
  }
  const p = pdu(FC_KIND_REQ[fc]!, 'request', fc, tid, unit);
  try {
    switch (fc) {
      case 1: case 2: case 3: case 4: f.readRequest(r, p, fc, flag); break;
      case 5: f.writeSingleCoilRequest(r, p, flag); break;
      case 6: f.writeSingleRegister(r, p); break;
      case 7: case 11: case 12: case 17: break; // no data (§6.7, 6.9, 6.10, 6.13)
      case 8: f.diagnostics(r, p); break;
      case 15: f.writeMultipleCoilsRequest(r, p, flag); break;
      case 16: f.writeMultipleRegistersRequest(r, p, flag); break;
      case 20: f.readFileRecordRequest(r, p, flag); break;
      case 21: f.writeFileRecord(r, p, flag); break;
      case 22: f.maskWriteRegister(r, p); break;
      case 23: f.readWriteMultipleRequest(r, p, flag); break;
      case 24: f.readFifoRequest(r, p); break;
      case 43: f.meiRequest(r, p); break;
      default:
        if (!isUserDefined(fc)) flag('modbus.unknown_function');
        p.length = r.rest().length;
    }
  } catch (err) {
    short(err, r);
  }
  track(state, tid, fc, typeof p.quantity === 'number' ? p.quantity : 0);
  return p;
}

function response(r: Reader, code: number, tid: number, unit: number, state: ModbusState): AppPdu {
  const fc = code & 0x7f;
  const quantity = match(state, tid, fc);
  if (code & 0x80) {
    // §7: function code | 0x80, then one exception code byte
    const p = pdu('exception', 'response', fc, tid, unit);
    if (r.left === 0) {
      flag('modbus.truncated'); // the refusal is known even without its reason
      return p;
    }
    const ex = r.u8();
    if (!isKnownException(ex)) flag('modbus.unknown_exception_code');
    p.exception = EXCEPTION[ex]!;
    return p;
  }
  const p = pdu(FC_KIND_RESP[fc]!, 'response', fc, tid, unit);
  try {
    switch (fc) {
      case 1: case 2: f.readBitsResponse(r, p, quantity); break;
      case 3: case 4: case 23: f.readRegistersResponse(r, p, flag); break;
      case 5: f.writeSingleCoilResponse(r, p); break;
      case 6: f.writeSingleRegister(r, p); break;
      case 7: f.readExceptionStatusResponse(r, p); break;
      case 8: f.diagnostics(r, p); break;
      case 11: f.commEventCounterResponse(r, p); break;
      case 12: f.commEventLogResponse(r, p); break;
      case 15: case 16: f.writeMultipleResponse(r, p); break;
      case 17: f.reportServerIdResponse(r, p); break;
      case 20: f.readFileRecordResponse(r, p, flag); break;
      case 21: f.writeFileRecord(r, p, flag); break;
      case 22: f.maskWriteRegister(r, p); break;
      case 24: f.readFifoResponse(r, p, flag); break;
      case 43: f.meiResponse(r, p); break;
      default:
        if (!isUserDefined(fc)) flag('modbus.unknown_function');
        p.length = r.rest().length;
    }
  } catch (err) {
    short(err, r);
  }
  return p;
}

/**
 * A body cut short after its function code still yields the PDU with the fields read so far: the
 * unit, function and transaction are known and matter (a truncated write is still a write attempt;
 * tshark counts it too). Anything but Truncated is a bug and propagates.
 */
function short(err: unknown, r: Reader): void {
  if (!(err instanceof Truncated)) throw err;
  flag('modbus.truncated');
  r.pos = r.end; // what is left is not worth a second anomaly (invalid_length)
}

/** Remembers a request until its response; the oldest is dropped (and counted) at the bound. */
function track(state: ModbusState, tid: number, fc: number, quantity: number): void {
  const m = state.pending;
  if (m.size === 0 && (state.oneTid < 0 || state.oneTid === tid)) {
    state.oneTid = tid;
    state.oneVal = fc | (quantity << 8);
    return;
  }
  if (state.oneTid >= 0) { // a second one outstanding: both in the map, the older first
    m.set(state.oneTid, state.oneVal);
    state.oneTid = -1;
  }
  if (m.size >= MAX_OUTSTANDING && !m.has(tid)) {
    flag('modbus.too_many_transactions');
    m.delete(m.keys().next().value!);
  }
  m.set(tid, fc | (quantity << 8));
}

/** The request's quantity for this response (0 when unknown); flags responses nobody asked for. */
function match(state: ModbusState, tid: number, fc: number): number {
  let v: number | undefined;
  if (state.oneTid >= 0) { // the map is empty then
    if (state.oneTid === tid) { v = state.oneVal; state.oneTid = -1; }
  } else if ((v = state.pending.get(tid)) !== undefined) {
    state.pending.delete(tid);
  }
  if (v === undefined) {
    flag('modbus.unmatched_response');
    return 0;
  }
  if ((v & 0xff) !== fc) {
    flag('modbus.function_mismatch');
    return 0;
  }
  return v >>> 8;
}

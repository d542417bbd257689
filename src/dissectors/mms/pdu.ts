// One MMS PDU (ISO 9506-2 §7.1, MMSpdu CHOICE), BER-encoded, as it arrives in a presentation PDV,
// an ACSE user-information EXTERNAL, or straight in a COTP TSDU:
//
//   [0] confirmed-RequestPDU   SEQUENCE { invokeID, listOfModifier OPTIONAL, service, [79] service-ext }
//   [1] confirmed-ResponsePDU  SEQUENCE { invokeID, service, [79] service-ext }
//   [2] confirmed-ErrorPDU     SEQUENCE { invokeID [0], modifierPosition [1], serviceError [2] }
//   [3] unconfirmed-PDU        SEQUENCE { service (informationReport [0], unsolicitedStatus [1], eventNotification [2]) }
//   [4] rejectPDU              SEQUENCE { originalInvokeID [0] OPTIONAL, rejectReason CHOICE [1]..[11] }
//   [5]/[6] cancel-Request/ResponsePDU  IMPLICIT Unsigned32 (the invoke id);  [7] cancel-ErrorPDU
//   [8]/[9]/[10] initiate-Request/Response/ErrorPDU;  [11]/[12]/[13] conclude-Request/Response/ErrorPDU
//
// The whole PDU is first checked as BER (bounded depth and element count), so the fields read after
// are read from well-formed data; a PDU that is not well-formed yields an anomaly and no PDU.
import type { AnomalyId } from '../../decode/anomalies.js';
import { BerError, BerReader, berBits, berInt, CONTEXT, validateBer, type Tlv } from '../../decode/ber.js';
import type { AppPdu } from '../../decode/pdu.js';
import type { Direction } from '../../decode/types.js';
import { confirmedServices, PARAMETER_CBB, rejectReasons, serviceBitName, snake, unconfirmedServices } from './names.js';
import { accessResults, accessSpec, serviceError } from './objects.js';
import { requestFields, responseFields } from './services.js';
import { answered, lookup, remember, type MmsState } from './state.js';

/**
 * Nesting bound: the envelope takes about 6 levels and MMS Data nests as deep as the negotiated
 * nesting level (IEC 61850 servers offer 5 to 10); 32 leaves room and stops hostile recursion.
 */
export const MAX_DEPTH = 32;
/** Elements in one PDU: far more than a 64 KiB TSDU of real data holds. */
export const MAX_ELEMENTS = 16384;

/** First identifier octets of the MMSpdu alternatives. */
export const MMS_PDU_TAGS = new Set([0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0x85, 0x86, 0xa7, 0xa8, 0xa9, 0xaa, 0x8b, 0x8c, 0xad]);

const PDU_TYPES: Record<number, string> = {
  0xa0: 'confirmed-RequestPDU', 0xa1: 'confirmed-ResponsePDU', 0xa2: 'confirmed-ErrorPDU', 0xa3: 'unconfirmed-PDU', 0xa4: 'rejectPDU',
  0x85: 'cancel-RequestPDU', 0x86: 'cancel-ResponsePDU', 0xa7: 'cancel-ErrorPDU', 0xa8: 'initiate-RequestPDU', 0xa9: 'initiate-ResponsePDU',
  0xaa: 'initiate-ErrorPDU', 0x8b: 'conclude-RequestPDU', 0x8c: 'conclude-ResponsePDU', 0xad: 'conclude-ErrorPDU',
};

const base = (kind: string, pduType: string, role: AppPdu['role'], op: AppPdu['op'], functionName: string): AppPdu =>
  ({ proto: 'mms', kind, pduType, role, functionName, op });

/** The service element of a confirmed PDU: the first context-class element after the invoke id and modifiers. */
function serviceOf(r: BerReader): Tlv {
  while (r.more) {
    const e = r.next();
    if (e.cls === CONTEXT) return e;
    if (e.id !== 0x30) break; // only listOfModifier may come between
  }
  throw new BerError('value', r.pos);
}

function confirmed(buf: Buffer, t: Tlv, request: boolean, dir: Direction, st: MmsState, raise: (id: AnomalyId) => void): AppPdu {
  const r = new BerReader(buf, t.start, t.end);
  const idTlv = r.next();
  if (idTlv.id !== 0x02) throw new BerError('value', idTlv.start);
  const invokeId = berInt(buf, idTlv);
  const s = serviceOf(r);
  const entry = confirmedServices[s.tag];
  const role = request ? 'request' : 'response';
  if (!entry) {
    raise('mms.unknown_service');
    const p = base(`unknown_service_${role}`, PDU_TYPES[t.id]!, role, 'other', `Unknown service ${s.tag}`);
    p.invokeId = invokeId;
    p.functionCode = s.tag;
    if (!request) answered(st, dir, invokeId);
    return p;
  }
  const [name, op] = entry;
  const p = base(`${snake(name)}_${role}`, PDU_TYPES[t.id]!, role, op, name);
  p.invokeId = invokeId;
  p.functionCode = s.tag;
  if (request) remember(st, dir, invokeId, requestFields(s.tag, buf, s, p));
  else responseFields(s.tag, buf, s, p, answered(st, dir, invokeId));
  return p;
}

/** confirmed-ErrorPDU: names the service from the request it answers, when that was seen. */
function confirmedError(buf: Buffer, t: Tlv, dir: Direction, st: MmsState): AppPdu {
  const r = new BerReader(buf, t.start, t.end);
  let invokeId: number | undefined;
  let se;
  while (r.more) {
    const e = r.next();
    if (e.id === 0x80) invokeId = berInt(buf, e);
    else if (e.id === 0xa2) se = serviceError(buf, e);
  }
  if (invokeId === undefined || !se) throw new BerError('value', t.start);
  const req = answered(st, dir, invokeId);
  const entry = req ? confirmedServices[req.service] : undefined;
  const p = base(entry ? `${snake(entry[0])}_error` : 'confirmed_error', 'confirmed-ErrorPDU', 'response', entry?.[1] ?? 'other', entry?.[0] ?? 'confirmed-Error');
  p.invokeId = invokeId;
  if (req) p.functionCode = req.service;
  return Object.assign(p, se);
}

/** unconfirmed-PDU: informationReport { variableAccessSpecification, listOfAccessResult [0] }, and the other two by name. */
function unconfirmed(buf: Buffer, t: Tlv, raise: (id: AnomalyId) => void): AppPdu | null {
  const s = new BerReader(buf, t.start, t.end).next();
  const entry = s.cls === CONTEXT ? unconfirmedServices[s.tag] : undefined;
  if (!entry) {
    raise('mms.unknown_service');
    return null;
  }
  const p = base(`${snake(entry[0])}_notify`, 'unconfirmed-PDU', 'notify', entry[1], entry[0]);
  p.functionCode = s.tag;
  if (s.tag === 0) {
    const r = new BerReader(buf, s.start, s.end);
    Object.assign(p, accessSpec(buf, r.next()));
    const list = r.more ? r.next() : undefined;
    if (!list || list.id !== 0xa0) throw new BerError('value', s.start);
    const { results, accessErrors, values } = accessResults(buf, list);
    const first = values[0];
    p.results = results;
    if (accessErrors) p.accessErrors = accessErrors;
    // IEC 61850-8-1 §17.2.3: a report is sent to the list name "RPT"; its first value is the RptID
    const ln = p.variableListName as { scope: string; item: string } | undefined;
    if (ln?.scope === 'vmd' && ln.item === 'RPT' && first?.id === 0x8a) p.reportId = buf.toString('latin1', first.start, Math.min(first.end, first.start + 256));
  }
  return p;
}

function reject(buf: Buffer, t: Tlv): AppPdu {
  const p = base('reject', 'rejectPDU', 'response', 'other', 'reject');
  const r = new BerReader(buf, t.start, t.end);
  while (r.more) {
    const e = r.next();
    if (e.id === 0x80) p.originalInvokeId = berInt(buf, e);
    else if (e.cls === CONTEXT && !e.constructed) {
      const code = berInt(buf, e);
      const [what, reasons] = rejectReasons[e.tag] ?? [`reason ${e.tag}`, []];
      p.rejectedPdu = what;
      p.reason = code;
      p.reasonName = reasons[code] ?? String(code);
      p.exception = { code: (e.tag << 8) | (code & 0xff), name: `${what}: ${p.reasonName}` };
    }
  }
  if (p.reason === undefined) throw new BerError('value', t.start);
  return p;
}

/** initiate-Request/ResponsePDU (§8.2): the negotiated association parameters. */
function initiate(buf: Buffer, t: Tlv, request: boolean): AppPdu {
  const p = base(request ? 'initiate_request' : 'initiate_response', PDU_TYPES[t.id]!, request ? 'request' : 'response', 'session', PDU_TYPES[t.id]!);
  const r = new BerReader(buf, t.start, t.end);
  while (r.more) {
    const e = r.next();
    switch (e.id) {
      case 0x80: p.localDetail = berInt(buf, e); break;
      case 0x81: p.maxServOutstandingCalling = berInt(buf, e); break;
      case 0x82: p.maxServOutstandingCalled = berInt(buf, e); break;
      case 0x83: p.nestingLevel = berInt(buf, e); break;
      case 0xa4: {
        for (const d = new BerReader(buf, e.start, e.end); d.more;) {
          const f = d.next();
          if (f.id === 0x80) p.version = berInt(buf, f);
          else if (f.id === 0x81) p.parameterCbb = berBits(buf, f, PARAMETER_CBB.length).map((b) => PARAMETER_CBB[b]!);
          else if (f.id === 0x82) p.servicesSupported = berBits(buf, f, 93).map(serviceBitName);
        }
        break;
      }
      default: break;
    }
  }
  return p;
}

/** A PDU whose whole contents are a ServiceError: initiate-, conclude- and cancel-ErrorPDU. */
function errorOnly(buf: Buffer, t: Tlv, kind: string, dir: Direction, st: MmsState): AppPdu {
  const p = base(kind, PDU_TYPES[t.id]!, 'response', 'session', PDU_TYPES[t.id]!);
  if (t.id === 0xa7) { // cancel-ErrorPDU { originalInvokeID [0], serviceError [1] }
    const r = new BerReader(buf, t.start, t.end);
    let se;
    while (r.more) {
      const e = r.next();
      if (e.id === 0x80) p.invokeId = berInt(buf, e);
      else if (e.id === 0xa1) se = serviceError(buf, e);
    }
    if (!se) throw new BerError('value', t.start);
    if (typeof p.invokeId === 'number') cancelled(p, dir, st);
    return Object.assign(p, se);
  }
  return Object.assign(p, serviceError(buf, t));
}

/** A cancel names the request it cancels (sent by the canceller in the same direction). */
function cancelled(p: AppPdu, dir: Direction, st: MmsState): void {
  const req = lookup(st, p.role === 'request' ? dir : (1 - dir) as Direction, p.invokeId as number);
  if (req) p.cancelledService = confirmedServices[req.service]?.[0];
}

/**
 * Decodes the MMS PDU in buf[start, end). Returns the PDU, or null (with the anomaly raised) when
 * it is not one. Throws BerError for malformed BER and Truncated when the PDU runs past `end`.
 */
export function decodeMmsPdu(buf: Buffer, start: number, end: number, dir: Direction, st: MmsState, raise: (id: AnomalyId) => void): AppPdu | null {
  const top = new BerReader(buf, start, end, true);
  const t = top.next();
  if (top.more) throw new BerError('overrun', t.end); // one PDU per PDV: trailing bytes are not MMS
  validateBer(buf, start, t.end, MAX_DEPTH, MAX_ELEMENTS);
  switch (t.id) {
    case 0xa0: return confirmed(buf, t, true, dir, st, raise);
    case 0xa1: return confirmed(buf, t, false, dir, st, raise);
    case 0xa2: return confirmedError(buf, t, dir, st);
    case 0xa3: return unconfirmed(buf, t, raise);
    case 0xa4: return reject(buf, t);
    case 0x85: case 0x86: {
      const request = t.id === 0x85;
      const p = base(request ? 'cancel_request' : 'cancel_response', PDU_TYPES[t.id]!, request ? 'request' : 'response', 'session', PDU_TYPES[t.id]!);
      p.invokeId = berInt(buf, t);
      cancelled(p, dir, st);
      return p;
    }
    case 0xa7: return errorOnly(buf, t, 'cancel_error', dir, st);
    case 0xa8: return initiate(buf, t, true);
    case 0xa9: return initiate(buf, t, false);
    case 0xaa: return errorOnly(buf, t, 'initiate_error', dir, st);
    case 0x8b: return base('conclude_request', 'conclude-RequestPDU', 'request', 'session', 'conclude-RequestPDU');
    case 0x8c: return base('conclude_response', 'conclude-ResponsePDU', 'response', 'session', 'conclude-ResponsePDU');
    case 0xad: return errorOnly(buf, t, 'conclude_error', dir, st);
    default:
      raise('mms.unknown_pdu');
      return null;
  }
}

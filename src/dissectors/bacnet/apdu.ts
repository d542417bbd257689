// BACnet application layer (ASHRAE 135 clause 20.1): the fixed header of each APDU type (confirmed and
// unconfirmed requests, SimpleACK, ComplexACK, SegmentACK, Error, Reject, Abort), the
// max-APDU-length codes (20.1.2.5) and the Error production (21). Service bodies are in services.ts.
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';
import { ABORT_REASONS, CONFIRMED, ERROR_CLASSES, ERROR_CODES, nameOr, REJECT_REASONS, UNCONFIRMED } from './codes.js';
import { tag } from './fields.js';
import { addRoute, type Route } from './route.js';
import { complexAck, confirmedRequest, unconfirmedRequest } from './services.js';
import { APP, readTag, skipValue, unsigned } from './tags.js';

/** Clause 20.1: the fixed APDU header of each PDU type, then the service body. */
export function decodeApdu(r: Reader, out: PduSink, bvlcFn: number, route: Route, priority: number): void {
  const b0 = r.u8();
  const type = b0 >> 4;
  let p: AppPdu;
  switch (type) {
    case 0: { // 20.1.2 BACnet-Confirmed-Request-PDU
      const segmented = (b0 & 0x08) !== 0;
      const b1 = r.u8();
      const invokeId = r.u8();
      let sequence: number | undefined;
      if (segmented) { sequence = r.u8(); r.skip(1); }
      const svc = r.u8();
      const c = CONFIRMED[svc];
      p = {
        proto: 'bacnet', kind: `${c ? c[1] : 'unknown_service'}_request`, role: 'request', functionCode: svc,
        functionName: c ? c[0] : `Confirmed-Service-${svc}`, op: c ? c[2] : 'other', invokeId,
        apduType: 0, maxApdu: MAX_APDU[b1 & 0x0f] ?? 0,
      };
      if (segmented) { p.segmented = true; p.sequence = sequence; p.moreFollows = (b0 & 0x04) !== 0; }
      // only an unsegmented body is complete enough to decode by its production
      else if (c) confirmedRequest(r, svc, p);
      break;
    }
    case 1: { // 20.1.3 BACnet-Unconfirmed-Request-PDU
      const svc = r.u8();
      const u = UNCONFIRMED[svc];
      p = {
        proto: 'bacnet', kind: u ? u[1] : 'unknown_unconfirmed_service', role: 'notify', functionCode: svc,
        functionName: u ? u[0] : `Unconfirmed-Service-${svc}`, op: u ? u[2] : 'other', apduType: 1,
      };
      if (u) unconfirmedRequest(r, svc, p, route);
      break;
    }
    case 2: { // 20.1.4 BACnet-SimpleACK-PDU
      const invokeId = r.u8();
      const svc = r.u8();
      p = ackPdu(svc, invokeId, 2, 'simple_ack');
      break;
    }
    case 3: { // 20.1.5 BACnet-ComplexACK-PDU
      const segmented = (b0 & 0x08) !== 0;
      const invokeId = r.u8();
      let sequence: number | undefined;
      if (segmented) { sequence = r.u8(); r.skip(1); }
      const svc = r.u8();
      p = ackPdu(svc, invokeId, 3, 'ack');
      if (segmented) { p.segmented = true; p.sequence = sequence; p.moreFollows = (b0 & 0x04) !== 0; }
      else complexAck(r, svc, p, route);
      break;
    }
    case 4: { // 20.1.6 BACnet-SegmentACK-PDU
      const invokeId = r.u8();
      const sequence = r.u8();
      const window = r.u8();
      p = {
        proto: 'bacnet', kind: 'segment_ack', role: (b0 & 0x01) ? 'response' : 'request', functionName: 'SegmentACK',
        op: 'session', invokeId, apduType: 4, sequence, window, negative: (b0 & 0x02) !== 0,
      };
      break;
    }
    case 5: { // 20.1.7 BACnet-Error-PDU
      const invokeId = r.u8();
      const svc = r.u8();
      const c = CONFIRMED[svc];
      const { cls, code } = errorBody(r);
      const name = `${nameOr(ERROR_CLASSES, cls, 'class')}: ${nameOr(ERROR_CODES, code, 'code')}`;
      p = {
        proto: 'bacnet', kind: 'error', role: 'response', functionCode: svc, functionName: c ? c[0] : `Confirmed-Service-${svc}`,
        op: c ? c[2] : 'other', invokeId, apduType: 5, exception: { code, name },
        error: { class: cls, code, className: nameOr(ERROR_CLASSES, cls, 'class'), codeName: nameOr(ERROR_CODES, code, 'code') },
      };
      break;
    }
    case 6: { // 20.1.8 BACnet-Reject-PDU
      const invokeId = r.u8();
      const reason = r.u8();
      const name = reason >= 64 ? `proprietary-${reason}` : nameOr(REJECT_REASONS, reason, 'reason');
      p = {
        proto: 'bacnet', kind: 'reject', role: 'response', functionName: 'Reject', op: 'other', invokeId, apduType: 6,
        exception: { code: reason, name }, reject: { reason, name },
      };
      break;
    }
    case 7: { // 20.1.9 BACnet-Abort-PDU: either side may abort; SRV says the server did
      const server = (b0 & 0x01) !== 0;
      const invokeId = r.u8();
      const reason = r.u8();
      const name = reason >= 64 ? `proprietary-${reason}` : nameOr(ABORT_REASONS, reason, 'reason');
      p = {
        proto: 'bacnet', kind: 'abort', role: server ? 'response' : 'request', functionName: 'Abort', op: 'session',
        invokeId, apduType: 7, exception: { code: reason, name }, abort: { reason, name, server },
      };
      break;
    }
    default:
      out.anomaly('bacnet.bad_apdu_type');
      return;
  }
  p.bvlcFunction = bvlcFn;
  if (priority !== 0) p.priority = priority;
  addRoute(p, route);
  out.pdu(p);
}

/** 20.1.2.5: max-APDU-length-accepted codes. */
const MAX_APDU = [50, 128, 206, 480, 1024, 1476];

function ackPdu(svc: number, invokeId: number, apduType: number, suffix: string): AppPdu {
  const c = CONFIRMED[svc];
  return {
    proto: 'bacnet', kind: `${c ? c[1] : 'unknown_service'}_${suffix}`, role: 'response', functionCode: svc,
    functionName: c ? c[0] : `Confirmed-Service-${svc}`, op: c ? c[2] : 'other', invokeId, apduType,
  };
}

/**
 * 21 (Error production): class and code are two application enumerations; some services wrap them in a
 * constructed context tag (e.g. CreateObject, WritePropertyMultiple), so take the first two enumerations.
 */
function errorBody(r: Reader): { cls: number; code: number } {
  const vals: number[] = [];
  while (vals.length < 2) {
    readTag(r, tag);
    if (tag.opening || tag.closing) continue;
    if (!tag.context && tag.num === APP.ENUMERATED) vals.push(unsigned(r, tag));
    else skipValue(r, tag);
  }
  return { cls: vals[0]!, code: vals[1]! };
}

// BACnet/IP (ASHRAE 135): BVLC (Annex J), NPDU (clause 6), APDU (clause 20.1) and the services an
// inventory and detection rules care about (clauses 13-17, 21): Who-Is/I-Am, Who-Has/I-Have,
// Read/WriteProperty(Multiple), ReinitializeDevice, DeviceCommunicationControl, SubscribeCOV, time
// synchronisation, file access, errors, rejects and aborts. Other services are reported by name with
// their body left undecoded. One datagram carries one BVLL message, so a bad body costs one PDU.
import type { AppPdu, Identity } from '../decode/pdu.js';
import { Reader } from '../decode/reader.js';
import type { DatagramDissector, PduSink, ProbeResult } from '../decode/types.js';
import {
  ABORT_REASONS, BVLC_FUNCTIONS, BVLC_KINDS, BVLC_OPS, CONFIRMED, DCC_STATES, ERROR_CLASSES, ERROR_CODES, NETWORK_MESSAGES, nameOr,
  OBJECT_DEVICE, OBJECT_TYPES, PROP, PROPERTY_NAMES, REINIT_STATES, REJECT_REASONS, SEGMENTATION, UNCONFIRMED, VENDORS,
} from './bacnet/codes.js';
import {
  APP, BadTag, charString, expectApp, expectClosing, expectContext, expectOpening, newTag, nextIsContext, objectId,
  propertyValue, readTag, skipValue, unsigned, type Value,
} from './bacnet/tags.js';

export const BACNET_PORT = 47808; // 0xBAC0, Annex J.1

/** Identity facts BACnet adds to the common ones: the device instance is a device's BACnet address. */
export interface BacnetIdentity extends Identity {
  deviceInstance?: number;
  maxApdu?: number;
  segmentation?: string;
  softwareVersion?: string;
}

interface ObjectRef { objectType: number; objectTypeName: string; instance: number }
interface PropertyRef { property: number; propertyName: string; arrayIndex?: number; value?: Value }

const objRef = (o: { type: number; instance: number }): ObjectRef =>
  ({ objectType: o.type, objectTypeName: nameOr(OBJECT_TYPES, o.type, o.type >= 128 ? 'proprietary' : 'reserved'), instance: o.instance });
const propName = (p: number): string => PROPERTY_NAMES.get(p) ?? (p >= 512 ? `proprietary-${p}` : `property-${p}`);

/** What a datagram says about where it came from, beyond the IP header. */
interface Route {
  /** Forwarded-NPDU: the original B/IP sender (Annex J.4.5) */
  origin?: string;
  /** NPDU SNET/SADR: the device sits on another BACnet network behind a router (6.2.2) */
  snet?: number;
  sadr?: string;
  dnet?: number;
  dadr?: string;
  hopCount?: number;
}

const ipPort = (b: Buffer): string => `${b[0]}.${b[1]}.${b[2]}.${b[3]}:${b.readUInt16BE(4)}`;

export const bacnet: DatagramDissector = {
  id: 'bacnet',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: BACNET_PORT }],
  anomalies: [
    'bacnet.truncated', 'bacnet.bad_bvlc_type', 'bacnet.bad_bvlc_length', 'bacnet.unknown_bvlc_function',
    'bacnet.bad_npdu_version', 'bacnet.bad_npdu', 'bacnet.bad_apdu_type', 'bacnet.bad_tag',
  ],

  /** Annex J.2: type 0x81, a defined function, and a length equal to the datagram's. */
  probe(data): ProbeResult {
    if (data.length < 4) return 'no';
    if (data[0] !== 0x81 || data[1]! >= BVLC_FUNCTIONS.length) return 'no';
    return ((data[2]! << 8) | data[3]!) === data.length ? 'yes' : 'no';
  },

  decode(payload, _dir, _state, out) {
    const r = new Reader(payload);
    try {
      decodeBvlc(r, out);
    } catch (err) {
      if (!(err instanceof BadTag)) throw err;
      out.anomaly('bacnet.bad_tag');
    }
  },
};

/** Annex J.2: BVLC header, then the NPDU for the functions that carry one. */
function decodeBvlc(r: Reader, out: PduSink): void {
  const type = r.u8();
  if (type !== 0x81) {
    // 0x82 is BACnet/IPv6 (Annex U), not decoded here; anything else is not BACnet
    out.anomaly('bacnet.bad_bvlc_type');
    return;
  }
  const fn = r.u8();
  const length = r.u16();
  if (length !== r.end) {
    out.anomaly('bacnet.bad_bvlc_length');
    // UDP already delimits the message, so the datagram is decoded as it is, as receivers and tshark
    // do: a miscounted BVLC length (seen from real tools) must not hide a ReinitializeDevice. A body
    // that really is cut short still ends in bacnet.truncated.
    if (length < 4) return;
  }
  const route: Route = {};
  switch (fn) {
    case 0x04: // Forwarded-NPDU: a BBMD relays a broadcast with the originator's B/IP address
      route.origin = ipPort(r.bytes(6));
      decodeNpdu(r, out, fn, route);
      return;
    case 0x09: case 0x0a: case 0x0b:
      decodeNpdu(r, out, fn, route);
      return;
    default:
      break;
  }
  if (fn >= BVLC_FUNCTIONS.length) {
    out.anomaly('bacnet.unknown_bvlc_function');
    return;
  }
  // BVLL-only messages (BDT/FDT management): they change how broadcasts travel between subnets
  const p: AppPdu = {
    proto: 'bacnet', kind: BVLC_KINDS[fn]!,
    role: fn === 0x00 || fn === 0x03 || fn === 0x07 ? 'response' : 'request',
    functionCode: fn, functionName: BVLC_FUNCTIONS[fn]!, op: BVLC_OPS[fn]!, bvlcFunction: fn,
  };
  if (fn === 0x00) p.resultCode = r.u16();
  else if (fn === 0x05) p.ttl = r.u16();
  else if (fn === 0x01 || fn === 0x03) {
    // J.2.2/J.2.4: 10-octet BDT entries (address, port, mask)
    const entries: string[] = [];
    while (r.left >= 10 && entries.length < 64) { entries.push(ipPort(r.bytes(6))); r.skip(4); }
    p.entries = entries;
  } else if (fn === 0x08) p.entry = ipPort(r.bytes(6));
  out.pdu(p);
}

/** Clause 6.2: NPCI. Network-layer messages end here; otherwise the APDU follows. */
function decodeNpdu(r: Reader, out: PduSink, bvlcFn: number, route: Route): void {
  const version = r.u8();
  if (version !== 0x01) {
    out.anomaly('bacnet.bad_npdu_version');
    return;
  }
  const control = r.u8();
  // 6.2.2: bits 6 and 4 are reserved and shall be zero
  if (control & 0x50) {
    out.anomaly('bacnet.bad_npdu');
    return;
  }
  const netMsg = (control & 0x80) !== 0;
  const hasDnet = (control & 0x20) !== 0;
  const hasSnet = (control & 0x08) !== 0;
  if (hasDnet) {
    route.dnet = r.u16();
    const dlen = r.u8();
    route.dadr = dlen === 0 ? 'broadcast' : r.bytes(dlen).toString('hex');
  }
  if (hasSnet) {
    route.snet = r.u16();
    const slen = r.u8();
    // 6.2.2: SLEN 0 is invalid, a source is never a broadcast
    if (slen === 0) {
      out.anomaly('bacnet.bad_npdu');
      return;
    }
    route.sadr = r.bytes(slen).toString('hex');
  }
  if (hasDnet) route.hopCount = r.u8();
  const priority = control & 0x03;
  if (netMsg) {
    const msgType = r.u8();
    const p: AppPdu = {
      proto: 'bacnet', kind: 'network_message', role: 'notify', functionCode: msgType,
      functionName: msgType >= 0x80 ? `Proprietary-${msgType}` : nameOr(NETWORK_MESSAGES, msgType, 'Reserved'),
      op: msgType === 0x06 ? 'write' : 'discovery', bvlcFunction: bvlcFn,
    };
    if (msgType >= 0x80) p.vendorId = r.u16();
    else if (msgType === 0x00 && r.left >= 2) p.networks = [r.u16()];
    else if (msgType === 0x01 || msgType === 0x04 || msgType === 0x05) {
      const nets: number[] = [];
      while (r.left >= 2 && nets.length < 256) nets.push(r.u16());
      p.networks = nets;
    } else if (msgType === 0x03) { p.reason = r.u8(); p.network = r.u16(); }
    addRoute(p, route);
    out.pdu(p);
    return;
  }
  decodeApdu(r, out, bvlcFn, route, priority);
}

function addRoute(p: AppPdu, route: Route): void {
  if (route.origin !== undefined) p.origin = route.origin;
  if (route.snet !== undefined) { p.snet = route.snet; p.sadr = route.sadr; }
  if (route.dnet !== undefined) { p.dnet = route.dnet; p.dadr = route.dadr; p.hopCount = route.hopCount; }
}

/** The device a PDU speaks for when it is not the IP sender: routed (SNET/SADR) or forwarded by a BBMD. */
function about(route: Route): string | undefined {
  if (route.snet !== undefined) return `bacnet:${route.snet}:${route.sadr}`;
  return route.origin;
}

const tag = newTag();

/** Clause 20.1: the fixed APDU header of each PDU type, then the service body. */
function decodeApdu(r: Reader, out: PduSink, bvlcFn: number, route: Route, priority: number): void {
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

function ctxUnsigned(r: Reader, num: number): number {
  return unsigned(r, expectContext(r, tag, num));
}

function ctxObject(r: Reader, num: number): ObjectRef {
  return objRef(objectId(r, expectContext(r, tag, num)));
}

/** Optional context tag `num` holding an unsigned (array index, priority, lifetime...). */
function optUnsigned(r: Reader, num: number): number | undefined {
  return nextIsContext(r, tag, num) && !tag.opening && !tag.closing ? ctxUnsigned(r, num) : undefined;
}

/** Clause 15-17 request bodies for the services we decode; others keep their bytes undecoded. */
function confirmedRequest(r: Reader, svc: number, p: AppPdu): void {
  switch (svc) {
    case 5: { // 13.14 SubscribeCOV
      p.processId = ctxUnsigned(r, 0);
      Object.assign(p, ctxObject(r, 1));
      if (r.left === 0) { p.cancel = true; break; }
      if (nextIsContext(r, tag, 2)) { expectContext(r, tag, 2); p.confirmed = unsigned(r, tag) !== 0; }
      const life = optUnsigned(r, 3);
      if (life !== undefined) p.lifetime = life;
      break;
    }
    case 6: case 7: { // 14.1/14.2 AtomicRead/WriteFile: the file object
      Object.assign(p, objRef(objectId(r, expectApp(r, tag, APP.OBJECT_ID))));
      break;
    }
    case 12: { // 15.5 ReadProperty
      Object.assign(p, ctxObject(r, 0));
      const prop = ctxUnsigned(r, 1);
      p.property = prop;
      p.propertyName = propName(prop);
      const idx = optUnsigned(r, 2);
      if (idx !== undefined) p.arrayIndex = idx;
      break;
    }
    case 14: { // 15.7 ReadPropertyMultiple: list of ReadAccessSpecification
      const objects: Array<ObjectRef & { properties: PropertyRef[] }> = [];
      while (r.left > 0 && objects.length < 64) {
        const o = { ...ctxObject(r, 0), properties: [] as PropertyRef[] };
        expectOpening(r, tag, 1);
        while (!nextIsContext(r, tag, 1)) {
          const prop = ctxUnsigned(r, 0);
          const ref: PropertyRef = { property: prop, propertyName: propName(prop) };
          const idx = optUnsigned(r, 1);
          if (idx !== undefined) ref.arrayIndex = idx;
          o.properties.push(ref);
        }
        expectClosing(r, tag, 1);
        objects.push(o);
      }
      p.objects = objects;
      break;
    }
    case 15: { // 15.9 WriteProperty
      Object.assign(p, ctxObject(r, 0));
      const prop = ctxUnsigned(r, 1);
      p.property = prop;
      p.propertyName = propName(prop);
      const idx = optUnsigned(r, 2);
      if (idx !== undefined) p.arrayIndex = idx;
      expectOpening(r, tag, 3);
      const v = propertyValue(r, tag, 3);
      if (v !== undefined) p.value = v;
      const prio = optUnsigned(r, 4);
      if (prio !== undefined) p.writePriority = prio;
      break;
    }
    case 16: { // 15.10 WritePropertyMultiple: list of WriteAccessSpecification
      const objects: Array<ObjectRef & { properties: PropertyRef[] }> = [];
      while (r.left > 0 && objects.length < 64) {
        const o = { ...ctxObject(r, 0), properties: [] as PropertyRef[] };
        expectOpening(r, tag, 1);
        while (!nextIsContext(r, tag, 1) || !tag.closing) {
          const prop = ctxUnsigned(r, 0);
          const ref: PropertyRef = { property: prop, propertyName: propName(prop) };
          const idx = optUnsigned(r, 1);
          if (idx !== undefined) ref.arrayIndex = idx;
          expectOpening(r, tag, 2);
          const v = propertyValue(r, tag, 2);
          if (v !== undefined) ref.value = v;
          optUnsigned(r, 3);
          o.properties.push(ref);
        }
        expectClosing(r, tag, 1);
        objects.push(o);
      }
      p.objects = objects;
      break;
    }
    case 17: { // 16.1 DeviceCommunicationControl
      const dur = optUnsigned(r, 0);
      if (dur !== undefined) p.durationMinutes = dur;
      const state = ctxUnsigned(r, 1);
      p.state = nameOr(DCC_STATES, state, 'state');
      p.stateCode = state;
      // the password is a secret: record only that one was sent
      if (r.left > 0) { skipValue(r, expectContext(r, tag, 2)); p.password = true; }
      break;
    }
    case 20: { // 16.4 ReinitializeDevice
      const state = ctxUnsigned(r, 0);
      p.state = nameOr(REINIT_STATES, state, 'state');
      p.stateCode = state;
      if (r.left > 0) { skipValue(r, expectContext(r, tag, 1)); p.password = true; }
      break;
    }
    default:
      break;
  }
}

/** Clause 16 unconfirmed services we decode. */
function unconfirmedRequest(r: Reader, svc: number, p: AppPdu, route: Route): void {
  switch (svc) {
    case 0: { // 16.10 I-Am
      const dev = objectId(r, expectApp(r, tag, APP.OBJECT_ID));
      const maxApdu = unsigned(r, expectApp(r, tag, APP.UNSIGNED));
      const seg = unsigned(r, expectApp(r, tag, APP.ENUMERATED));
      const vendorId = unsigned(r, expectApp(r, tag, APP.UNSIGNED));
      Object.assign(p, objRef(dev));
      p.deviceInstance = dev.instance;
      p.maxApdu = maxApdu;
      p.segmentation = nameOr(SEGMENTATION, seg, 'segmentation');
      p.vendorId = vendorId;
      const id: BacnetIdentity = { deviceInstance: dev.instance, vendorId, maxApdu, segmentation: p.segmentation as string, deviceType: 'bacnet-device' };
      const vendor = VENDORS.get(vendorId);
      if (vendor !== undefined) { id.vendor = vendor; p.vendor = vendor; }
      const a = about(route);
      if (a !== undefined) id.about = a;
      p.identity = id;
      break;
    }
    case 1: { // 16.8 I-Have
      const dev = objectId(r, expectApp(r, tag, APP.OBJECT_ID));
      const obj = objectId(r, expectApp(r, tag, APP.OBJECT_ID));
      const name = charString(r, expectApp(r, tag, APP.CHAR_STRING));
      p.deviceInstance = dev.instance;
      Object.assign(p, objRef(obj));
      p.objectName = name;
      break;
    }
    case 6: case 9: { // 16.7/16.8 (UTC)TimeSynchronization: date then time
      const d = r.bytes(expectApp(r, tag, APP.DATE).len);
      const t = r.bytes(expectApp(r, tag, APP.TIME).len);
      if (d.length === 4 && t.length === 4) p.time = dateTime(d, t);
      break;
    }
    case 7: { // 16.9 Who-Has
      const lo = optUnsigned(r, 0);
      if (lo !== undefined) { p.lowLimit = lo; p.highLimit = ctxUnsigned(r, 1); }
      readTag(r, tag);
      if (tag.context && tag.num === 2 && tag.len === 4) Object.assign(p, objRef(objectId(r, tag)));
      else if (tag.context && tag.num === 3) p.objectName = charString(r, tag);
      else throw new BadTag(tag.at, 'Who-Has object is neither context tag 2 nor 3');
      break;
    }
    case 8: { // 16.10 Who-Is: an optional device instance range
      const lo = optUnsigned(r, 0);
      if (lo !== undefined) { p.lowLimit = lo; p.highLimit = ctxUnsigned(r, 1); }
      break;
    }
    default:
      break;
  }
}

/** 20.2.12/20.2.13: Date (year-1900, month, day, weekday) and Time (hour, minute, second, hundredths); 255 = any. */
function dateTime(d: Buffer, t: Buffer): string {
  const f = (v: number, w = 2) => (v === 255 ? '*'.repeat(w) : String(v).padStart(w, '0'));
  return `${d[0] === 255 ? '****' : 1900 + d[0]!}-${f(d[1]!)}-${f(d[2]!)}T${f(t[0]!)}:${f(t[1]!)}:${f(t[2]!)}.${f(t[3]!)}`;
}

/** Clause 15 ComplexACK bodies: property values, and the identity facts device objects state. */
function complexAck(r: Reader, svc: number, p: AppPdu, route: Route): void {
  switch (svc) {
    case 12: { // 15.5.1.3 ReadProperty-ACK
      const o = ctxObject(r, 0);
      Object.assign(p, o);
      const prop = ctxUnsigned(r, 1);
      p.property = prop;
      p.propertyName = propName(prop);
      const idx = optUnsigned(r, 2);
      if (idx !== undefined) p.arrayIndex = idx;
      expectOpening(r, tag, 3);
      const v = propertyValue(r, tag, 3);
      if (v !== undefined) p.value = v;
      if (prop === PROP.OBJECT_NAME && typeof v === 'string') p.objectName = v;
      const id = identityFrom(o, prop, v, route);
      if (id) p.identity = id;
      break;
    }
    case 14: { // 15.7.1.3 ReadPropertyMultiple-ACK: list of ReadAccessResult
      const objects: Array<ObjectRef & { properties: PropertyRef[] }> = [];
      let identity: BacnetIdentity | undefined;
      while (r.left > 0 && objects.length < 64) {
        const o = { ...ctxObject(r, 0), properties: [] as PropertyRef[] };
        expectOpening(r, tag, 1);
        while (!nextIsContext(r, tag, 1) || !tag.closing) {
          const prop = ctxUnsigned(r, 2);
          const ref: PropertyRef = { property: prop, propertyName: propName(prop) };
          const idx = optUnsigned(r, 3);
          if (idx !== undefined) ref.arrayIndex = idx;
          readTag(r, tag);
          if (tag.opening && tag.num === 4) {
            const v = propertyValue(r, tag, 4);
            if (v !== undefined) ref.value = v;
            if (prop === PROP.OBJECT_NAME && typeof v === 'string' && p.objectName === undefined) p.objectName = v;
            const id = identityFrom(o, prop, v, route);
            if (id) identity = Object.assign(identity ?? {}, id);
          } else if (tag.opening && tag.num === 5) skipValue(r, tag); // a property access error
          else throw new BadTag(tag.at, 'ReadAccessResult is neither a value [4] nor an error [5]');
          o.properties.push(ref);
        }
        expectClosing(r, tag, 1);
        objects.push(o);
      }
      p.objects = objects;
      if (identity) p.identity = identity;
      break;
    }
    case 6: { // 14.1.1.3 AtomicReadFile-ACK: end-of-file flag and the access method
      p.endOfFile = expectApp(r, tag, APP.BOOLEAN).len !== 0;
      break;
    }
    default:
      break;
  }
}

/** A device object's property that names the device, its vendor, model or software. */
function identityFrom(o: ObjectRef, prop: number, v: Value | undefined, route: Route): BacnetIdentity | undefined {
  if (o.objectType !== OBJECT_DEVICE || v === undefined || v === null) return undefined;
  const id: BacnetIdentity = { deviceInstance: o.instance };
  switch (prop) {
    case PROP.OBJECT_NAME: if (typeof v !== 'string') return undefined; id.name = v; break;
    case PROP.MODEL_NAME: if (typeof v !== 'string') return undefined; id.model = v; break;
    case PROP.FIRMWARE_REVISION: if (typeof v !== 'string') return undefined; id.firmwareVersion = v; break;
    case PROP.APPLICATION_SOFTWARE_VERSION: if (typeof v !== 'string') return undefined; id.softwareVersion = v; break;
    case PROP.VENDOR_NAME: if (typeof v !== 'string') return undefined; id.vendor = v; break;
    case PROP.VENDOR_IDENTIFIER: {
      if (typeof v !== 'number') return undefined;
      id.vendorId = v;
      const vendor = VENDORS.get(v);
      if (vendor !== undefined) id.vendor = vendor;
      break;
    }
    default: return undefined;
  }
  const a = about(route);
  if (a !== undefined) id.about = a;
  return id;
}

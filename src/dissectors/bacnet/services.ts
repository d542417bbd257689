// BACnet service bodies (ASHRAE 135 clauses 13-16, productions of clause 21): confirmed requests
// (SubscribeCOV, AtomicRead/WriteFile, Read/WriteProperty(Multiple), DeviceCommunicationControl,
// ReinitializeDevice), unconfirmed requests (I-Am, I-Have, Who-Has, Who-Is, time synchronisation) and
// ComplexACK bodies (ReadProperty(Multiple)-ACK, AtomicReadFile-ACK). Other services keep their bytes.
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import { DCC_STATES, nameOr, PROP, REINIT_STATES, SEGMENTATION, VENDORS } from './codes.js';
import { ctxObject, ctxUnsigned, objRef, optUnsigned, propertyRef, tag, type ObjectRef, type PropertyRef } from './fields.js';
import { identityFrom, type BacnetIdentity } from './identity.js';
import { about, type Route } from './route.js';
import {
  APP, BadTag, charString, expectApp, expectClosing, expectContext, expectOpening, nextIsContext, objectId,
  propertyValue, readTag, skipValue, unsigned,
} from './tags.js';

/** Clause 15-17 request bodies for the services we decode; others keep their bytes undecoded. */
export function confirmedRequest(r: Reader, svc: number, p: AppPdu): void {
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
      Object.assign(p, ctxObject(r, 0), propertyRef(r, 1)); // read in this order: object, then property
      break;
    }
    case 14: { // 15.7 ReadPropertyMultiple: list of ReadAccessSpecification
      const objects: Array<ObjectRef & { properties: PropertyRef[] }> = [];
      while (r.left > 0 && objects.length < 64) {
        const o = { ...ctxObject(r, 0), properties: [] as PropertyRef[] };
        expectOpening(r, tag, 1);
        while (!nextIsContext(r, tag, 1)) {
          o.properties.push(propertyRef(r, 0));
        }
        expectClosing(r, tag, 1);
        objects.push(o);
      }
      p.objects = objects;
      break;
    }
    case 15: { // 15.9 WriteProperty
      Object.assign(p, ctxObject(r, 0), propertyRef(r, 1)); // read in this order: object, then property
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
          const ref = propertyRef(r, 0);
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
export function unconfirmedRequest(r: Reader, svc: number, p: AppPdu, route: Route): void {
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
export function complexAck(r: Reader, svc: number, p: AppPdu, route: Route): void {
  switch (svc) {
    case 12: { // 15.5.1.3 ReadProperty-ACK
      const o = ctxObject(r, 0);
      Object.assign(p, o);
      const { property: prop } = Object.assign(p, propertyRef(r, 1));
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
          const ref = propertyRef(r, 2);
          const prop = ref.property;
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

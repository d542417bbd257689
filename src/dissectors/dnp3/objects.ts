// DNP3 object headers (IEEE 1815-2012 clause 4): group, variation, qualifier and range, walked to list
// the objects a fragment addresses and skip their data by each object's size (Annex A, the object
// library); the device attributes (group 0) an outstation reports are read on the way.
import type { Identity } from '../../decode/pdu.js';
import type { PduSink } from '../../decode/types.js';
import { BY_VARIATION, objectSize, PACKED, PACKED2 } from './codes.js';

export interface Dnp3Object {
  group: number;
  variation: number;
  qualifier: number;
  count: number;
}

const MAX_OBJECTS = 64;

/** Device attributes (group 0, Annex A) an outstation reports about itself, by variation. */
const ATTRIBUTE_FIELDS: Partial<Record<number, 'firmwareVersion' | 'hardwareVersion' | 'name' | 'serial' | 'model' | 'vendor'>> = {
  242: 'firmwareVersion', // device manufacturer's software version
  243: 'hardwareVersion', // device manufacturer's hardware version
  247: 'name',            // user-assigned device name
  248: 'serial',          // device serial number
  250: 'model',           // device manufacturer's product name and model
  252: 'vendor',          // device manufacturer's name
};

/**
 * Walks the object headers of one application fragment (clause 4): group, variation, qualifier
 * (prefix code bits 6-4, range specifier code bits 3-0), the range field, then skips the objects.
 * Stops at the first header it cannot size, recording it with an anomaly.
 */
export function walkObjects(b: Buffer, pos: number, end: number, withData: boolean, objects: Dnp3Object[], out: PduSink, ident: Identity | null): void {
  while (pos < end) {
    if (objects.length >= MAX_OBJECTS) return out.anomaly('dnp3.too_many_objects');
    if (end - pos < 3) return out.anomaly('dnp3.malformed_objects');
    const group = b[pos]!, variation = b[pos + 1]!, qualifier = b[pos + 2]!;
    pos += 3;
    const prefixCode = (qualifier >> 4) & 0x07, range = qualifier & 0x0f;
    let count = 0;
    let rangeLen: number;
    switch (range) {
      case 0: case 1: case 2: { // start and stop indices, 1/2/4 octets
        rangeLen = 1 << range;
        if (end - pos < 2 * rangeLen) { objects.push({ group, variation, qualifier, count: 0 }); return out.anomaly('dnp3.malformed_objects'); }
        const start = b.readUIntLE(pos, rangeLen), stop = b.readUIntLE(pos + rangeLen, rangeLen);
        if (stop < start) { objects.push({ group, variation, qualifier, count: 0 }); return out.anomaly('dnp3.malformed_objects'); }
        count = stop - start + 1;
        rangeLen *= 2;
        break;
      }
      case 3: case 4: case 5: // a single absolute address, 1/2/4 octets
        rangeLen = 1 << (range - 3);
        count = 1;
        break;
      case 6: rangeLen = 0; count = 0; break; // all points: no range field
      case 7: case 8: case 9: case 0xb: { // object count, 1/2/4 octets (0xB: variable-size objects)
        rangeLen = range === 0xb ? 1 : 1 << (range - 7);
        if (end - pos < rangeLen) { objects.push({ group, variation, qualifier, count: 0 }); return out.anomaly('dnp3.malformed_objects'); }
        count = b.readUIntLE(pos, rangeLen);
        break;
      }
      default:
        objects.push({ group, variation, qualifier, count: 0 });
        return out.anomaly('dnp3.malformed_objects'); // reserved range code
    }
    objects.push({ group, variation, qualifier, count });
    if (end - pos < rangeLen || (qualifier & 0x80) !== 0 || prefixCode === 7) return out.anomaly('dnp3.malformed_objects');
    pos += rangeLen;
    if (range === 6 && prefixCode !== 0) return out.anomaly('dnp3.malformed_objects');
    // Prefix octets per object: 1/2/4-octet index (codes 1-3) or object size (codes 4-6).
    const prefixLen = prefixCode === 0 ? 0 : 1 << ((prefixCode - 1) % 3);
    const sized = prefixCode >= 4;
    let size = withData && !sized ? objectSize(group, variation) : 0;
    if (size === undefined) return out.anomaly('dnp3.unknown_object');
    if (group === 60) size = 0; // class data selectors never carry data
    if (size === PACKED || size === PACKED2) {
      const bits = size === PACKED ? 1 : 2;
      const n = prefixLen === 0 ? Math.ceil((count * bits) / 8) : count * (prefixLen + 1);
      if (n > end - pos) return out.anomaly('dnp3.malformed_objects');
      pos += n;
    } else if (size === BY_VARIATION || size >= 0) {
      const each = prefixLen + (size === BY_VARIATION ? variation : size);
      if (count * each > end - pos) return out.anomaly('dnp3.malformed_objects');
      if (!sized) { pos += count * each; continue; }
      // object-size prefixes: each object says how long it is
      for (let i = 0; i < count; i++) {
        if (end - pos < prefixLen) return out.anomaly('dnp3.malformed_objects');
        const n = b.readUIntLE(pos, prefixLen);
        pos += prefixLen;
        if (n > end - pos) return out.anomaly('dnp3.malformed_objects');
        pos += n;
      }
    } else { // ATTRIBUTE: index prefix, then data type, length, value
      for (let i = 0; i < count; i++) {
        if (end - pos < prefixLen + 2) return out.anomaly('dnp3.malformed_objects');
        const type = b[pos + prefixLen]!, n = b[pos + prefixLen + 1]!;
        pos += prefixLen + 2;
        if (n > end - pos) return out.anomaly('dnp3.malformed_objects');
        if (ident && type === 1 && n > 0) { // VSTR: a visible string
          const field = ATTRIBUTE_FIELDS[variation];
          if (field) ident[field] = b.toString('latin1', pos, pos + n).replace(/[\0 ]+$/, '');
        }
        pos += n;
      }
    }
  }
}

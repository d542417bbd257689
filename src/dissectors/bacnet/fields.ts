// Service parameters the BACnet service decoders share (ASHRAE 135 clauses 20.2, 21): object and
// property references named from the code tables, readers of context-tagged fields, and the one tag
// every decoder reads into.
import type { Reader } from '../../decode/reader.js';
import { nameOr, OBJECT_TYPES, PROPERTY_NAMES } from './codes.js';
import { expectContext, newTag, nextIsContext, objectId, unsigned, type Value } from './tags.js';

export interface ObjectRef { objectType: number; objectTypeName: string; instance: number }
export interface PropertyRef { property: number; propertyName: string; arrayIndex?: number; value?: Value }

export const objRef = (o: { type: number; instance: number }): ObjectRef =>
  ({ objectType: o.type, objectTypeName: nameOr(OBJECT_TYPES, o.type, o.type >= 128 ? 'proprietary' : 'reserved'), instance: o.instance });
export const propName = (p: number): string => PROPERTY_NAMES.get(p) ?? (p >= 512 ? `proprietary-${p}` : `property-${p}`);

export const tag = newTag();

export function ctxUnsigned(r: Reader, num: number): number {
  return unsigned(r, expectContext(r, tag, num));
}

export function ctxObject(r: Reader, num: number): ObjectRef {
  return objRef(objectId(r, expectContext(r, tag, num)));
}

/** Optional context tag `num` holding an unsigned (array index, priority, lifetime...). */
export function optUnsigned(r: Reader, num: number): number | undefined {
  return nextIsContext(r, tag, num) && !tag.opening && !tag.closing ? ctxUnsigned(r, num) : undefined;
}

/**
 * A property identifier at context tag `num` and its optional array index at `num + 1` (clause 21
 * BACnetPropertyReference; the same pair opens Read/WriteProperty and every access specification
 * or result of their Multiple forms).
 */
export function propertyRef(r: Reader, num: number): PropertyRef {
  const property = ctxUnsigned(r, num);
  const ref: PropertyRef = { property, propertyName: propName(property) };
  const idx = optUnsigned(r, num + 1);
  if (idx !== undefined) ref.arrayIndex = idx;
  return ref;
}

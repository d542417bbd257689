// BACnet tagged encoding (ASHRAE 135 clause 20.2): every service parameter is a tag (number, class,
// length/value/type) followed by its contents. One generic reader serves every service decoder, so the
// decoders read like the ASN.1 productions in clause 21: "context tag 1, enumerated", "opening tag 3".
// A read past the datagram throws Truncated (bacnet.truncated); a tag that is not what the production
// requires throws BadTag, which the dissector turns into bacnet.bad_tag and drops the PDU.
import { Reader } from '../../decode/reader.js';

export class BadTag extends Error {
  constructor(readonly at: number, why: string) {
    super(`bad BACnet tag at ${at}: ${why}`);
  }
}

/** 20.2.1.3: application tag numbers. */
export const APP = {
  NULL: 0, BOOLEAN: 1, UNSIGNED: 2, SIGNED: 3, REAL: 4, DOUBLE: 5, OCTET_STRING: 6, CHAR_STRING: 7,
  BIT_STRING: 8, ENUMERATED: 9, DATE: 10, TIME: 11, OBJECT_ID: 12,
} as const;

/** The tag just read; one object reused per decode, so walking tags allocates nothing. */
export interface Tag {
  num: number;
  context: boolean;
  /** content length; for an application Boolean the value itself (20.2.3) */
  len: number;
  opening: boolean;
  closing: boolean;
  /** offset of the tag's first octet */
  at: number;
}

export const newTag = (): Tag => ({ num: 0, context: false, len: 0, opening: false, closing: false, at: 0 });

/** 20.2.1: initial octet, extended tag number (tag 15) and extended length (LVT 5: 8, 16 or 32 bits). */
export function readTag(r: Reader, t: Tag): Tag {
  t.at = r.pos;
  const b = r.u8();
  let num = b >> 4;
  t.context = (b & 0x08) !== 0;
  const lvt = b & 0x07;
  if (num === 15) {
    num = r.u8();
    if (num === 255) throw new BadTag(t.at, 'extended tag number 255 is reserved');
  }
  t.num = num;
  t.opening = t.closing = false;
  if (lvt === 6 || lvt === 7) {
    // opening/closing tags exist only in the context class (20.2.1.3.2)
    if (!t.context) throw new BadTag(t.at, 'opening/closing tag in the application class');
    t.opening = lvt === 6;
    t.closing = lvt === 7;
    t.len = 0;
    return t;
  }
  let len = lvt;
  if (lvt === 5) {
    len = r.u8();
    if (len === 254) len = r.u16();
    else if (len === 255) len = r.u32();
  }
  t.len = len;
  // an application Boolean carries its value in LVT and has no contents
  if (!t.context && num === APP.BOOLEAN) return t;
  if (len > r.left) r.need(len);
  return t;
}

/** Peeks at the next tag without consuming it; null at the end of the body. */
export function peekTag(r: Reader, t: Tag): Tag | null {
  if (r.left === 0) return null;
  const save = r.pos;
  readTag(r, t);
  r.pos = save;
  return t;
}

/** Reads the next tag and checks it is context tag `num` (primitive), or throws BadTag. */
export function expectContext(r: Reader, t: Tag, num: number): Tag {
  readTag(r, t);
  if (!t.context || t.num !== num || t.opening || t.closing) throw new BadTag(t.at, `expected context tag ${num}`);
  return t;
}

/** Reads the next tag and checks it is application tag `num`. */
export function expectApp(r: Reader, t: Tag, num: number): Tag {
  readTag(r, t);
  if (t.context || t.num !== num) throw new BadTag(t.at, `expected application tag ${num}`);
  return t;
}

export function expectOpening(r: Reader, t: Tag, num: number): void {
  readTag(r, t);
  if (!t.opening || t.num !== num) throw new BadTag(t.at, `expected opening tag ${num}`);
}

export function expectClosing(r: Reader, t: Tag, num: number): void {
  readTag(r, t);
  if (!t.closing || t.num !== num) throw new BadTag(t.at, `expected closing tag ${num}`);
}

/** Is the next tag context tag `num` (any form)? Consumes nothing. */
export function nextIsContext(r: Reader, t: Tag, num: number): boolean {
  const p = peekTag(r, t);
  return p !== null && p.context && p.num === num;
}

/** 20.2.4: unsigned of 1-4 octets (longer values do not occur in the properties we read). */
export function unsigned(r: Reader, t: Tag): number {
  if (t.len < 1 || t.len > 4) throw new BadTag(t.at, `unsigned of ${t.len} octets`);
  let v = 0;
  for (let i = 0; i < t.len; i++) v = v * 256 + r.u8();
  return v;
}

/** 20.2.5: two's-complement signed of 1-4 octets. */
export function signed(r: Reader, t: Tag): number {
  const v = unsigned(r, t);
  const bits = t.len * 8;
  return v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

/** 20.2.14: object identifier, 10-bit type and 22-bit instance. */
export function objectId(r: Reader, t: Tag): { type: number; instance: number } {
  if (t.len !== 4) throw new BadTag(t.at, 'object identifier is not 4 octets');
  const v = r.u32();
  return { type: v >>> 22, instance: v & 0x3fffff };
}

/**
 * 20.2.9: character string; the first octet is the character set. UTF-8 (0) and ISO 8859-1 (5) are
 * common; UCS-2 (4) is big-endian. Others (DBCS, JIS, UCS-4) are rare and decoded as Latin-1.
 */
export function charString(r: Reader, t: Tag): string {
  if (t.len < 1) throw new BadTag(t.at, 'character string without a character set');
  const set = r.u8();
  const b = r.bytes(t.len - 1);
  if (set === 0) return b.toString('utf8');
  if (set === 4 && b.length % 2 === 0) return Buffer.from(b).swap16().toString('utf16le');
  return b.toString('latin1');
}

/** Skips a primitive tag's contents, or a constructed value up to its matching closing tag. */
export function skipValue(r: Reader, t: Tag): void {
  if (t.closing) throw new BadTag(t.at, 'unexpected closing tag');
  if (t.opening) {
    const num = t.num;
    let depth = 1;
    while (depth > 0) {
      readTag(r, t);
      if (t.opening) depth++;
      else if (t.closing) {
        depth--;
        if (depth === 0 && t.num !== num) throw new BadTag(t.at, 'closing tag does not match');
      } else if (t.context || t.num !== APP.BOOLEAN) r.skip(t.len);
    }
    return;
  }
  if (t.context || t.num !== APP.BOOLEAN) r.skip(t.len);
}

export type Value = string | number | boolean | null | { type: number; instance: number };

/**
 * 20.2: one application-tagged primitive value, for the property values worth reporting (names,
 * versions, numbers). Returns undefined for types not reported (octet/bit strings, dates), skipping them.
 */
export function appValue(r: Reader, t: Tag): Value | undefined {
  readTag(r, t);
  if (t.context || t.opening || t.closing) {
    skipValue(r, t);
    return undefined;
  }
  switch (t.num) {
    case APP.NULL: return null;
    case APP.BOOLEAN: return t.len !== 0;
    case APP.UNSIGNED:
    case APP.ENUMERATED: return unsigned(r, t);
    case APP.SIGNED: return signed(r, t);
    case APP.REAL: if (t.len !== 4) throw new BadTag(t.at, 'REAL is not 4 octets'); return r.bytes(4).readFloatBE(0);
    case APP.DOUBLE: if (t.len !== 8) throw new BadTag(t.at, 'Double is not 8 octets'); return r.bytes(8).readDoubleBE(0);
    case APP.CHAR_STRING: return charString(r, t);
    case APP.OBJECT_ID: return objectId(r, t);
    default: r.skip(t.len); return undefined;
  }
}

/**
 * The value inside an opening/closing tag pair (`num`): the first application value when it is the only
 * one (object-name, model-name...); lists and constructed values are skipped and reported as undefined.
 */
export function propertyValue(r: Reader, t: Tag, num: number): Value | undefined {
  let first: Value | undefined;
  let count = 0;
  for (;;) {
    readTag(r, t);
    if (t.closing) {
      if (t.num !== num) throw new BadTag(t.at, 'closing tag does not match');
      return count === 1 ? first : undefined;
    }
    count++;
    if (count === 1 && !t.context && !t.opening) {
      r.pos = t.at;
      first = appValue(r, t);
    } else skipValue(r, t);
  }
}

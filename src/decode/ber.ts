// A small bounded BER reader (ITU-T X.690 §8.1) for application dissectors that walk ASN.1 PDUs:
// identifier octets in both forms (§8.1.2, high tag numbers up to 21 bits), definite lengths of at
// most 4 octets (§8.1.3.5), elements never past what holds them. The indefinite form (§8.1.3.6) is
// refused: the protocols that use this reader (MMS and the OSI upper layers under it) are encoded
// with definite lengths by every stack seen, and a reader that accepted it would need unbounded
// look-ahead for the end-of-contents octets.
//
// Errors: an element whose length runs past the end of the outermost buffer is `Truncated` (the PDU
// was cut); anything else that is not well-formed BER is a `BerError`, which the caller turns into
// its protocol's anomaly.
import { Truncated } from './reader.js';

export type BerProblem = 'indefinite' | 'long_length' | 'overrun' | 'tag' | 'too_deep' | 'too_many' | 'value';

export class BerError extends Error {
  constructor(readonly problem: BerProblem, readonly at: number) {
    super(`bad BER (${problem}) at ${at}`);
  }
}

export const UNIVERSAL = 0, APPLICATION = 1, CONTEXT = 2, PRIVATE = 3;

/** One element: class, constructed bit, tag number, and where its contents lie in `buf`. */
export interface Tlv {
  cls: number;
  constructed: boolean;
  tag: number;
  /** the first identifier octet as on the wire (class, P/C bit, and the tag number when below 31) */
  id: number;
  start: number;
  end: number;
}

export class BerReader {
  /**
   * `outer`: this reader spans the whole PDU, so an element longer than it means the PDU was cut
   * (Truncated); inside an element, the same is malformed BER.
   */
  constructor(readonly buf: Buffer, public pos: number, readonly end: number, readonly outer = false) {}

  static of(buf: Buffer, outer = true): BerReader { return new BerReader(buf, 0, buf.length, outer); }

  get more(): boolean { return this.pos < this.end; }

  /** The next element; the reader moves past it. */
  next(): Tlv {
    const t = this.peek();
    this.pos = t.end;
    return t;
  }

  /** The next element without moving. */
  peek(): Tlv {
    const b = this.buf;
    let p = this.pos;
    if (p + 2 > this.end) this.short(2, p);
    const id = b[p++]!;
    let tag = id & 0x1f;
    if (tag === 0x1f) { // high tag number form (§8.1.2.4): base-128 digits, at most 3
      tag = 0;
      for (let n = 0; ; n++) {
        if (n === 3) throw new BerError('tag', this.pos);
        if (p >= this.end) this.short(1, p);
        const d = b[p++]!;
        tag = tag * 128 + (d & 0x7f);
        if (!(d & 0x80)) break;
      }
      if (p >= this.end) this.short(1, p);
    }
    let len = b[p++]!;
    if (len === 0x80) throw new BerError('indefinite', this.pos);
    if (len > 0x80) {
      const n = len & 0x7f;
      if (n > 4) throw new BerError('long_length', this.pos);
      if (p + n > this.end) this.short(n, p);
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
    }
    if (p + len > this.end) this.short(len, p);
    return { cls: id >> 6, constructed: (id & 0x20) !== 0, tag, id, start: p, end: p + len };
  }

  /** A reader over the contents of `t` (an element of this reader's buffer). */
  inside(t: Tlv): BerReader { return new BerReader(this.buf, t.start, t.end); }

  private short(need: number, at: number): never {
    if (this.outer) throw new Truncated(need, at);
    throw new BerError('overrun', at);
  }
}

/**
 * Walks every element of buf[start, end) down to `maxDepth` levels of constructed elements and at
 * most `maxElements` elements in all, so a PDU is known to be well-formed BER before its fields are
 * read: hostile nesting or lengths cost one bounded pass, never recursion or a bogus field.
 */
export function validateBer(buf: Buffer, start: number, end: number, maxDepth: number, maxElements: number): void {
  const stack: number[] = [];
  let pos = start;
  let limit = end;
  let count = 0;
  for (;;) {
    while (pos >= limit) {
      if (stack.length === 0) return;
      pos = limit;
      limit = stack.pop()!;
    }
    const r = new BerReader(buf, pos, limit, stack.length === 0);
    const t = r.peek();
    if (++count > maxElements) throw new BerError('too_many', pos);
    if (t.constructed && t.end > t.start) {
      if (stack.length >= maxDepth) throw new BerError('too_deep', pos);
      stack.push(limit);
      limit = t.end;
      pos = t.start;
    } else pos = t.end;
  }
}

/** INTEGER (§8.3): two's complement, at most 6 octets so it stays an exact JS number. */
export function berInt(buf: Buffer, t: Tlv): number {
  const n = t.end - t.start;
  if (n < 1 || n > 6) throw new BerError('value', t.start);
  return buf.readIntBE(t.start, n);
}

/** An INTEGER that must not be negative (Unsigned32, Unsigned8 and the like); a leading 0 octet is allowed. */
export function berUint(buf: Buffer, t: Tlv): number {
  const v = berInt(buf, t);
  if (v < 0) throw new BerError('value', t.start);
  return v;
}

/** BOOLEAN (§8.2): one octet, any non-zero value is TRUE. */
export function berBool(buf: Buffer, t: Tlv): boolean {
  if (t.end - t.start !== 1) throw new BerError('value', t.start);
  return buf[t.start] !== 0;
}

/** Character strings (VisibleString, GraphicString, ...) as Latin-1 text, bounded to `max` characters. */
export function berText(buf: Buffer, t: Tlv, max = 1024): string {
  return buf.toString('latin1', t.start, Math.min(t.end, t.start + max));
}

/** OBJECT IDENTIFIER (§8.19) in dotted form; at most 32 arcs of at most 32 bits. */
export function berOid(buf: Buffer, t: Tlv): string {
  if (t.end === t.start) throw new BerError('value', t.start);
  const arcs: number[] = [];
  let v = 0, digits = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if (++digits > 5 || arcs.length >= 32) throw new BerError('value', t.start);
    if (b & 0x80) continue;
    if (arcs.length === 0) {
      const first = v < 80 ? Math.floor(v / 40) : 2;
      arcs.push(first, v - first * 40);
    } else arcs.push(v);
    v = 0;
    digits = 0;
  }
  if (digits !== 0) throw new BerError('value', t.start);
  return arcs.join('.');
}

/** BIT STRING (§8.6), primitive: the indices of the set bits (bit 0 is the first octet's MSB). */
export function berBits(buf: Buffer, t: Tlv, maxBits = 256): number[] {
  const n = t.end - t.start;
  if (n < 1 || buf[t.start]! > 7 || (n === 1 && buf[t.start] !== 0)) throw new BerError('value', t.start);
  const unused = buf[t.start]!;
  const total = Math.min((n - 1) * 8 - unused, maxBits);
  const set: number[] = [];
  for (let i = 0; i < total; i++) if (buf[t.start + 1 + (i >> 3)]! & (0x80 >> (i & 7))) set.push(i);
  return set;
}

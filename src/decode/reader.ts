// A bounds-checked, zero-copy cursor for application dissectors, so dissector code reads like the
// spec's field tables: a read past the end throws Truncated, which the pipeline turns into the
// anomaly `<id>.truncated` (decodeApp below) instead of every field needing its own length check.
import type { DatagramDissector, Direction, PduSink, StreamDissector } from './types.js';

export class Truncated extends Error {
  constructor(readonly need: number, readonly at: number) {
    super(`truncated: need ${need} bytes at ${at}`);
  }
}

/**
 * Latin-1 text up to the first NUL, trailing whitespace removed: fixed-size string fields that are
 * NUL- or space-padded (S7 SZL order numbers and names, FINS controller model and version).
 */
export function cstr(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul < 0 ? b.length : nul).trimEnd();
}

export class Reader {
  constructor(readonly buf: Buffer, public pos = 0, readonly end = buf.length) {}

  get left(): number {
    return this.end - this.pos;
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw new Truncated(n, this.pos);
  }

  u8(): number { this.need(1); return this.buf[this.pos++]!; }
  u16(): number { this.need(2); const v = this.buf.readUInt16BE(this.pos); this.pos += 2; return v; }
  u16le(): number { this.need(2); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
  u24(): number { this.need(3); const v = this.buf.readUIntBE(this.pos, 3); this.pos += 3; return v; }
  u32(): number { this.need(4); const v = this.buf.readUInt32BE(this.pos); this.pos += 4; return v; }
  u32le(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  i32le(): number { this.need(4); const v = this.buf.readInt32LE(this.pos); this.pos += 4; return v; }

  /** n bytes as a view (no copy): copy it if it must outlive the packet. */
  bytes(n: number): Buffer { this.need(n); const v = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  /** the rest, as a view */
  rest(): Buffer { return this.bytes(this.left); }
  skip(n: number): void { this.need(n); this.pos += n; }
  /** a reader over the next n bytes; this one moves past them */
  sub(n: number): Reader { this.need(n); const r = new Reader(this.buf, this.pos, this.pos + n); this.pos += n; return r; }
  /** Latin-1 text of n bytes, trailing NULs and spaces removed (device names, order numbers). */
  text(n: number): string { return this.bytes(n).toString('latin1').replace(/[\0 ]+$/, ''); }
  peek8(offset = 0): number { this.need(offset + 1); return this.buf[this.pos + offset]!; }
}

/**
 * Runs an application dissector's decode on one PDU or datagram. Truncated becomes the anomaly
 * `<id>.truncated`, so a short body costs one PDU; any other throw is a bug and propagates to the
 * caller, which counts `decode.exception` and switches the dissector off for that flow.
 */
export function decodeApp(d: StreamDissector<unknown> | DatagramDissector<unknown>, data: Buffer, dir: Direction, state: unknown, out: PduSink): void {
  try {
    d.decode(data, dir, state, out);
  } catch (err) {
    if (!(err instanceof Truncated)) throw err;
    out.anomaly(`${d.id}.truncated` as never);
  }
}

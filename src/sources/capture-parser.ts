// Incremental reader for classic pcap (draft-ietf-opsawg-pcap: µs and ns, both byte orders) and
// pcapng (draft-ietf-opsawg-pcapng: SHB/IDB/EPB/SPB/obsolete PB, several sections and interfaces,
// if_tsresol/if_tsoffset, unknown blocks skipped). Bytes are pushed in as they arrive (a file read, a
// gunzip stream, a tcpdump pipe); complete packets come out as batches. Damage stops the parser with
// an error naming the byte offset and the reason; everything before it has been delivered.
import type { CaptureError, PacketBatch } from './source.js';

// A record or block longer than this is a corrupt length field, not a packet: refusing it keeps a
// damaged file from making us buffer the rest of it (pcap-parser's failure mode).
const MAX_RECORD = 16 * 1024 * 1024;

const PCAP_US_LE = 0xa1b2c3d4;
const PCAP_US_BE = 0xd4c3b2a1;
const PCAP_NS_LE = 0xa1b23c4d;
const PCAP_NS_BE = 0x4d3cb2a1;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BOM = 0x1a2b3c4d;

const BT_IDB = 1;
const BT_PB = 2;
const BT_SPB = 3;
const BT_EPB = 6;

const OPT_ENDOFOPT = 0;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;

interface Interface {
  linkType: number;
  snapLen: number;
  /** timestamp units: 10^-decimals (binary=false) or 2^-decimals (binary=true) */
  binary: boolean;
  exp: number;
  offsetUs: number;
}

type State = 'start' | 'pcap' | 'pcapng' | 'failed' | 'done';

export class CaptureParser {
  format: 'pcap' | 'pcapng' | null = null;
  readonly linkTypes: number[] = [];
  error: CaptureError | null = null;
  packets = 0;

  private state: State = 'start';
  private pending: Buffer | null = null;
  /** absolute offset of pending[0] / of the next byte to parse */
  private base = 0;
  private le = true;
  private nano = false;
  private pcapLinkType = 0;
  private pcapSnapLen = 0;
  private interfaces: Interface[] = [];
  private sections = 0;

  // Reused scratch arrays, grown as needed; each batch gets right-sized copies.
  private cap = 4096;
  private sOff = new Int32Array(this.cap);
  private sLen = new Int32Array(this.cap);
  private sOrig = new Int32Array(this.cap);
  private sTs = new Float64Array(this.cap);
  private sLink = new Int32Array(this.cap);
  private n = 0;

  constructor(readonly file: string) {}

  get failed(): boolean {
    return this.state === 'failed';
  }

  /** Feeds bytes; returns the complete packets they finish (null when none). */
  push(chunk: Buffer): PacketBatch | null {
    if (this.state === 'failed' || this.state === 'done' || chunk.length === 0) return null;
    const buf = this.pending && this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.n = 0;
    let pos = 0;
    if (this.state === 'start') pos = this.parseStart(buf);
    if ((this.state as State) === 'pcap') pos = this.parsePcap(buf, pos);
    else if ((this.state as State) === 'pcapng') pos = this.parsePcapng(buf, pos);
    this.base += pos;
    this.pending = (this.state as State) === 'failed' ? null : buf.subarray(pos);
    return this.n > 0 ? this.takeBatch(buf) : null;
  }

  /**
   * Hands over the bytes of an incomplete record (and forgets them), so a reader can place them in
   * front of its next read instead of having push() concatenate a whole chunk.
   */
  takePending(): Buffer | null {
    const p = this.pending;
    this.pending = null;
    return p && p.length > 0 ? p : null;
  }

  /** No more bytes: leftover bytes mean the capture was cut short. */
  end(): void {
    if (this.state === 'failed' || this.state === 'done') return;
    const left = this.pending?.length ?? 0;
    if (this.state === 'start') {
      this.fail(this.base, 'unreadable', left === 0 ? 'the file is empty' : `the file ends inside the capture header (${left} bytes)`);
    } else if (left > 0) {
      this.fail(this.base, 'truncated', this.state === 'pcap'
        ? `the file ends inside packet ${this.packets + 1} (${left} bytes of it present)`
        : `the file ends inside a block (${left} bytes of it present)`);
    } else {
      this.state = 'done';
    }
    this.pending = null;
  }

  private fail(offset: number, kind: CaptureError['kind'], reason: string): void {
    this.state = 'failed';
    this.error = { file: this.file, offset, reason, kind };
  }

  private parseStart(buf: Buffer): number {
    if (buf.length < 4) return 0;
    const magicLE = buf.readUInt32LE(0);
    if (magicLE === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.state = 'pcapng';
      return 0;
    }
    const kinds: Record<number, [boolean, boolean]> = {
      [PCAP_US_LE]: [true, false], [PCAP_US_BE]: [false, false], [PCAP_NS_LE]: [true, true], [PCAP_NS_BE]: [false, true],
    };
    const kind = kinds[magicLE];
    if (!kind) {
      this.fail(0, 'unreadable', `not a pcap or pcapng capture (first bytes ${buf.subarray(0, 4).toString('hex')})`);
      return 0;
    }
    if (buf.length < 24) return 0;
    [this.le, this.nano] = kind;
    const major = this.u16(buf, 4);
    if (major !== 2) {
      this.fail(4, 'unreadable', `unsupported pcap version ${major}.${this.u16(buf, 6)}`);
      return 0;
    }
    this.pcapSnapLen = this.u32(buf, 16);
    this.pcapLinkType = this.u32(buf, 20) & 0xffff; // upper bits: FCS length and flags
    this.linkTypes.push(this.pcapLinkType);
    this.format = 'pcap';
    this.state = 'pcap';
    return 24;
  }

  // Classic pcap records: 16-byte header (ts_sec, ts_usec|ts_nsec, incl_len, orig_len) + data.
  private parsePcap(buf: Buffer, pos: number): number {
    const limit = Math.max(this.pcapSnapLen, 262144) > MAX_RECORD ? MAX_RECORD : Math.max(this.pcapSnapLen, 262144);
    const le = this.le;
    const nano = this.nano;
    const end = buf.length;
    while (end - pos >= 16) {
      // the hottest loop of a replay: plain byte reads, no method calls
      const sec = le ? u32le(buf, pos) : u32be(buf, pos);
      const frac = le ? u32le(buf, pos + 4) : u32be(buf, pos + 4);
      const incl = le ? u32le(buf, pos + 8) : u32be(buf, pos + 8);
      const orig = le ? u32le(buf, pos + 12) : u32be(buf, pos + 12);
      if (incl > limit) {
        this.fail(this.base + pos, 'corrupt', `packet ${this.packets + 1}: captured length ${incl} exceeds the maximum ${limit} (corrupt length field)`);
        return pos;
      }
      if (end - pos - 16 < incl) break;
      this.add(pos + 16, incl, orig, sec * 1e6 + (nano ? Math.floor(frac / 1000) : frac), this.pcapLinkType);
      pos += 16 + incl;
    }
    return pos;
  }

  // pcapng blocks: type, total length, body, total length again (§3.1).
  private parsePcapng(buf: Buffer, pos: number): number {
    const end = buf.length;
    while (end - pos >= 12) {
      const type = this.u32(buf, pos);
      if (type === PCAPNG_SHB) {
        // §4.1: the byte-order magic decides how to read everything in this section, its length too.
        const bom = buf.readUInt32LE(pos + 8);
        if (bom === PCAPNG_BOM) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else {
          this.fail(this.base + pos + 8, this.sections === 0 ? 'unreadable' : 'corrupt', `section header with an invalid byte-order magic ${buf.subarray(pos + 8, pos + 12).toString('hex')}`);
          return pos;
        }
      } else if (this.sections === 0) {
        this.fail(this.base + pos, 'unreadable', 'pcapng file does not start with a section header block');
        return pos;
      }
      const total = this.u32(buf, pos + 4);
      if (total < 12 || total % 4 !== 0 || total > MAX_RECORD) {
        this.fail(this.base + pos, 'corrupt', `block of type 0x${type.toString(16)} has an invalid total length ${total}`);
        return pos;
      }
      if (end - pos < total) break;
      if (this.u32(buf, pos + total - 4) !== total) {
        this.fail(this.base + pos, 'corrupt', `block of type 0x${type.toString(16)}: trailing length ${this.u32(buf, pos + total - 4)} differs from ${total}`);
        return pos;
      }
      if (!this.block(buf, pos, type, total)) return pos;
      pos += total;
    }
    return pos;
  }

  /** Handles one complete block; false after a failure. */
  private block(buf: Buffer, pos: number, type: number, total: number): boolean {
    const at = this.base + pos;
    switch (type) {
      case PCAPNG_SHB: {
        if (total < 28) return this.blockError(at, 'section header block shorter than 28 bytes');
        const major = this.u16(buf, pos + 12);
        if (major !== 1) return this.blockError(at, `unsupported pcapng version ${major}.${this.u16(buf, pos + 14)}`);
        this.sections++;
        this.interfaces = [];
        return true;
      }
      case BT_IDB: {
        if (total < 20) return this.blockError(at, 'interface description block shorter than 20 bytes');
        const itf: Interface = { linkType: this.u16(buf, pos + 8), snapLen: this.u32(buf, pos + 12), binary: false, exp: 6, offsetUs: 0 };
        if (!this.interfaceOptions(buf, pos + 16, pos + total - 4, itf, at)) return false;
        this.interfaces.push(itf);
        if (!this.linkTypes.includes(itf.linkType)) this.linkTypes.push(itf.linkType);
        return true;
      }
      case BT_EPB:
      case BT_PB: {
        // §4.3 EPB and the obsolete §4.6 PB share a layout; PB's interface id is 16 bits (then drops).
        if (total < 32) return this.blockError(at, `${type === BT_EPB ? 'enhanced ' : ''}packet block shorter than 32 bytes`);
        const id = type === BT_EPB ? this.u32(buf, pos + 8) : this.u16(buf, pos + 8);
        const itf = this.interfaces[id];
        if (!itf) return this.blockError(at, `packet refers to interface ${id}, but the section describes ${this.interfaces.length}`);
        const incl = this.u32(buf, pos + 20);
        if (incl > total - 32) return this.blockError(at, `captured length ${incl} does not fit in a block of ${total} bytes`);
        this.add(pos + 28, incl, this.u32(buf, pos + 24), this.timestamp(this.u32(buf, pos + 12), this.u32(buf, pos + 16), itf), itf.linkType);
        return true;
      }
      case BT_SPB: {
        if (total < 16) return this.blockError(at, 'simple packet block shorter than 16 bytes');
        const itf = this.interfaces[0];
        if (!itf) return this.blockError(at, 'simple packet block before any interface description');
        const orig = this.u32(buf, pos + 8);
        // §4.4: the captured length is the smaller of the original length and the snap length.
        let incl = Math.min(orig, total - 16);
        if (itf.snapLen > 0) incl = Math.min(incl, itf.snapLen);
        this.add(pos + 12, incl, orig, NaN, itf.linkType); // SPBs carry no timestamp
        return true;
      }
      default:
        return true; // §3.1: unknown block types are skipped
    }
  }

  private blockError(at: number, reason: string): false {
    this.fail(at, 'corrupt', reason);
    return false;
  }

  private interfaceOptions(buf: Buffer, p: number, end: number, itf: Interface, at: number): boolean {
    while (p + 4 <= end) {
      const code = this.u16(buf, p);
      const len = this.u16(buf, p + 2);
      if (code === OPT_ENDOFOPT) break;
      if (p + 4 + len > end) return this.blockError(at, `interface option ${code} runs past the end of its block`);
      if (code === OPT_IF_TSRESOL && len >= 1) {
        const v = buf[p + 4]!;
        itf.binary = (v & 0x80) !== 0;
        itf.exp = v & 0x7f;
      } else if (code === OPT_IF_TSOFFSET && len >= 8) {
        const hi = this.u32(buf, p + 4 + (this.le ? 4 : 0));
        const lo = this.u32(buf, p + 4 + (this.le ? 0 : 4));
        itf.offsetUs = ((hi | 0) * 4294967296 + lo) * 1e6; // signed 64-bit seconds
      }
      p += 4 + ((len + 3) & ~3);
    }
    return true;
  }

  /**
   * 64-bit timestamp in the interface's units -> integer µs, exactly for decimal resolutions up to
   * 10^-12: a ns epoch (~1.7e18) does not fit a double, so split 2^32 = a*D + b and divide in parts.
   */
  private timestamp(high: number, low: number, itf: Interface): number {
    let us: number;
    if (itf.binary) {
      // rare: exact with BigInt rather than a double that cannot hold the 64-bit count
      us = Number(((BigInt(high) << 32n | BigInt(low)) * 1000000n) >> BigInt(itf.exp));
    } else if (itf.exp === 6) {
      us = high * 4294967296 + low;
    } else if (itf.exp > 6 && itf.exp <= 12) {
      const d = 10 ** (itf.exp - 6);
      const a = Math.floor(4294967296 / d);
      const b = 4294967296 - a * d;
      us = high * a + Math.floor((high * b + low) / d);
    } else if (itf.exp < 6) {
      us = (high * 4294967296 + low) * 10 ** (6 - itf.exp);
    } else {
      us = Math.floor((high * 4294967296 + low) / 10 ** (itf.exp - 6));
    }
    return us + itf.offsetUs;
  }

  private add(off: number, len: number, orig: number, ts: number, linkType: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.sOff[i] = off;
    this.sLen[i] = len;
    this.sOrig[i] = orig;
    this.sTs[i] = ts;
    this.sLink[i] = linkType;
    this.packets++;
  }

  private grow(): void {
    this.cap *= 2;
    const g = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => { const b = make(this.cap); b.set(a); return b; };
    this.sOff = g(this.sOff, (n) => new Int32Array(n));
    this.sLen = g(this.sLen, (n) => new Int32Array(n));
    this.sOrig = g(this.sOrig, (n) => new Int32Array(n));
    this.sTs = g(this.sTs, (n) => new Float64Array(n));
    this.sLink = g(this.sLink, (n) => new Int32Array(n));
  }

  private takeBatch(buf: Buffer): PacketBatch {
    const n = this.n;
    const ts = this.sTs.slice(0, n);
    // A simple packet block has no time of its own: it takes its predecessor's.
    for (let i = 0; i < n; i++) if (Number.isNaN(ts[i]!)) ts[i] = i > 0 ? ts[i - 1]! : this.lastTs;
    if (n > 0) this.lastTs = ts[n - 1]!;
    return { buf, count: n, off: this.sOff.slice(0, n), len: this.sLen.slice(0, n), origLen: this.sOrig.slice(0, n), ts, linkType: this.sLink.slice(0, n) };
  }

  private lastTs = 0;

  private u16(buf: Buffer, p: number): number {
    return this.le ? buf.readUInt16LE(p) : buf.readUInt16BE(p);
  }

  private u32(buf: Buffer, p: number): number {
    return this.le ? buf.readUInt32LE(p) : buf.readUInt32BE(p);
  }
}

function u32le(b: Buffer, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

function u32be(b: Buffer, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

// One alert's capture while it is being collected (see packet-recorder.ts): which packets it wants,
// the bounds it must stay within, and copies of the frames it took. Sizes are counted as a classic
// pcap file holding the capture would take them, so a capture never makes a file over its bound.

/** the largest record Wireshark/tshark read without complaint (WTAP_MAX_PACKET_SIZE_STANDARD) */
export const SNAPLEN = 262144;

/**
 * A finished capture: frames of one link type in capture order, the trigger among them, already as
 * the classic pcap file that will be stored (draft-ietf-opsawg-pcap §4-5).
 */
export class CompletedCapture {
  constructor(readonly ref: number, readonly linkType: number, readonly count: number, readonly pcap: Buffer) {}

  /** A capture of these frames (tests, and captures made outside the recorder). */
  static fromFrames(ref: number, linkType: number, frames: ReadonlyArray<{ ts: number; origLen: number; data: Buffer }>): CompletedCapture {
    let size = PCAP_FILE_HEADER;
    for (const f of frames) size += PCAP_RECORD_HEADER + Math.min(f.data.length, SNAPLEN);
    const out = Buffer.allocUnsafeSlow(size);
    writeFileHeader(out, linkType);
    let o = PCAP_FILE_HEADER;
    for (const f of frames) o = writeRecord(out, o, f.ts, f.origLen, f.data, 0, Math.min(f.data.length, SNAPLEN));
    return new CompletedCapture(ref, linkType, frames.length, out);
  }

  /** The frames, read back from the pcap (views into it). */
  get packets(): Array<{ ts: number; origLen: number; data: Buffer }> {
    const out: Array<{ ts: number; origLen: number; data: Buffer }> = [];
    const b = this.pcap;
    for (let o = PCAP_FILE_HEADER; o + PCAP_RECORD_HEADER <= b.length;) {
      const incl = b.readUInt32LE(o + 8);
      out.push({ ts: b.readUInt32LE(o) * 1e6 + b.readUInt32LE(o + 4), origLen: b.readUInt32LE(o + 12), data: b.subarray(o + 16, o + 16 + incl) });
      o += PCAP_RECORD_HEADER + incl;
    }
    return out;
  }
}

/** Classic pcap file header: µs magic 0xa1b2c3d4, version 2.4, little-endian, SNAPLEN. */
function writeFileHeader(out: Buffer, linkType: number): void {
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  out.writeUInt32LE(0, 8); // reserved (formerly thiszone, sigfigs)
  out.writeUInt32LE(0, 12);
  out.writeUInt32LE(SNAPLEN, 16);
  out.writeUInt32LE(linkType >>> 0, 20);
}

/** One record (header and `incl` bytes of the frame) at `o`; returns the offset after it. */
function writeRecord(out: Buffer, o: number, tsUs: number, origLen: number, src: Buffer, off: number, incl: number): number {
  const ts = Math.max(0, Math.floor(tsUs));
  const sec = Math.floor(ts / 1e6);
  out.writeUInt32LE(sec >>> 0, o);
  out.writeUInt32LE(ts - sec * 1e6, o + 4);
  out.writeUInt32LE(incl, o + 8);
  out.writeUInt32LE(Math.max(origLen, incl) >>> 0, o + 12);
  src.copy(out, o + 16, off, off + incl);
  return o + 16 + incl;
}

/**
 * Records appended to one growing buffer: a capture holds one or two of these instead of a Buffer
 * per frame (per-frame copies kept ~100 MB of small buffers alive between collections on bench/ingest).
 */
class Records {
  buf: Buffer = EMPTY;
  len = 0;
  /** where each record starts */
  readonly starts: number[] = [];

  put(tsUs: number, origLen: number, src: Buffer, off: number, incl: number): void {
    const need = this.len + PCAP_RECORD_HEADER + incl;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2, 2048));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    this.starts.push(this.len);
    this.len = writeRecord(this.buf, this.len, tsUs, origLen, src, off, incl);
  }

  get count(): number {
    return this.starts.length;
  }
}

const EMPTY = Buffer.alloc(0);

export interface PacketRecorderOptions {
  /** packets the ring remembers */
  ringPackets: number;
  /** bytes of frame data the ring holds */
  ringBytes: number;
  beforePackets: number;
  afterPackets: number;
  /** the after context ends with the first packet later than trigger time + afterUs (µs) */
  afterUs: number;
  /** bounds of one capture: packets, and bytes as a pcap file holding them would take */
  maxPacketsPerCapture: number;
  maxBytesPerCapture: number;
  /** open captures at most; more are refused (default 1000) */
  maxPending?: number;
}

export interface CaptureMatch {
  /** IPv4 addresses as unsigned 32-bit numbers */
  ips: number[];
  /** MACs as text, aa:bb:cc:dd:ee:ff */
  macs: string[];
}

export interface RecorderStats {
  /** packets seen (every one gets a sequence number) */
  recorded: number;
  /** packets larger than the whole ring: not kept for before context */
  skippedLarge: number;
  /** captures still open */
  pending: number;
  /** captures refused because maxPending were open */
  refused: number;
  /** captures that ended with no packet at all (nothing to write) */
  empty: number;
}

/** classic pcap: 24-byte file header, 16-byte record header (draft-ietf-opsawg-pcap §4-5) */
export const PCAP_FILE_HEADER = 24;
export const PCAP_RECORD_HEADER = 16;

export class CaptureBuilder {
  /** the trigger's time and link type are known (or the trigger is gone and the first frame decides) */
  armed = false;
  /** -1 until the trigger (or, when it is gone, the first frame taken) fixes it */
  linkType = -1;
  deadline = Infinity;
  done = false;
  readonly all: boolean;
  /** its IPv4 addresses and MACs (48-bit numbers), distinct: the keys OpenCaptures files it under */
  readonly ipKeys: number[];
  readonly macKeys: number[];
  /** the last sequence number offered to it (OpenCaptures may find it under two keys) */
  offeredSeq = -1;
  private readonly macs: Uint8Array;
  /** the before context, newest first */
  private readonly before = new Records();
  /** the trigger, then the after context */
  private readonly after = new Records();
  private afterTaken = 0;
  private bytes = PCAP_FILE_HEADER;
  private beforeBytes = 0;
  private beforeMaxPackets = 0;
  private beforeMaxBytes = 0;
  private readonly maxPackets: number;

  constructor(
    readonly ref: number,
    readonly trigger: number,
    match: { ips: number[]; macs: string[] },
    private readonly beforePackets: number,
    private readonly afterPackets: number,
    private readonly afterUs: number,
    maxPackets: number,
    private readonly maxBytes: number,
  ) {
    this.maxPackets = Math.max(1, maxPackets);
    const macs = match.macs.map(parseMac).filter((m): m is number[] => m !== null);
    this.macs = Uint8Array.from(macs.flat());
    this.ipKeys = [...new Set(match.ips.map((ip) => ip >>> 0))];
    this.macKeys = [...new Set(macs.map((m) => m.reduce((n, b) => n * 256 + b, 0)))];
    this.all = match.ips.length === 0 && match.macs.length === 0;
  }

  /** Fixes the capture's time base and link type (the first call that knows them wins). */
  arm(ts: number, linkType: number): void {
    this.armed = true;
    if (this.linkType >= 0) return;
    this.linkType = linkType;
    this.deadline = ts + this.afterUs;
  }

  hasIp(ip: number): boolean {
    const ips = this.ipKeys;
    for (let i = 0; i < ips.length; i++) if (ips[i] === ip) return true;
    return false;
  }

  hasMac(buf: Buffer, off: number): boolean {
    const m = this.macs;
    for (let i = 0; i < m.length; i += 6) {
      if (buf[off] === m[i] && buf[off + 1] === m[i + 1] && buf[off + 2] === m[i + 2] &&
        buf[off + 3] === m[i + 3] && buf[off + 4] === m[i + 4] && buf[off + 5] === m[i + 5]) return true;
    }
    return false;
  }

  /** The trigger frame, always kept: cut short (incl_len < orig_len) if alone it exceeds the byte bound. */
  takeTrigger(buf: Buffer, off: number, len: number, ts: number, origLen: number): void {
    const incl = Math.max(0, Math.min(len, SNAPLEN, this.maxBytes - this.bytes - PCAP_RECORD_HEADER));
    this.after.put(ts, origLen, buf, off, incl);
    this.bytes += PCAP_RECORD_HEADER + incl;
  }

  /**
   * Sizes the before context once the trigger is in: it may use what the trigger left, except that
   * room is kept for the after context — up to half the packets and half the bytes when there is one.
   */
  planBefore(): void {
    const pktsLeft = this.maxPackets - this.after.count;
    const reserve = Math.min(this.afterPackets, Math.floor(pktsLeft / 2));
    this.beforeMaxPackets = Math.max(0, Math.min(this.beforePackets, pktsLeft - reserve));
    const bytesLeft = Math.max(0, this.maxBytes - this.bytes);
    this.beforeMaxBytes = this.afterPackets > 0 ? Math.floor(bytesLeft / 2) : bytesLeft;
  }

  wantsBefore(): boolean {
    return this.before.count < this.beforeMaxPackets;
  }

  /** Takes one older frame; false when it does not fit (the before context stops there). */
  takeBefore(buf: Buffer, off: number, len: number, ts: number, origLen: number): boolean {
    const incl = Math.min(len, SNAPLEN);
    const size = PCAP_RECORD_HEADER + incl;
    if (this.beforeBytes + size > this.beforeMaxBytes) return false;
    this.before.put(ts, origLen, buf, off, incl);
    this.beforeBytes += size;
    this.bytes += size;
    return true;
  }

  /** Takes one later frame; the capture is done when the after context is full or out of room. */
  takeAfter(buf: Buffer, off: number, len: number, ts: number, origLen: number): void {
    const incl = Math.min(len, SNAPLEN);
    if (this.bytes + PCAP_RECORD_HEADER + incl > this.maxBytes) {
      this.done = true;
      return;
    }
    this.after.put(ts, origLen, buf, off, incl);
    this.bytes += PCAP_RECORD_HEADER + incl;
    this.afterTaken++;
    if (this.afterFull()) this.done = true;
  }

  afterFull(): boolean {
    return this.afterTaken >= this.afterPackets || this.before.count + this.after.count >= this.maxPackets ||
      this.bytes + PCAP_RECORD_HEADER >= this.maxBytes;
  }

  /** The pcap of the frames in capture order (the before context turned round), or null when there are none. */
  build(): CompletedCapture | null {
    const count = this.before.count + this.after.count;
    if (count === 0) return null;
    const out = Buffer.allocUnsafeSlow(PCAP_FILE_HEADER + this.before.len + this.after.len);
    writeFileHeader(out, this.linkType);
    let o = PCAP_FILE_HEADER;
    const b = this.before;
    for (let i = b.count - 1; i >= 0; i--) {
      const start = b.starts[i]!;
      const end = i + 1 < b.count ? b.starts[i + 1]! : b.len;
      o += b.buf.copy(out, o, start, end);
    }
    this.after.buf.copy(out, o, 0, this.after.len);
    return new CompletedCapture(this.ref, this.linkType, count, out);
  }
}

function parseMac(text: string): number[] | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return null;
  return parts.map((p) => parseInt(p, 16));
}

// One alert's capture while it is being collected (see packet-recorder.ts): which packets it wants,
// the bounds it must stay within, and copies of the frames it took. Sizes are counted as a classic
// pcap file holding the capture would take them, so a capture never makes a file over its bound.

/** A finished capture: frames of one link type in capture order, the trigger among them. */
export interface CompletedCapture {
  ref: number;
  linkType: number;
  packets: Array<{ ts: number; origLen: number; data: Buffer }>;
}

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

type Entry = { ts: number; origLen: number; data: Buffer };

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
  private readonly ips: number[];
  private readonly macs: Uint8Array;
  /** the before context, newest first */
  private readonly before: Entry[] = [];
  /** the trigger, then the after context */
  private readonly after: Entry[] = [];
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
    this.ips = match.ips.map((ip) => ip >>> 0);
    const macs = match.macs.map(parseMac).filter((m): m is number[] => m !== null);
    this.macs = Uint8Array.from(macs.flat());
    this.ipKeys = [...new Set(this.ips)];
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
    const ips = this.ips;
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
    const incl = Math.max(0, Math.min(len, this.maxBytes - this.bytes - PCAP_RECORD_HEADER));
    this.after.push({ ts, origLen, data: copy(buf, off, incl) });
    this.bytes += PCAP_RECORD_HEADER + incl;
  }

  /**
   * Sizes the before context once the trigger is in: it may use what the trigger left, except that
   * room is kept for the after context — up to half the packets and half the bytes when there is one.
   */
  planBefore(): void {
    const pktsLeft = this.maxPackets - this.after.length;
    const reserve = Math.min(this.afterPackets, Math.floor(pktsLeft / 2));
    this.beforeMaxPackets = Math.max(0, Math.min(this.beforePackets, pktsLeft - reserve));
    const bytesLeft = Math.max(0, this.maxBytes - this.bytes);
    this.beforeMaxBytes = this.afterPackets > 0 ? Math.floor(bytesLeft / 2) : bytesLeft;
  }

  wantsBefore(): boolean {
    return this.before.length < this.beforeMaxPackets;
  }

  /** Takes one older frame; false when it does not fit (the before context stops there). */
  takeBefore(buf: Buffer, off: number, len: number, ts: number, origLen: number): boolean {
    const size = PCAP_RECORD_HEADER + len;
    if (this.beforeBytes + size > this.beforeMaxBytes) return false;
    this.before.push({ ts, origLen, data: copy(buf, off, len) });
    this.beforeBytes += size;
    this.bytes += size;
    return true;
  }

  /** Takes one later frame; the capture is done when the after context is full or out of room. */
  takeAfter(buf: Buffer, off: number, len: number, ts: number, origLen: number): void {
    if (this.bytes + PCAP_RECORD_HEADER + len > this.maxBytes) {
      this.done = true;
      return;
    }
    this.after.push({ ts, origLen, data: copy(buf, off, len) });
    this.bytes += PCAP_RECORD_HEADER + len;
    this.afterTaken++;
    if (this.afterFull()) this.done = true;
  }

  afterFull(): boolean {
    return this.afterTaken >= this.afterPackets || this.before.length + this.after.length >= this.maxPackets ||
      this.bytes + PCAP_RECORD_HEADER >= this.maxBytes;
  }

  /** The frames in capture order, or null when there are none. */
  build(): CompletedCapture | null {
    const packets = this.before.reverse().concat(this.after);
    if (packets.length === 0) return null;
    return { ref: this.ref, linkType: this.linkType, packets };
  }
}

function copy(buf: Buffer, off: number, len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  buf.copy(out, 0, off, off + len);
  return out;
}

function parseMac(text: string): number[] | null {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{1,2}$/.test(p))) return null;
  return parts.map((p) => parseInt(p, 16));
}

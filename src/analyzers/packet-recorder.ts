// Alert PCAPs (issue 6; spec §1.16): every alert keeps the packets that triggered it plus context
// before and after. Every frame is copied into one preallocated ring (a byte buffer used circularly and
// typed arrays of per-slot metadata), so the per-packet path allocates nothing. An alert starts a
// capture naming its trigger packet by sequence number (`nextSeq` while the rule runs in a hook of that
// packet); the "before" context is taken out of the ring, the "after" context as packets arrive.
//
// Ordering: the sensor calls packet() after the packet's PDUs went to the pdu() hooks, and calls the
// packet() and finish() hooks in list order, so the recorder must be the LAST analyzer: a rule running
// in any hook of packet N then sees nextSeq === N, and captures started at the end of input complete.
//
// Copying: on Node 20 every Buffer.copy call allocates a view (~100+ ns), so frames are not copied one
// by one. Frames that follow each other in one batch buffer form a pending span that is copied into
// the ring in one call when the span ends (another buffer, a gap, a size limit) or before anything
// reads the ring. Holding the current batch's buffer that long is what PacketBatch allows (views into
// it stay valid while the batch is kept); the after context is copied from the frame itself.
import type { Packet } from '../decode/packet.js';
import type { Analyzer } from './analyzer.js';
import { OpenCaptures } from './open-captures.js';
import { CaptureBuilder, type CaptureMatch, type CompletedCapture, type PacketRecorderOptions, type RecorderStats } from './packet-capture.js';

/** bytes between two frames of a batch (pcap/pcapng record headers) still copied as one span */
const MAX_GAP = 64;

export type { CaptureMatch, CompletedCapture, PacketRecorderOptions, RecorderStats } from './packet-capture.js';

export class PacketRecorder implements Analyzer {
  readonly name = 'packet-recorder';
  private readonly nSlots: number;
  private readonly ringBytes: number;
  private readonly ring: Buffer;
  // per-slot metadata; slot of sequence number s is s % nSlots
  private readonly sTs: Float64Array;
  /** byte offset in the ring (in the batch buffer while pending), -1 when the frame is not kept */
  private readonly sOff: Int32Array;
  private readonly sLen: Int32Array;
  private readonly sOrig: Int32Array;
  private readonly sLink: Int32Array;
  private readonly sSrc4: Uint32Array;
  private readonly sDst4: Uint32Array;
  private readonly sIp4: Uint8Array;
  /** MAC offsets relative to the frame start, -1 when the link has none */
  private readonly sSrcMac: Int32Array;
  private readonly sDstMac: Int32Array;
  private seq = 0;
  private head = 0;
  private writePos = 0;
  // The pending span: frames recorded but not yet copied into the ring, all in one batch buffer
  // (PacketBatch lets a consumer keep views into its buffer). flushedSeq is the first of them.
  private flushedSeq = 0;
  private pendBuf: Buffer | null = null;
  private pendStart = 0;
  private pendEnd = 0;
  private pendLimit = 0;
  private pendSeqLimit = 0;
  private readonly spanMax: number;
  /** the oldest sequence number whose bytes are still in the ring, and its slot */
  private tailSeq = 0;
  private tailSlot = 0;
  private skippedLarge = 0;
  private refused = 0;
  private empty = 0;
  private readonly maxPending: number;
  private readonly open = new OpenCaptures();
  // the packet feed() is offering, for the visitor (one bound function, no closure per packet)
  private fSeq = 0;
  private fSlot = 0;
  private fBuf: Buffer = Buffer.alloc(0);
  private fOff = 0;
  private readonly visit = (cap: CaptureBuilder): void => {
    if (!cap.armed || this.fSeq <= cap.trigger) return;
    this.offer(cap, this.fSeq, this.fSlot, this.fBuf, this.fOff);
    if (cap.done) this.complete(cap);
  };
  /** open captures whose trigger packet has not been recorded yet */
  private waiting = 0;
  private completed: CompletedCapture[] = [];

  constructor(private readonly opts: PacketRecorderOptions) {
    this.nSlots = Math.max(1, Math.floor(opts.ringPackets));
    this.ringBytes = Math.max(0, Math.floor(opts.ringBytes));
    this.maxPending = opts.maxPending ?? 1000;
    this.ring = Buffer.alloc(this.ringBytes);
    // a span up to 1/8 of the ring: a wrap wastes at most that much of it
    this.spanMax = Math.max(1, Math.floor(this.ringBytes / 8));
    const n = this.nSlots;
    this.sTs = new Float64Array(n);
    this.sOff = new Int32Array(n);
    this.sLen = new Int32Array(n);
    this.sOrig = new Int32Array(n);
    this.sLink = new Int32Array(n);
    this.sSrc4 = new Uint32Array(n);
    this.sDst4 = new Uint32Array(n);
    this.sIp4 = new Uint8Array(n);
    this.sSrcMac = new Int32Array(n);
    this.sDstMac = new Int32Array(n);
  }

  /** The sequence number of the packet being processed now (= packets recorded so far). */
  get nextSeq(): number {
    return this.seq;
  }

  packet(pkt: Packet): void {
    const seq = this.seq;
    // A capture whose trigger is this packet takes its before context now, before this frame can
    // push the oldest bytes out of the ring.
    if (this.waiting !== 0) this.armArriving(pkt, seq);
    const fb = pkt.frameBuf;
    const base = pkt.off;
    const len = pkt.len;
    const slot = this.head;
    if (len > this.ringBytes) {
      if (seq >= this.pendSeqLimit) this.flushPending(null, 0); // the slot's occupant must be in the ring
      this.sOff[slot] = -1;
      this.skippedLarge++;
    } else {
      // Frames join the pending span while they follow each other closely in the same batch buffer;
      // anything else copies the span into the ring first.
      if (fb !== this.pendBuf || base < this.pendEnd || base > this.pendEnd + MAX_GAP ||
        base + len > this.pendLimit || seq >= this.pendSeqLimit) this.flushPending(fb, base);
      this.sOff[slot] = base; // a frame offset until flushed, then a ring offset
      this.pendEnd = base + len;
    }
    if (this.tailSeq <= seq - this.nSlots) { // the slot's previous occupant (flushed already) leaves
      this.tailSeq = seq - this.nSlots + 1;
      this.tailSlot = slot + 1 === this.nSlots ? 0 : slot + 1;
    }
    this.sTs[slot] = pkt.ts;
    this.sLen[slot] = len;
    this.sOrig[slot] = pkt.origLen;
    this.sLink[slot] = pkt.linkType;
    if (pkt.ipVersion === 4) {
      this.sIp4[slot] = 1;
      this.sSrc4[slot] = pkt.src4;
      this.sDst4[slot] = pkt.dst4;
    } else {
      this.sIp4[slot] = 0;
    }
    this.sSrcMac[slot] = pkt.srcMacOff >= 0 ? pkt.srcMacOff - base : -1;
    this.sDstMac[slot] = pkt.dstMacOff >= 0 ? pkt.dstMacOff - base : -1;
    this.seq = seq + 1;
    this.head = slot + 1 === this.nSlots ? 0 : slot + 1;
    if (this.open.size !== 0) this.feed(seq, slot, fb, base); // the after context, from the frame itself
  }

  /**
   * Begins the capture for an alert. `trigger` is the sequence number of the packet that raised it;
   * `match` names the alert's endpoints (an empty match takes every packet). Returns false when
   * maxPending captures are open (counted as refused) or `ref` already has an open capture.
   */
  start(ref: number, trigger: number, match: CaptureMatch): boolean {
    if (!Number.isSafeInteger(trigger) || trigger < 0) throw new RangeError(`capture trigger ${trigger} is not a packet sequence number`);
    if (this.open.list.some((c) => c.ref === ref)) return false;
    if (this.open.size >= this.maxPending) {
      this.refused++;
      return false;
    }
    const o = this.opts;
    const cap = new CaptureBuilder(ref, trigger, match, o.beforePackets, o.afterPackets, o.afterUs, o.maxPacketsPerCapture, o.maxBytesPerCapture);
    this.open.add(cap);
    if (trigger >= this.seq) {
      this.waiting++;
      return true;
    }
    // Started late: the trigger (and maybe packets after it) went by already; take them from the ring.
    this.armFromRing(cap);
    for (let s = trigger + 1; s < this.seq && !cap.done; s++) {
      const slot = s % this.nSlots;
      if (s >= this.tailSeq && this.sOff[slot]! >= 0) this.offer(cap, s, slot, this.ring, this.sOff[slot]!);
      else if (s >= this.seq - this.nSlots && this.sTs[slot]! > cap.deadline) cap.done = true;
    }
    if (cap.done) this.complete(cap);
    return true;
  }

  /** Drops the capture of `ref`, open or completed and not yet taken. */
  cancel(ref: number): void {
    const cap = this.open.list.find((c) => c.ref === ref);
    if (cap) {
      if (!cap.armed) this.waiting--;
      this.open.remove(cap);
    }
    this.completed = this.completed.filter((c) => c.ref !== ref);
  }

  /** Captures that ended since the last call (the caller writes them out). */
  takeCompleted(): CompletedCapture[] {
    const c = this.completed;
    this.completed = [];
    return c;
  }

  /** Ends the after context of captures whose deadline (trigger time + afterUs) is before nowUs. */
  expire(nowUs: number): void {
    for (const cap of this.open.expired(nowUs)) this.complete(cap);
  }

  /** End of input: every open capture completes with what it has. */
  finish(): void {
    for (const cap of this.open.list.slice()) {
      if (!cap.armed) this.armFromRing(cap);
      this.complete(cap);
    }
  }

  stats(): RecorderStats {
    return { recorded: this.seq, skippedLarge: this.skippedLarge, pending: this.open.size, refused: this.refused, empty: this.empty };
  }

  /**
   * Copies the pending span into the ring in one Buffer.copy (on Node 20 each copy call allocates a
   * view, so one per span instead of one per frame), then starts a new span at `start` of `buf`.
   */
  private flushPending(buf: Buffer | null, start: number): void {
    const first = this.flushedSeq;
    const end = this.seq;
    if (end > first) {
      const src = this.pendBuf; // null when only frames too large for the ring came since
      const from = this.pendStart;
      const span = this.pendEnd - from;
      let at = this.writePos;
      if (src !== null && span > 0) {
        if (at + span > this.ringBytes) { // wrap: the unused end of the ring counts as overwritten
          this.evict(at, this.ringBytes);
          at = 0;
        }
        this.evict(at, at + span);
        src.copy(this.ring, at, from, from + span);
        this.writePos = at + span;
      }
      const shift = at - from;
      for (let s = first, slot = first % this.nSlots; s < end; s++) {
        if (this.sOff[slot]! >= 0) this.sOff[slot]! += shift;
        if (++slot === this.nSlots) slot = 0;
      }
      this.flushedSeq = end;
    }
    this.pendBuf = buf;
    this.pendStart = start;
    this.pendEnd = start;
    this.pendLimit = start + this.spanMax;
    this.pendSeqLimit = end + this.nSlots;
  }

  /** Frees the ring bytes [start, end) by forgetting the oldest frames stored there. */
  private evict(start: number, end: number): void {
    while (this.tailSeq < this.flushedSeq) {
      const s = this.tailSlot;
      const o = this.sOff[s]!;
      const l = this.sLen[s]!;
      // frames not copied and empty ones hold no bytes: step over them
      if (o >= 0 && l > 0 && (o >= end || o + l <= start)) return;
      this.tailSeq++;
      this.tailSlot = s + 1 === this.nSlots ? 0 : s + 1;
    }
  }

  private armArriving(pkt: Packet, seq: number): void {
    const list = this.open.list;
    for (let i = 0; i < list.length; i++) {
      const cap = list[i]!;
      if (cap.armed || cap.trigger !== seq) continue;
      this.waiting--;
      this.arm(cap, pkt.ts, pkt.linkType);
      cap.takeTrigger(pkt.frameBuf, pkt.off, pkt.len, pkt.ts, pkt.origLen);
      this.gatherBefore(cap);
      if (cap.done) this.complete(cap), i--;
    }
  }

  /** Arms a capture whose trigger was recorded already (or never will be, at finish()). */
  private armFromRing(cap: CaptureBuilder): void {
    this.flushPending(null, 0);
    if (!cap.armed) {
      if (cap.trigger >= this.seq) this.waiting--; // finish(): the trigger never came
      cap.armed = true;
    }
    const t = cap.trigger;
    const slot = t % this.nSlots;
    if (t < this.seq && t >= this.seq - this.nSlots) {
      this.arm(cap, this.sTs[slot]!, this.sLink[slot]!);
      if (t >= this.tailSeq && this.sOff[slot]! >= 0) {
        cap.takeTrigger(this.ring, this.sOff[slot]!, this.sLen[slot]!, this.sTs[slot]!, this.sOrig[slot]!);
      }
    }
    this.gatherBefore(cap);
  }

  /** The before context: the newest matching frames still in the ring, older than the trigger. */
  private gatherBefore(cap: CaptureBuilder): void {
    this.flushPending(null, 0);
    cap.planBefore();
    const low = this.tailSeq;
    for (let s = Math.min(cap.trigger, this.seq) - 1; s >= low && cap.wantsBefore(); s--) {
      const slot = s % this.nSlots;
      const off = this.sOff[slot]!;
      if (off < 0 || !this.matches(cap, slot, this.ring, off)) continue;
      if (cap.linkType < 0) this.arm(cap, this.sTs[slot]!, this.sLink[slot]!);
      if (this.sLink[slot] !== cap.linkType) continue;
      if (!cap.takeBefore(this.ring, off, this.sLen[slot]!, this.sTs[slot]!, this.sOrig[slot]!)) break;
    }
    if (cap.afterFull()) cap.done = true;
  }

  /** The after context: this packet goes to the open captures filed under its addresses. */
  private feed(seq: number, slot: number, buf: Buffer, off: number): void {
    const open = this.open;
    const ts = this.sTs[slot]!;
    if (open.due(ts)) for (const cap of open.expired(ts)) this.complete(cap);
    if (open.size === 0) return;
    const ip4 = this.sIp4[slot] === 1;
    let sm = -1, dm = -1;
    if (open.hasMacs) {
      const s = this.sSrcMac[slot]!, d = this.sDstMac[slot]!;
      if (s >= 0) sm = buf.readUIntBE(off + s, 6);
      if (d >= 0) dm = buf.readUIntBE(off + d, 6);
    }
    this.fSeq = seq;
    this.fSlot = slot;
    this.fBuf = buf;
    this.fOff = off;
    open.each(seq, ip4 ? this.sSrc4[slot]! : 0, ip4 ? this.sDst4[slot]! : 0, sm, dm, this.visit);
  }

  /** Arms a capture and files its deadline with the open captures (which end it when it passes). */
  private arm(cap: CaptureBuilder, ts: number, linkType: number): void {
    cap.arm(ts, linkType);
    this.open.armed(cap);
  }

  private offer(cap: CaptureBuilder, seq: number, slot: number, buf: Buffer, off: number): void {
    const ts = this.sTs[slot]!;
    if (ts > cap.deadline) {
      cap.done = true;
      return;
    }
    if (!this.matches(cap, slot, buf, off)) return;
    if (cap.linkType < 0) this.arm(cap, ts, this.sLink[slot]!);
    if (this.sLink[slot] !== cap.linkType) return;
    cap.takeAfter(buf, off, this.sLen[slot]!, ts, this.sOrig[slot]!);
  }

  private matches(cap: CaptureBuilder, slot: number, buf: Buffer, off: number): boolean {
    if (cap.all) return true;
    if (this.sIp4[slot] === 1 && (cap.hasIp(this.sSrc4[slot]!) || cap.hasIp(this.sDst4[slot]!))) return true;
    const sm = this.sSrcMac[slot]!, dm = this.sDstMac[slot]!;
    return (sm >= 0 && cap.hasMac(buf, off + sm)) || (dm >= 0 && cap.hasMac(buf, off + dm));
  }

  private complete(cap: CaptureBuilder): void {
    this.open.remove(cap);
    const done = cap.build();
    if (done) this.completed.push(done);
    else this.empty++;
  }
}

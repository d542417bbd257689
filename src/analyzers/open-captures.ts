// The packet recorder's open captures, indexed by the addresses they want (issue 6). Offering every
// packet to every open capture cost O(open captures) per packet: with a burst of alerts (1,576 on
// bench/ingest, up to maxPending = 1000 open at once, each open for its 10 s of after context) that
// was most of the detection cost. Here a packet reaches only the captures filed under its source or
// destination IPv4 address or MAC, plus the few that take every packet; a capture no packet matches
// any more is ended when capture time passes its deadline (`due`).
import type { CaptureBuilder } from './packet-capture.js';

export class OpenCaptures {
  /** in the order they were opened */
  readonly list: CaptureBuilder[] = [];
  private readonly byIp = new Map<number, CaptureBuilder[]>();
  private readonly byMac = new Map<number, CaptureBuilder[]>();
  private readonly everything: CaptureBuilder[] = [];
  /** the earliest deadline of an armed capture (Infinity: none is armed) */
  private nextDeadline = Infinity;

  get size(): number {
    return this.list.length;
  }

  get hasMacs(): boolean {
    return this.byMac.size !== 0;
  }

  add(cap: CaptureBuilder): void {
    this.list.push(cap);
    if (cap.all) this.everything.push(cap);
    for (const ip of cap.ipKeys) file(this.byIp, ip, cap);
    for (const mac of cap.macKeys) file(this.byMac, mac, cap);
  }

  remove(cap: CaptureBuilder): void {
    const i = this.list.indexOf(cap);
    if (i < 0) return;
    this.list.splice(i, 1);
    if (cap.all) this.everything.splice(this.everything.indexOf(cap), 1);
    for (const ip of cap.ipKeys) unfile(this.byIp, ip, cap);
    for (const mac of cap.macKeys) unfile(this.byMac, mac, cap);
  }

  /** A capture was armed (its deadline is known now). */
  armed(cap: CaptureBuilder): void {
    if (cap.deadline < this.nextDeadline) this.nextDeadline = cap.deadline;
  }

  /** Is some armed capture's deadline before `ts`? Then `expired` lists them. */
  due(ts: number): boolean {
    return ts > this.nextDeadline;
  }

  /** The armed captures whose deadline is before `ts`; recomputes the next deadline. */
  expired(ts: number): CaptureBuilder[] {
    const out: CaptureBuilder[] = [];
    let next = Infinity;
    for (const cap of this.list) {
      if (!cap.armed) continue;
      if (ts > cap.deadline) out.push(cap);
      else if (cap.deadline < next) next = cap.deadline;
    }
    this.nextDeadline = next;
    return out;
  }

  /**
   * Visits the captures that may want a packet with these addresses (ip 0 / mac -1: the packet has
   * none), each once per `seq`.
   */
  each(seq: number, src4: number, dst4: number, srcMac: number, dstMac: number, visit: (cap: CaptureBuilder) => void): void {
    if (this.everything.length !== 0) this.visitAll(this.everything, seq, visit);
    if (src4 !== 0 || dst4 !== 0) {
      const a = this.byIp.get(src4);
      if (a !== undefined) this.visitAll(a, seq, visit);
      const b = dst4 === src4 ? undefined : this.byIp.get(dst4);
      if (b !== undefined) this.visitAll(b, seq, visit);
    }
    if (srcMac >= 0) {
      const a = this.byMac.get(srcMac);
      if (a !== undefined) this.visitAll(a, seq, visit);
    }
    if (dstMac >= 0 && dstMac !== srcMac) {
      const b = this.byMac.get(dstMac);
      if (b !== undefined) this.visitAll(b, seq, visit);
    }
  }

  private visitAll(caps: CaptureBuilder[], seq: number, visit: (cap: CaptureBuilder) => void): void {
    // backwards: a visit may complete the capture it is given, which unfiles it from this very list
    // (only it: captures are independent), and that leaves the lower indices as they were
    for (let i = caps.length - 1; i >= 0; i--) {
      const cap = caps[i]!;
      if (cap.offeredSeq === seq) continue;
      cap.offeredSeq = seq;
      visit(cap);
    }
  }
}

function file(m: Map<number, CaptureBuilder[]>, key: number, cap: CaptureBuilder): void {
  const list = m.get(key);
  if (list === undefined) m.set(key, [cap]);
  else list.push(cap);
}

function unfile(m: Map<number, CaptureBuilder[]>, key: number, cap: CaptureBuilder): void {
  const list = m.get(key);
  if (list === undefined) return;
  const i = list.indexOf(cap);
  if (i >= 0) list.splice(i, 1);
  if (list.length === 0) m.delete(key);
}

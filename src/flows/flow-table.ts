// The flow table: finds or creates the flow of each IP packet, decides its direction, expires idle
// flows in capture time, and stays bounded. IPv4 keys are hashed from numbers, not strings: this runs
// for every packet.
import type { Packet } from '../decode/packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../decode/packet.js';
import type { Registry } from '../decode/registry.js';
import { T_TCP_PORT, T_UDP_PORT, type Direction } from '../decode/types.js';
import { Flow } from './flow.js';

export interface FlowTimeouts {
  /** idle TCP connection (Zeek's tcp_inactivity_timeout is 5 min) */
  tcpUs: number;
  /** after FIN both ways or RST */
  tcpClosedUs: number;
  udpUs: number;
  otherUs: number;
}

export const DEFAULT_TIMEOUTS: FlowTimeouts = { tcpUs: 300e6, tcpClosedUs: 5e6, udpUs: 60e6, otherUs: 60e6 };
export const DEFAULT_MAX_FLOWS = 250_000;
const SWEEP_EVERY_US = 1e6;

// Timeout classes: each has its own list, least recently active first, so a sweep looks only at the
// flows that are actually due (O(expired), not O(flows)).
const C_TCP = 0;
const C_TCP_CLOSED = 1;
const C_UDP = 2;
const C_OTHER = 3;

class IdleList {
  head: Flow | null = null;
  tail: Flow | null = null;

  push(f: Flow): void {
    f.idlePrev = this.tail;
    f.idleNext = null;
    if (this.tail) this.tail.idleNext = f; else this.head = f;
    this.tail = f;
  }

  remove(f: Flow): void {
    if (f.idlePrev) f.idlePrev.idleNext = f.idleNext; else this.head = f.idleNext;
    if (f.idleNext) f.idleNext.idlePrev = f.idlePrev; else this.tail = f.idlePrev;
    f.idlePrev = f.idleNext = null;
  }
}

export interface FlowEvents {
  flowStart(flow: Flow, pkt: Packet): void;
  flowEnd(flow: Flow): void;
}

/** IPv4 buckets to start with; doubled whenever the flows outnumber them */
const INITIAL_BUCKETS = 4096;

export class FlowTable {
  // IPv4 flows by hash4, chained through nextInBucket: a plain array indexed by the hash's low bits,
  // not a Map. The lookup runs for every packet, and a Map keyed by the hash cost a hashed lookup per
  // packet plus a rehashing shrink or grow whenever flows came and went (bench/ingest profile).
  private buckets: Array<Flow | null> = new Array<Flow | null>(INITIAL_BUCKETS).fill(null);
  private mask = INITIAL_BUCKETS - 1;
  private v4count = 0;
  private readonly v6 = new Map<string, Flow>();
  private readonly idle = [new IdleList(), new IdleList(), new IdleList(), new IdleList()];
  private readonly timeoutOf: number[];
  private size = 0;
  private nextId = 1;
  private lastSweep = -1;
  /** set by lookup(): the direction of the packet in its flow */
  dir: Direction = 0;
  /** flows created so far */
  created = 0;
  /** the packet could not be tracked because the table was full */
  full = false;
  private readonly tcpPorts: Int16Array;
  private readonly udpPorts: Int16Array;

  constructor(
    registry: Registry,
    private readonly events: FlowEvents,
    timeouts: FlowTimeouts = DEFAULT_TIMEOUTS,
    private readonly maxFlows = DEFAULT_MAX_FLOWS,
  ) {
    this.tcpPorts = registry.tables[T_TCP_PORT]!;
    this.udpPorts = registry.tables[T_UDP_PORT]!;
    this.timeoutOf = [timeouts.tcpUs, timeouts.tcpClosedUs, timeouts.udpUs, timeouts.otherUs];
  }

  get active(): number {
    return this.size;
  }

  /** The flow of an IP packet (created on first sight), or null when the table is full. Sets `dir`. */
  lookup(pkt: Packet): Flow | null {
    if (pkt.ts - this.lastSweep >= SWEEP_EVERY_US) this.sweep(pkt.ts);
    this.full = false;
    const proto = pkt.ipProto;
    const ported = proto === 6 || proto === 17;
    const sp = ported ? pkt.srcPort : 0;
    const dp = ported ? pkt.dstPort : 0;
    let f: Flow | null;
    if (pkt.ipVersion === 4) {
      const s = pkt.src4, d = pkt.dst4;
      const b = hash4(s, d, sp, dp, proto) & this.mask;
      f = this.buckets[b] as Flow | null;
      while (f) {
        if (f.proto === proto) {
          if (f.clientIp4 === s && f.serverIp4 === d && f.clientPort === sp && f.serverPort === dp) { this.dir = 0; break; }
          if (f.clientIp4 === d && f.serverIp4 === s && f.clientPort === dp && f.serverPort === sp) { this.dir = 1; break; }
        }
        f = f.nextInBucket;
      }
      if (f && this.reused(f, pkt)) {
        this.remove(f);
        f = null;
      }
      if (!f) {
        f = this.create(pkt, proto, sp, dp);
        if (f) this.insert4(f, b);
      } else {
        this.touch(f);
      }
    } else {
      const fwd = `${proto} ${pkt.src6} ${sp} ${pkt.dst6} ${dp}`;
      f = this.v6.get(fwd) ?? null;
      if (f && this.reused(f, pkt)) {
        this.remove(f);
        f = null;
      }
      if (f) {
        this.dir = f.clientIp6 === pkt.src6 && f.clientPort === sp ? 0 : 1;
        this.touch(f);
      } else {
        f = this.create(pkt, proto, sp, dp);
        if (f) {
          f.keys6 = [fwd, `${proto} ${pkt.dst6} ${dp} ${pkt.src6} ${sp}`];
          this.v6.set(f.keys6[0], f);
          this.v6.set(f.keys6[1], f);
        }
      }
    }
    if (f && proto === 6) this.track(f, pkt.tcpFlags, pkt.ts, pkt.seq);
    return f;
  }

  /** Ends every flow (end of capture), oldest activity first. */
  flushAll(): void {
    for (const list of this.idle) {
      while (list.head) this.remove(list.head);
    }
  }

  /** Ends flows idle past their timeout at capture time `now`. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (let c = 0; c < this.idle.length; c++) {
      const list = this.idle[c]!;
      const timeout = this.timeoutOf[c]!;
      while (list.head && now - list.head.lastTs > timeout) this.remove(list.head);
    }
  }

  private remove(f: Flow): void {
    this.idle[f.idleClass]!.remove(f);
    f.idleClass = -1;
    if (f.keys6) {
      this.v6.delete(f.keys6[0]);
      this.v6.delete(f.keys6[1]);
    } else {
      const b = hash4(f.clientIp4, f.serverIp4, f.clientPort, f.serverPort, f.proto) & this.mask;
      let prev: Flow | null = null;
      for (let x = this.buckets[b] as Flow | null; x; prev = x, x = x.nextInBucket) {
        if (x !== f) continue;
        if (prev) prev.nextInBucket = f.nextInBucket;
        else this.buckets[b] = f.nextInBucket;
        this.v4count--;
        break;
      }
      f.nextInBucket = null;
    }
    this.size--;
    this.events.flowEnd(f);
  }

  /**
   * A new connection on the 5-tuple of one that already closed (port reuse): a SYN without ACK after
   * FIN/RST. It gets a flow of its own, as in Zeek, so its new sequence numbers are not read as a
   * gap in the old stream.
   */
  private reused(f: Flow, pkt: Packet): boolean {
    return f.proto === 6 && f.closedTs > 0 && (pkt.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
  }

  /** Files a new IPv4 flow in bucket `b`; doubles the buckets when flows outnumber them. */
  private insert4(f: Flow, b: number): void {
    f.nextInBucket = this.buckets[b] as Flow | null;
    this.buckets[b] = f;
    if (++this.v4count > this.buckets.length) this.grow();
  }

  /** Twice the buckets, every IPv4 flow re-filed (each is on exactly one idle list). */
  private grow(): void {
    const n = this.buckets.length * 2;
    this.buckets = new Array<Flow | null>(n).fill(null);
    this.mask = n - 1;
    for (const list of this.idle) {
      for (let f = list.head; f; f = f.idleNext) {
        if (f.keys6) continue;
        const b = hash4(f.clientIp4, f.serverIp4, f.clientPort, f.serverPort, f.proto) & this.mask;
        f.nextInBucket = this.buckets[b] as Flow | null;
        this.buckets[b] = f;
      }
    }
  }

  /** Moves an active flow to the tail of its idle list. */
  private touch(f: Flow): void {
    const list = this.idle[f.idleClass]!;
    if (list.tail === f) return;
    list.remove(f);
    list.push(f);
  }

  private create(pkt: Packet, proto: number, sp: number, dp: number): Flow | null {
    if (this.size >= this.maxFlows) {
      this.sweep(pkt.ts);
      if (this.size >= this.maxFlows) {
        this.full = true;
        return null;
      }
    }
    const srcIsClient = this.srcIsClient(pkt, proto, sp, dp);
    this.dir = srcIsClient ? 0 : 1;
    const v4 = pkt.ipVersion === 4;
    const f = srcIsClient
      ? new Flow(this.nextId++, proto, pkt.ipVersion as 4 | 6, v4 ? pkt.src4 : 0, v4 ? pkt.dst4 : 0, v4 ? '' : pkt.src6, v4 ? '' : pkt.dst6, sp, dp, pkt.ts)
      : new Flow(this.nextId++, proto, pkt.ipVersion as 4 | 6, v4 ? pkt.dst4 : 0, v4 ? pkt.src4 : 0, v4 ? '' : pkt.dst6, v4 ? '' : pkt.src6, dp, sp, pkt.ts);
    if (proto === 6 && (pkt.tcpFlags & TCP_SYN) === 0) f.midstream = true;
    f.firstDir = this.dir;
    f.idleClass = proto === 6 ? C_TCP : proto === 17 ? C_UDP : C_OTHER;
    this.idle[f.idleClass]!.push(f);
    this.size++;
    this.created++;
    this.events.flowStart(f, pkt);
    return f;
  }

  /**
   * Who is the client, decided once: for TCP the SYN's sender (a SYN-ACK's receiver); otherwise the
   * side talking to a port below 1024, then the side whose peer port has a protocol bound to it, then
   * the sender of the first packet seen.
   */
  private srcIsClient(pkt: Packet, proto: number, sp: number, dp: number): boolean {
    if (proto === 6 && (pkt.tcpFlags & TCP_SYN)) return (pkt.tcpFlags & TCP_ACK) === 0;
    if (proto === 6 || proto === 17) {
      // A well-known port (< 1024) first: an ephemeral port can collide with a bound one (a DNS
      // answer from 53 to client port 47808 is not BACnet), a well-known one on the client side is rare.
      if ((dp < 1024) !== (sp < 1024)) return dp < 1024;
      const table = proto === 6 ? this.tcpPorts : this.udpPorts;
      const dBound = table[dp]! >= 0, sBound = table[sp]! >= 0;
      if (dBound !== sBound) return dBound;
    }
    return true;
  }

  private track(f: Flow, flags: number, ts: number, seq: number): void {
    if (this.dir === 0) f.flags0 |= flags; else f.flags1 |= flags;
    if (flags & TCP_SYN) {
      if (this.dir === 0) f.isn0 = seq; else f.isn1 = seq;
    }
    if (f.closedTs === 0 && ((flags & TCP_RST) || ((f.flags0 & TCP_FIN) && (f.flags1 & TCP_FIN)))) {
      // Closed: from now on it ends after the short close timeout of inactivity.
      f.closedTs = ts;
      this.idle[f.idleClass]!.remove(f);
      f.idleClass = C_TCP_CLOSED;
      this.idle[C_TCP_CLOSED]!.push(f);
    }
  }
}

function hash4(s: number, d: number, sp: number, dp: number, proto: number): number {
  // symmetric: both directions land in the same bucket
  const a = (s ^ d) >>> 0;
  const b = (s + d) >>> 0;
  const p = ((sp ^ dp) | ((sp + dp) << 16)) >>> 0;
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(p, 0xc2b2ae3d) ^ proto;
  h ^= h >>> 15;
  // 30 bits: the key stays a small integer (Smi) in V8, so a Map lookup never boxes it as a heap number
  return Math.imul(h, 0x27d4eb2f) >>> 2;
}

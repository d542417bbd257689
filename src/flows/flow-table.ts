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
const SWEEP_EVERY_US = 10e6;

export interface FlowEvents {
  flowStart(flow: Flow, pkt: Packet): void;
  flowEnd(flow: Flow): void;
}

export class FlowTable {
  private readonly v4 = new Map<number, Flow>();
  private readonly v6 = new Map<string, Flow>();
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
    private readonly timeouts: FlowTimeouts = DEFAULT_TIMEOUTS,
    private readonly maxFlows = DEFAULT_MAX_FLOWS,
  ) {
    this.tcpPorts = registry.tables[T_TCP_PORT]!;
    this.udpPorts = registry.tables[T_UDP_PORT]!;
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
      const h = hash4(s, d, sp, dp, proto);
      f = this.v4.get(h) ?? null;
      while (f) {
        if (f.proto === proto) {
          if (f.clientIp4 === s && f.serverIp4 === d && f.clientPort === sp && f.serverPort === dp) { this.dir = 0; break; }
          if (f.clientIp4 === d && f.serverIp4 === s && f.clientPort === dp && f.serverPort === sp) { this.dir = 1; break; }
        }
        f = f.nextInBucket;
      }
      if (!f) {
        f = this.create(pkt, proto, sp, dp);
        if (f) {
          f.nextInBucket = this.v4.get(h) ?? null;
          this.v4.set(h, f);
        }
      }
    } else {
      const fwd = `${proto} ${pkt.src6} ${sp} ${pkt.dst6} ${dp}`;
      f = this.v6.get(fwd) ?? null;
      if (f) this.dir = f.clientIp6 === pkt.src6 && f.clientPort === sp ? 0 : 1;
      else {
        f = this.create(pkt, proto, sp, dp);
        if (f) {
          this.v6.set(fwd, f);
          this.v6.set(`${proto} ${pkt.dst6} ${dp} ${pkt.src6} ${sp}`, f);
        }
      }
    }
    if (f && proto === 6) this.track(f, pkt.tcpFlags, pkt.ts, pkt.seq);
    return f;
  }

  /** Ends every flow (end of capture). */
  flushAll(): void {
    for (const f of this.all()) this.end(f);
    this.v4.clear();
    this.v6.clear();
    this.size = 0;
  }

  /** Ends flows idle past their timeout at capture time `now`. */
  sweep(now: number): void {
    this.lastSweep = now;
    for (const [h, head] of this.v4) {
      let keep: Flow | null = null;
      let f: Flow | null = head;
      while (f) {
        const next: Flow | null = f.nextInBucket;
        if (this.expired(f, now)) {
          this.end(f);
          this.size--;
        } else {
          f.nextInBucket = keep;
          keep = f;
        }
        f = next;
      }
      if (keep) this.v4.set(h, keep);
      else this.v4.delete(h);
    }
    const ended = new Set<Flow>(); // each IPv6 flow is filed under both directions' keys
    for (const [k, f] of this.v6) {
      if (!this.expired(f, now)) continue;
      this.v6.delete(k);
      if (ended.has(f)) continue;
      ended.add(f);
      this.end(f);
      this.size--;
    }
  }

  private *all(): Generator<Flow> {
    for (const head of this.v4.values()) for (let f: Flow | null = head; f; f = f.nextInBucket) yield f;
    const seen = new Set<Flow>();
    for (const f of this.v6.values()) if (!seen.has(f)) { seen.add(f); yield f; }
  }

  private expired(f: Flow, now: number): boolean {
    const idle = now - f.lastTs;
    if (f.proto === 6) return f.closedTs > 0 ? now - f.closedTs > this.timeouts.tcpClosedUs : idle > this.timeouts.tcpUs;
    return idle > (f.proto === 17 ? this.timeouts.udpUs : this.timeouts.otherUs);
  }

  private end(f: Flow): void {
    this.events.flowEnd(f);
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
    this.size++;
    this.created++;
    this.events.flowStart(f, pkt);
    return f;
  }

  /**
   * Who is the client, decided once: for TCP the SYN's sender (a SYN-ACK's receiver); otherwise the
   * side whose peer port has a protocol bound to it, then the side talking to a port below 1024, then
   * the sender of the first packet seen.
   */
  private srcIsClient(pkt: Packet, proto: number, sp: number, dp: number): boolean {
    if (proto === 6 && (pkt.tcpFlags & TCP_SYN)) return (pkt.tcpFlags & TCP_ACK) === 0;
    if (proto === 6 || proto === 17) {
      const table = proto === 6 ? this.tcpPorts : this.udpPorts;
      const dBound = table[dp]! >= 0, sBound = table[sp]! >= 0;
      if (dBound !== sBound) return dBound;
      if ((dp < 1024) !== (sp < 1024)) return dp < 1024;
    }
    return true;
  }

  private track(f: Flow, flags: number, ts: number, seq: number): void {
    if (this.dir === 0) f.flags0 |= flags; else f.flags1 |= flags;
    if (flags & TCP_SYN) {
      if (this.dir === 0) f.isn0 = seq; else f.isn1 = seq;
    }
    if (f.closedTs === 0 && ((flags & TCP_RST) || ((f.flags0 & TCP_FIN) && (f.flags1 & TCP_FIN)))) f.closedTs = ts;
  }
}

function hash4(s: number, d: number, sp: number, dp: number, proto: number): number {
  // symmetric: both directions land in the same bucket
  const a = (s ^ d) >>> 0;
  const b = (s + d) >>> 0;
  const p = ((sp ^ dp) | ((sp + dp) << 16)) >>> 0;
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(p, 0xc2b2ae3d) ^ proto;
  h ^= h >>> 15;
  return Math.imul(h, 0x27d4eb2f) >>> 0;
}

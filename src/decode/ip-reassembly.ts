// IP fragment reassembly (RFC 815 hole filling), bounded: at most `maxTrains` datagrams in progress,
// each at most 65535 bytes with its headers, dropped after `timeoutUs` of capture time.
// Overlaps (an anomaly either way): IPv4 keeps the copy that arrived first, so later copies cannot
// rewrite what was inspected; IPv6 discards the whole datagram and any fragment of it still to come
// (RFC 8200 §4.5, after RFC 5722), as its receivers do, so the sensor never analyses a datagram
// no host accepted.
import type { AnomalyId } from './anomalies.js';

interface Piece { off: number; data: Buffer }
interface Train {
  first: number;
  pieces: Piece[];
  /** covered byte ranges [start, end), sorted and merged */
  covered: number[];
  total: number; // -1 until the last fragment is seen
  bytes: number;
  /** IPv6: an overlap discarded the datagram; its remaining fragments are dropped until it expires */
  discarded: boolean;
}

export class FragmentReassembler {
  private readonly trains = new Map<string, Train>();

  constructor(
    private readonly prefix: 'ipv4' | 'ipv6',
    private readonly maxTrains = 256,
    private readonly timeoutUs = 30e6,
  ) {}

  get pending(): number {
    return this.trains.size;
  }

  /**
   * Adds a fragment; returns the whole payload when complete. `raise` records anomalies. `maxEnd`:
   * the largest payload the rebuilt datagram may have (65535 less its headers, RFC 791 §3.1 and
   * RFC 8200 §4.5); a fragment reaching past it is the classic oversize attack, and it is checked
   * before a datagram is filed, so it cannot push a good one out of the table.
   */
  add(key: string, ts: number, off: number, more: boolean, data: Buffer, raise: (id: AnomalyId) => void, maxEnd = 65535): Buffer | null {
    this.expire(ts, raise);
    const end = off + data.length;
    if (end > maxEnd) {
      this.trains.delete(key);
      raise(`${this.prefix}.frag_oversize` as AnomalyId);
      return null;
    }
    let t = this.trains.get(key);
    if (!t) {
      if (this.trains.size >= this.maxTrains) {
        const oldest = this.trains.keys().next().value as string; // Map keeps insertion order
        this.trains.delete(oldest);
        raise(`${this.prefix}.frag_too_many` as AnomalyId);
      }
      t = { first: ts, pieces: [], covered: [], total: -1, bytes: 0, discarded: false };
      this.trains.set(key, t);
    }
    if (t.discarded) return null;
    if (!more) t.total = end;
    let overlapped = false;
    for (const [s, e] of uncovered(t.covered, off, end, () => { overlapped = true; })) {
      t.pieces.push({ off: s, data: Buffer.from(data.subarray(s - off, e - off)) });
      t.bytes += e - s;
      insertRange(t.covered, s, e);
    }
    if (overlapped) {
      raise(`${this.prefix}.frag_overlap` as AnomalyId);
      if (this.prefix === 'ipv6') {
        t.discarded = true;
        t.pieces = [];
        return null;
      }
    }
    if (t.total < 0 || t.bytes < t.total) return null;
    if (t.covered.length !== 2 || t.covered[0] !== 0 || t.covered[1] !== t.total) return null;
    this.trains.delete(key);
    const whole = Buffer.allocUnsafe(t.total);
    for (const p of t.pieces) p.data.copy(whole, p.off);
    return whole;
  }

  /** Drops datagrams that waited longer than the timeout (called as capture time advances). */
  expire(now: number, raise: (id: AnomalyId) => void): void {
    for (const [k, t] of this.trains) {
      if (now - t.first <= this.timeoutUs) break; // insertion order = age order
      this.trains.delete(k);
      if (!t.discarded) raise(`${this.prefix}.frag_timeout` as AnomalyId); // a discarded one was reported
    }
  }
}

/** The parts of [s, e) not yet in `covered`; calls `overlap` when some part was. */
function uncovered(covered: number[], s: number, e: number, overlap: () => void): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let cur = s;
  for (let i = 0; i < covered.length && cur < e; i += 2) {
    const cs = covered[i]!, ce = covered[i + 1]!;
    if (ce <= cur) continue;
    if (cs >= e) break;
    if (cs > cur) out.push([cur, cs]);
    overlap();
    cur = Math.max(cur, ce);
  }
  if (cur < e) out.push([cur, e]);
  return out;
}

function insertRange(covered: number[], s: number, e: number): void {
  covered.push(s, e);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < covered.length; i += 2) pairs.push([covered[i]!, covered[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  covered.length = 0;
  for (const [ps, pe] of pairs) {
    const n = covered.length;
    if (n > 0 && ps <= covered[n - 1]!) covered[n - 1] = Math.max(covered[n - 1]!, pe);
    else covered.push(ps, pe);
  }
}

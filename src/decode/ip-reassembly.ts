// IP fragment reassembly (RFC 815 hole filling), bounded: at most `maxTrains` datagrams in progress,
// each at most 65535 bytes, dropped after `timeoutUs` of capture time. Overlapping bytes keep the
// copy that arrived first (and raise an anomaly): later copies cannot rewrite what was inspected.
import type { AnomalyId } from './anomalies.js';

interface Piece { off: number; data: Buffer }
interface Train {
  first: number;
  pieces: Piece[];
  /** covered byte ranges [start, end), sorted and merged */
  covered: number[];
  total: number; // -1 until the last fragment is seen
  bytes: number;
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

  /** Adds a fragment; returns the whole payload when complete. `raise` records anomalies. */
  add(key: string, ts: number, off: number, more: boolean, data: Buffer, raise: (id: AnomalyId) => void): Buffer | null {
    this.expire(ts, raise);
    let t = this.trains.get(key);
    if (!t) {
      if (this.trains.size >= this.maxTrains) {
        const oldest = this.trains.keys().next().value as string; // Map keeps insertion order
        this.trains.delete(oldest);
        raise(`${this.prefix}.frag_too_many` as AnomalyId);
      }
      t = { first: ts, pieces: [], covered: [], total: -1, bytes: 0 };
      this.trains.set(key, t);
    }
    const end = off + data.length;
    if (end > 65535) {
      this.trains.delete(key);
      raise(`${this.prefix}.frag_oversize` as AnomalyId);
      return null;
    }
    if (!more) t.total = end;
    let overlapped = false;
    for (const [s, e] of uncovered(t.covered, off, end, () => { overlapped = true; })) {
      t.pieces.push({ off: s, data: Buffer.from(data.subarray(s - off, e - off)) });
      t.bytes += e - s;
      insertRange(t.covered, s, e);
    }
    if (overlapped) raise(`${this.prefix}.frag_overlap` as AnomalyId);
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
      raise(`${this.prefix}.frag_timeout` as AnomalyId);
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

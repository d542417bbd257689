// Fixed-window counters the threshold rules share (spec §4 "N per window" thresholds). Each is bounded
// in keys (architecture rule 5): at the bound the table starts over rather than growing.
//
// Keys are numbers where the caller has them (IPv4 addresses), and DistinctWindows takes a key in two
// parts (client, then server or subnet): two IPv4 addresses do not fit one exact double, and building
// a string key per new flow cost more than the rest of the scan rule (bench/ingest profile).

type Key = string | number;

interface Window { start: number; seen: Set<Key> }

/** Distinct things per key in fixed windows; bounded in keys and in members per window. */
export class DistinctWindows {
  private readonly by = new Map<Key, Map<Key, Window>>();
  private keys = 0;
  constructor(private readonly maxKeys = 50_000, private readonly maxMembers = 4096) {}

  /** adds `member` under (key, sub); returns the distinct count in the window (0 when it was already there) */
  add(key: Key, member: Key, ts: number, windowUs: number, sub: Key = 0): number {
    let inner = this.by.get(key);
    let w = inner?.get(sub);
    if (w === undefined) {
      if (this.keys >= this.maxKeys) {
        this.by.clear();
        this.keys = 0;
        inner = undefined;
      }
      if (inner === undefined) this.by.set(key, (inner = new Map()));
      inner.set(sub, (w = { start: ts, seen: new Set() }));
      this.keys++;
    } else if (ts - w.start > windowUs) {
      w.start = ts;
      w.seen.clear();
    }
    if (w.seen.has(member) || w.seen.size >= this.maxMembers) return 0;
    w.seen.add(member);
    return w.seen.size;
  }
}

/** Events per key in fixed windows: `add` returns the count in the current window, this one included. */
export class CountWindows {
  private readonly by = new Map<Key, { start: number; n: number }>();
  constructor(private readonly maxKeys = 50_000) {}
  add(key: Key, ts: number, windowUs: number): number {
    let w = this.by.get(key);
    if (!w || ts - w.start > windowUs) {
      if (!w && this.by.size >= this.maxKeys) this.by.clear();
      this.by.set(key, (w = { start: ts, n: 0 }));
    }
    return ++w.n;
  }
}

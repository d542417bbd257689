// Fixed-window counters the threshold rules share (spec §4 "N per window" thresholds). Each is bounded
// in keys (architecture rule 5): at the bound the table starts over rather than growing.

/** Distinct things per key in fixed windows; bounded in keys and in members per window. */
export class DistinctWindows {
  private readonly by = new Map<string, { start: number; seen: Set<string | number> }>();
  constructor(private readonly maxKeys = 50_000, private readonly maxMembers = 4096) {}
  /** adds `member`; returns the distinct count in the window (0 when it was already there) */
  add(key: string, member: string | number, ts: number, windowUs: number): number {
    let w = this.by.get(key);
    if (!w || ts - w.start > windowUs) {
      if (!w && this.by.size >= this.maxKeys) this.by.clear();
      this.by.set(key, (w = { start: ts, seen: new Set() }));
    }
    if (w.seen.has(member) || w.seen.size >= this.maxMembers) return 0;
    w.seen.add(member);
    return w.seen.size;
  }
}

/** Events per key in fixed windows: `add` returns the count in the current window, this one included. */
export class CountWindows {
  private readonly by = new Map<string, { start: number; n: number }>();
  constructor(private readonly maxKeys = 50_000) {}
  add(key: string, ts: number, windowUs: number): number {
    let w = this.by.get(key);
    if (!w || ts - w.start > windowUs) {
      if (!w && this.by.size >= this.maxKeys) this.by.clear();
      this.by.set(key, (w = { start: ts, n: 0 }));
    }
    return ++w.n;
  }
}

// The learned baseline (issue 6; spec §5.6): entries such as 'device:10.0.0.5' or
// 'op:modbus:10.0.0.1>10.0.0.2:16' that learning mode, or an operator's handleAndLearn, added.
// Readers pick up what other processes learned by the row ids past the last one they saw.
import { type Db, statement } from './database.js';

export class BaselineStore {
  constructor(private readonly db: Db) {}

  /** Adds entries (already present ones are kept as they were); call inside a transaction. */
  add(entries: readonly string[], source: string, nowMs: number): void {
    if (entries.length === 0) return;
    const ins = statement(this.db, 'INSERT OR IGNORE INTO baseline (entry, learned, source) VALUES (?, ?, ?)');
    for (const e of entries) ins.run(e, nowMs, source);
  }

  /** Entries with row ids above `afterId`, and the highest id now. */
  since(afterId: number): { entries: string[]; lastId: number } {
    const rows = statement(this.db, 'SELECT id, entry FROM baseline WHERE id > ? ORDER BY id').all(afterId) as Array<{ id: number; entry: string }>;
    return { entries: rows.map((r) => r.entry), lastId: rows.length ? rows[rows.length - 1]!.id : afterId };
  }

  has(entry: string): boolean {
    return statement(this.db, 'SELECT 1 FROM baseline WHERE entry = ?').get(entry) !== undefined;
  }

  count(): number {
    return (statement(this.db, 'SELECT count(*) AS n FROM baseline').get() as { n: number }).n;
  }
}

// The event timeline (issue 6; spec §1.10, §3): newest first, at most 100 per answer, within a time
// frame counted back from the sensor clock (capture time while replaying).
import type { TimelineEvent } from '../analyzers/detection/types.js';
import { type Db, statement } from './database.js';
import { sensorClock } from './inventory-store.js';

export interface SensorEvent {
  timestamp: number;
  type: string;
  title: string;
  severity: string;
  owner: string | null;
  content: string;
}

/** `minutesTimeFrame` is capped at 3 days (spec §1.10); larger values are clamped, not refused. */
export const MAX_MINUTES = 4320;

export class EventStore {
  constructor(private readonly db: Db) {}

  /** Call inside a transaction (or alone: each insert is then its own). */
  add(events: readonly TimelineEvent[], owner: string | null = null): void {
    if (events.length === 0) return;
    const ins = statement(this.db, 'INSERT INTO events (time, type, title, severity, owner, content) VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of events) ins.run(Math.floor(e.ts / 1000), e.type, e.title, e.severity, owner, e.content);
  }

  /** The sensor clock in epoch ms: the capture time the inventory last reached, else the wall clock. */
  clock(wallMs: number): number {
    return sensorClock(this.db, wallMs);
  }

  /** Where a time frame of `minutes` (clamped to MAX_MINUTES) starts on the sensor clock; null: no frame. */
  since(minutes: number | undefined, wallMs: number): number | null {
    return minutes === undefined ? null : this.clock(wallMs) - Math.min(minutes, MAX_MINUTES) * 60_000;
  }

  /** Newest first; `sinceMs` inclusive; at most `limit`. */
  list(sinceMs: number | null, type: string | null, limit = 100): SensorEvent[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (sinceMs !== null) { where.push('time >= ?'); args.push(sinceMs); }
    if (type !== null) { where.push('type = ?'); args.push(type); }
    args.push(limit);
    const rows = this.db.prepare(`SELECT time, type, title, severity, owner, content FROM events${where.length ? ` WHERE ${where.join(' AND ')}` : ''}
      ORDER BY time DESC, id DESC LIMIT ?`).all(...args) as Array<{ time: number; type: string; title: string; severity: string; owner: string | null; content: string }>;
    return rows.map((r) => ({ timestamp: r.time, type: r.type, title: r.title, severity: r.severity, owner: r.owner, content: r.content }));
  }

  count(): number {
    return (statement(this.db, 'SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  purgeOlderThan(cutoffMs: number): number {
    return statement(this.db, 'DELETE FROM events WHERE time < ?').run(cutoffMs).changes;
  }
}

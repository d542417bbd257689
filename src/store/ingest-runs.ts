// Records of capture ingests (replays and live captures), so the data dir says what went into it.
import type { Db } from './database.js';

export interface IngestRunRecord {
  id: number;
  started: number;
  finished: number | null;
  kind: 'replay' | 'live';
  sources: string[];
  packets: number;
  bytes: number;
  firstTs: number | null;
  lastTs: number | null;
  report: unknown;
}

export class IngestRuns {
  constructor(private readonly db: Db) {}

  start(kind: 'replay' | 'live', sources: string[], now = Date.now()): number {
    const r = this.db.prepare('INSERT INTO ingest_runs (started, kind, sources) VALUES (?, ?, ?)').run(now, kind, JSON.stringify(sources));
    return Number(r.lastInsertRowid);
  }

  finish(id: number, report: { totals: { packets: number; bytes: number }; firstTs: number | null; lastTs: number | null }, now = Date.now()): void {
    this.db.prepare('UPDATE ingest_runs SET finished = ?, packets = ?, bytes = ?, first_ts = ?, last_ts = ?, report = ? WHERE id = ?')
      .run(now, report.totals.packets, report.totals.bytes, report.firstTs, report.lastTs, JSON.stringify(report), id);
  }

  list(limit = 20): IngestRunRecord[] {
    const rows = this.db.prepare('SELECT id, started, finished, kind, sources, packets, bytes, first_ts AS firstTs, last_ts AS lastTs, report FROM ingest_runs ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ ...r, sources: JSON.parse(r.sources as string), report: r.report ? JSON.parse(r.report as string) : null }) as IngestRunRecord);
  }
}

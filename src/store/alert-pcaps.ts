// Alert PCAPs (issue 6; spec §1.16): every alert's capture is a complete classic pcap, kept in
// segment files under <data dir>/alert-pcaps/ and indexed in SQLite (alert -> segment, offset,
// length). One segment per detection flush, not one file per alert: creating a file cost 1 ms on
// the machines we measure on (1,576 alerts of bench/ingest: 1.5-2 s of file creation), appending to
// a new segment costs one create per flush. The layout follows the packet archives of Arkime and
// Suricata's pcap-log: few large files plus an index. The directory is private like the rest of
// the data dir (0700, files 0600).
//
// Disk use is bounded by segment sizes (alert_pcap_files): beyond maxTotalBytes the oldest segments
// go first, whole (the spec's "oldest deleted first"); purge() drops segments past the retention age,
// the index rows of deleted alerts, and segments no row points into any more.
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync, unlinkSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CompletedCapture } from '../analyzers/packet-capture.js';
import type { Settings } from './config-schema.js';
import { type Db, statement } from './database.js';
import { prepareDataDir } from './data-dir.js';
import { processAlive } from './durable-json-file.js';

export const ALERT_PCAP_DIR = 'alert-pcaps';
const DAY_MS = 86_400_000;
/** ours: segments (alerts-<ms>-<pid>-<n>.pcaps), their temp files, and schema-4 one-alert files */
const SEGMENT = /^alerts-\d+-\d+-\d+\.pcaps$/;
const TEMP = /^alerts-\d+-(\d+)-\d+\.pcaps\.tmp$/;
const LEGACY = /^alert-\d+\.pcap$/;

export interface AlertPcapLimits {
  /** all alert pcaps together */
  maxTotalBytes: number;
  /** files older than this many days are purged (Infinity: never) */
  retentionDays: number;
}

/** The store's limits from the `pcap` settings group (megabytes to bytes). */
export function pcapLimits(p: Settings['pcap']): AlertPcapLimits {
  return { maxTotalBytes: p.maxTotalMegabytes * 1024 * 1024, retentionDays: p.retentionDays };
}

interface Where { file: string; offset: number; bytes: number }

let segments = 0;

export class AlertPcapStore {
  readonly dir: string;

  constructor(private readonly db: Db, dataDir: string, private readonly limits: () => AlertPcapLimits) {
    this.dir = join(dataDir, ALERT_PCAP_DIR);
  }

  /** One capture; see saveMany. */
  save(alertId: number, cap: CompletedCapture, nowMs: number): Promise<void> {
    return this.saveMany([{ alertId, cap }], nowMs);
  }

  /**
   * Writes the captures as one new segment (an alert that had a PCAP gets the new one), indexes them
   * in one transaction, then deletes the oldest other segments while all together exceed
   * maxTotalBytes. The newest segment always stays, even alone over the bound.
   *
   * The segment is written by libuv's thread pool, not the caller's thread, so ingest goes on; until
   * the promise settles the alerts answer "no PCAP" (spec §2.6's JSON error), as on a sensor still
   * preparing one. It is written to a temp name and renamed, but not fsynced: a crash can leave an
   * indexed segment short, and read() checks the length, so such a PCAP answers "not available"
   * rather than serving a broken file. The alert itself is in SQLite and is not lost.
   */
  async saveMany(items: Array<{ alertId: number; cap: CompletedCapture }>, nowMs: number): Promise<void> {
    const todo = items.filter(({ cap }) => cap.count > 0);
    if (todo.length === 0) return;
    prepareDataDir(this.dir); // 0700, tightened if loosened
    const parts = todo.map(({ cap }) => cap.pcap); // each already a whole pcap file (CaptureBuilder.build)
    const file = `alerts-${Math.max(0, Math.floor(nowMs))}-${process.pid}-${++segments}.pcaps`;
    const final = join(this.dir, file);
    const data = Buffer.concat(parts);
    await writeFile(`${final}.tmp`, data, { mode: 0o600 });
    await rename(`${final}.tmp`, final);
    if (!this.db.open) return;
    const doomed = this.db.transaction(() => {
      const before = new Set<string>();
      const old = statement(this.db, 'SELECT file FROM alert_pcaps WHERE alert_id = ?');
      const ins = statement(this.db, `INSERT INTO alert_pcaps (alert_id, file, "offset", packets, bytes, created) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (alert_id) DO UPDATE SET file = excluded.file, "offset" = excluded."offset", packets = excluded.packets, bytes = excluded.bytes, created = excluded.created`);
      statement(this.db, 'INSERT INTO alert_pcap_files (file, bytes, created) VALUES (?, ?, ?)').run(file, data.length, nowMs);
      let offset = 0;
      todo.forEach(({ alertId, cap }, i) => {
        const prev = old.get(alertId) as { file: string } | undefined;
        if (prev) before.add(prev.file);
        ins.run(alertId, file, offset, cap.count, parts[i]!.length, nowMs);
        offset += parts[i]!.length;
      });
      return [...this.orphans([...before]), ...this.overQuota(file)];
    }).immediate();
    this.unlink(doomed);
  }

  has(alertId: number): boolean {
    const at = this.row(alertId);
    if (!at) return false;
    try {
      return statSync(join(this.dir, at.file)).size >= at.offset + at.bytes;
    } catch {
      return false;
    }
  }

  /** The alert's pcap, or null when there is none, or its segment is gone or shorter than indexed. */
  read(alertId: number): Buffer | null {
    const at = this.row(alertId);
    if (!at) return null;
    let fd: number;
    try {
      fd = openSync(join(this.dir, at.file), 'r');
    } catch {
      return null;
    }
    try {
      if (fstatSync(fd).size < at.offset + at.bytes) return null;
      const out = Buffer.alloc(at.bytes);
      return readSync(fd, out, 0, at.bytes, at.offset) === at.bytes ? out : null;
    } finally {
      closeSync(fd);
    }
  }

  remove(alertId: number): void {
    const doomed = this.db.transaction(() => {
      const rows = statement(this.db, 'DELETE FROM alert_pcaps WHERE alert_id = ? RETURNING file').all(alertId) as Array<{ file: string }>;
      return this.orphans(rows.map((r) => r.file));
    }).immediate();
    this.unlink(doomed);
  }

  /** Bytes of the segment files on disk (what maxTotalBytes bounds). */
  totalBytes(): number {
    return (statement(this.db, 'SELECT COALESCE(SUM(bytes), 0) AS n FROM alert_pcap_files').get() as { n: number }).n;
  }

  /**
   * The retention job: removes segments older than retentionDays, index rows of deleted alerts and
   * rows whose segment is gone or short, then segments no row points into, files nobody indexes (a
   * crash between the write and the index) and temp files of dead writers; the disk bound is applied
   * again too, in case it was lowered. Returns how many alert PCAPs and stray files went.
   */
  purge(nowMs: number): { removed: number } {
    const { retentionDays } = this.limits();
    const cutoff = Number.isFinite(retentionDays) ? nowMs - retentionDays * DAY_MS : -Infinity;
    const lost = this.lostRows();
    let removed = 0;
    const doomed = this.db.transaction(() => {
      const old = this.db.prepare('SELECT file FROM alert_pcap_files WHERE created < ?').pluck().all(cutoff) as string[]; // plucked: not a shared statement()
      removed += this.dropFiles(old);
      const del = statement(this.db, 'DELETE FROM alert_pcaps WHERE alert_id = ?');
      for (const id of lost) removed += del.run(id).changes;
      const gone = this.db.prepare('DELETE FROM alert_pcaps WHERE alert_id NOT IN (SELECT id FROM alerts) RETURNING file').all() as Array<{ file: string }>;
      removed += gone.length;
      const empty = this.db.prepare('SELECT file FROM alert_pcap_files WHERE file NOT IN (SELECT file FROM alert_pcaps)').pluck().all() as string[];
      const before = this.totalRows();
      const quota = this.overQuota(null);
      removed += before - this.totalRows();
      return [...old, ...this.orphans(empty), ...quota];
    }).immediate();
    this.unlink(doomed);
    return { removed: removed + this.removeStrays() };
  }

  /** The alert's index row (its segment may be gone or short: has() and read() check). */
  private row(alertId: number): Where | null {
    const row = statement(this.db, 'SELECT file, "offset", bytes FROM alert_pcaps WHERE alert_id = ?').get(alertId) as Where | undefined;
    return row && basename(row.file) === row.file ? row : null;
  }

  private totalRows(): number {
    return (statement(this.db, 'SELECT count(*) AS n FROM alert_pcaps').get() as { n: number }).n;
  }

  /** Index rows whose segment is gone or short (deleted by hand, a crash before the data reached disk). */
  private lostRows(): number[] {
    const rows = this.db.prepare('SELECT alert_id, file, "offset", bytes FROM alert_pcaps').all() as Array<Where & { alert_id: number }>;
    // one stat per segment, not per alert: a segment holds the PCAPs of a whole flush
    const sizes = new Map<string, number>();
    const sizeOf = (file: string): number => {
      let n = sizes.get(file);
      if (n === undefined) {
        try { n = basename(file) === file ? statSync(join(this.dir, file)).size : -1; } catch { n = -1; }
        sizes.set(file, n);
      }
      return n;
    };
    return rows.filter((r) => sizeOf(r.file) < r.offset + r.bytes).map((r) => r.alert_id);
  }

  /** Of these segments, the ones no index row points into any more: their rows go, they are returned to unlink. */
  private orphans(files: string[]): string[] {
    const used = statement(this.db, 'SELECT 1 FROM alert_pcaps WHERE file = ? LIMIT 1');
    const out = [...new Set(files)].filter((f) => used.get(f) === undefined);
    this.dropFiles(out);
    return out;
  }

  /** Deletes segments and every index row in them; returns the rows deleted. */
  private dropFiles(files: string[]): number {
    let n = 0;
    const rows = statement(this.db, 'DELETE FROM alert_pcaps WHERE file = ?');
    const file = statement(this.db, 'DELETE FROM alert_pcap_files WHERE file = ?');
    for (const f of files) {
      n += rows.run(f).changes;
      file.run(f);
    }
    return n;
  }

  /** Deletes the oldest segments (never `keep`) while the total exceeds the bound; returns them to unlink. */
  private overQuota(keep: string | null): string[] {
    const max = this.limits().maxTotalBytes;
    let total = this.totalBytes();
    if (total <= max) return [];
    const files = this.db.prepare('SELECT file, bytes FROM alert_pcap_files ORDER BY created, file').all() as Array<{ file: string; bytes: number }>;
    const out: string[] = [];
    for (const f of files) {
      if (total <= max) break;
      if (f.file === keep) continue;
      out.push(f.file);
      total -= f.bytes;
    }
    this.dropFiles(out);
    return out;
  }

  private unlink(files: string[]): void {
    for (const f of files) {
      if (basename(f) !== f) continue;
      try { unlinkSync(join(this.dir, f)); } catch { /* already gone */ }
    }
  }

  private young(name: string): boolean {
    try {
      return Date.now() - statSync(join(this.dir, name)).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }

  /** Files of ours nobody indexes (older than a minute: a newer one may be a write whose index row is on the way). */
  private removeStrays(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return 0;
    }
    const indexed = new Set(this.db.prepare('SELECT file FROM alert_pcap_files').pluck().all() as string[]);
    let n = 0;
    for (const name of names) {
      const temp = TEMP.exec(name);
      const stray = temp ? !processAlive(Number(temp[1])) || (Number(temp[1]) === process.pid && !this.young(name))
        : (SEGMENT.test(name) || LEGACY.test(name)) && !indexed.has(name) && !this.young(name);
      if (!stray) continue;
      try {
        unlinkSync(join(this.dir, name));
        if (!temp) n++;
      } catch { /* removed meanwhile */ }
    }
    return n;
  }
}

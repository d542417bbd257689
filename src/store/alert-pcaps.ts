// Alert PCAP files (issue 6; spec §1.16): one classic pcap per alert under <data dir>/alert-pcaps/,
// indexed in the alert_pcaps table. The directory is private like the rest of the data dir (0700,
// files 0600). Disk use is bounded: beyond maxTotalBytes the oldest files go first (the spec's "oldest
// deleted first"); purge() drops files past the retention age and files whose alert no longer exists.
import { readdirSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CompletedCapture } from '../analyzers/packet-capture.js';
import type { Settings } from './config-schema.js';
import type { Db } from './database.js';
import { prepareDataDir } from './data-dir.js';
import { processAlive } from './durable-json-file.js';

export const ALERT_PCAP_DIR = 'alert-pcaps';
/** the largest record Wireshark/tshark read without complaint (WTAP_MAX_PACKET_SIZE_STANDARD) */
const SNAPLEN = 262144;
const DAY_MS = 86_400_000;

export interface AlertPcapLimits {
  /** all alert pcaps together */
  maxTotalBytes: number;
  /** files older than this many days are purged (Infinity: never) */
  retentionDays: number;
}

interface Row { alert_id: number; file: string; bytes: number; created: number }

/** The store's limits from the `pcap` settings group (megabytes to bytes). */
export function pcapLimits(p: Settings['pcap']): AlertPcapLimits {
  return { maxTotalBytes: p.maxTotalMegabytes * 1024 * 1024, retentionDays: p.retentionDays };
}

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
   * Writes each capture as alert-<id>.pcap (replacing an earlier one), indexes them in one transaction, then deletes the oldest other files while all of them together exceed
   * maxTotalBytes.
   *
   * The files are written by libuv's thread pool, not the caller's thread: opening a new file cost
   * 0.2-0.8 ms here, which for a burst of 1,576 alerts stalled ingest for up to a second. Until the
   * promise settles the alert answers "no PCAP" (spec §2.6's JSON error), as it would on a sensor
   * still preparing one.
   *
   * Files are written to a temp name and renamed, but not fsynced. A crash can therefore leave an
   * indexed file short or missing; path() checks the size against the index, so such a PCAP answers
   * "not available" instead of serving a broken file, and the retention job drops the row. The
   * alert itself is in SQLite and is not lost.
   */
  async saveMany(items: Array<{ alertId: number; cap: CompletedCapture }>, nowMs: number): Promise<void> {
    if (items.length === 0) return;
    prepareDataDir(this.dir); // 0700, tightened if loosened
    const todo = items.filter(({ cap }) => cap.packets.length > 0);
    const rows = await Promise.all(todo.map(async ({ alertId, cap }) => {
      const file = fileName(alertId);
      const bytes = encodePcap(cap);
      const final = join(this.dir, file);
      const tmp = `${final}.${process.pid}.tmp`;
      await writeFile(tmp, bytes, { mode: 0o600 });
      await rename(tmp, final);
      return { alertId, file, packets: cap.packets.length, bytes: bytes.length };
    }));
    if (rows.length === 0 || !this.db.open) return;
    const doomed = this.db.transaction(() => {
      const ins = this.db.prepare(`INSERT INTO alert_pcaps (alert_id, file, packets, bytes, created) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (alert_id) DO UPDATE SET file = excluded.file, packets = excluded.packets, bytes = excluded.bytes, created = excluded.created`);
      for (const r of rows) ins.run(r.alertId, r.file, r.packets, r.bytes, nowMs);
      return this.overQuota(new Set(rows.map((r) => r.alertId)));
    }).immediate();
    this.unlink(doomed);
  }

  has(alertId: number): boolean {
    return this.path(alertId) !== null;
  }

  /** The file's path, or null when there is no row or the file is gone or not the size indexed. */
  path(alertId: number): string | null {
    const row = this.db.prepare('SELECT file, bytes FROM alert_pcaps WHERE alert_id = ?').get(alertId) as { file: string; bytes: number } | undefined;
    if (!row || basename(row.file) !== row.file) return null;
    const p = join(this.dir, row.file);
    try {
      const st = statSync(p);
      return st.isFile() && st.size === row.bytes ? p : null;
    } catch {
      return null;
    }
  }

  read(alertId: number): Buffer | null {
    const p = this.path(alertId);
    if (!p) return null;
    try {
      return readFileSync(p);
    } catch {
      return null;
    }
  }

  remove(alertId: number): void {
    const rows = this.db.prepare('DELETE FROM alert_pcaps WHERE alert_id = ? RETURNING alert_id, file').all(alertId) as Row[];
    this.unlink(rows.length ? rows : [{ alert_id: alertId, file: fileName(alertId), bytes: 0, created: 0 }]);
  }

  totalBytes(): number {
    return (this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM alert_pcaps').get() as { n: number }).n;
  }

  /**
   * The retention job: removes pcaps older than retentionDays, pcaps whose alert was deleted, rows
   * whose file is gone, files nobody indexes (a crash between the write and the index) and temp
   * files of dead writers; the disk cap is applied again too, in case it was lowered.
   */
  purge(nowMs: number): { removed: number } {
    const { retentionDays } = this.limits();
    const cutoff = Number.isFinite(retentionDays) ? nowMs - retentionDays * DAY_MS : -Infinity;
    const doomed = this.db.transaction(() => {
      const old = this.db.prepare(`DELETE FROM alert_pcaps WHERE created < ? OR alert_id NOT IN (SELECT id FROM alerts)
        RETURNING alert_id, file`).all(cutoff) as Row[];
      return old.concat(this.overQuota(new Set()));
    }).immediate();
    this.unlink(doomed);
    return { removed: doomed.length + this.removeLost() + this.removeStrays() };
  }

  /** Index rows whose file is gone or short (deleted by hand, a crash before the page cache reached disk). */
  private removeLost(): number {
    const rows = this.db.prepare('SELECT alert_id FROM alert_pcaps').pluck().all() as number[];
    const del = this.db.prepare('DELETE FROM alert_pcaps WHERE alert_id = ?');
    let n = 0;
    for (const id of rows) {
      if (this.path(id) === null) n += del.run(id).changes;
    }
    return n;
  }

  /** Deletes index rows, oldest first, until the total fits; returns them for their files to go. */
  private overQuota(keep: Set<number>): Row[] {
    const max = this.limits().maxTotalBytes;
    let total = this.totalBytes();
    if (total <= max) return [];
    const rows = (this.db.prepare('SELECT alert_id, file, bytes, created FROM alert_pcaps ORDER BY created, alert_id')
      .all() as Row[]).filter((r) => !keep.has(r.alert_id));
    const out: Row[] = [];
    const del = this.db.prepare('DELETE FROM alert_pcaps WHERE alert_id = ?');
    for (const r of rows) {
      if (total <= max) break;
      del.run(r.alert_id);
      total -= r.bytes;
      out.push(r);
    }
    return out;
  }

  private unlink(rows: Array<{ file: string }>): void {
    for (const r of rows) {
      if (basename(r.file) !== r.file) continue;
      try { unlinkSync(join(this.dir, r.file)); } catch { /* already gone */ }
    }
  }

  private young(name: string): boolean {
    try {
      return Date.now() - statSync(join(this.dir, name)).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }

  private removeStrays(): number {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return 0;
    }
    const indexed = new Set((this.db.prepare('SELECT file FROM alert_pcaps').all() as Array<{ file: string }>).map((r) => r.file));
    let n = 0;
    for (const name of names) {
      const temp = /^alert-\d+\.pcap\.(\d+)\.tmp$/.exec(name);
      // an unindexed file younger than a minute may be a write whose index row is still to come
      const stray = temp ? !processAlive(Number(temp[1])) : /^alert-\d+\.pcap$/.test(name) && !indexed.has(name) && !this.young(name);
      if (!stray) continue;
      try {
        unlinkSync(join(this.dir, name));
        if (!temp) n++;
      } catch { /* removed meanwhile */ }
    }
    return n;
  }
}

function fileName(alertId: number): string {
  return `alert-${alertId}.pcap`;
}

/** Classic pcap (draft-ietf-opsawg-pcap §4-5): µs magic 0xa1b2c3d4, version 2.4, little-endian. */
export function encodePcap(cap: CompletedCapture): Buffer {
  let size = 24;
  for (const p of cap.packets) size += 16 + Math.min(p.data.length, SNAPLEN);
  const out = Buffer.alloc(size);
  out.writeUInt32LE(0xa1b2c3d4, 0);
  out.writeUInt16LE(2, 4);
  out.writeUInt16LE(4, 6);
  // 8..15: reserved (formerly thiszone, sigfigs), zero
  out.writeUInt32LE(SNAPLEN, 16);
  out.writeUInt32LE(cap.linkType >>> 0, 20);
  let o = 24;
  for (const p of cap.packets) {
    const incl = Math.min(p.data.length, SNAPLEN);
    const ts = Math.max(0, Math.floor(p.ts));
    const sec = Math.floor(ts / 1e6);
    out.writeUInt32LE(sec >>> 0, o);
    out.writeUInt32LE(ts - sec * 1e6, o + 4);
    out.writeUInt32LE(incl, o + 8);
    out.writeUInt32LE(Math.max(p.origLen, incl) >>> 0, o + 12);
    p.data.copy(out, o + 16, 0, incl);
    o += 16 + incl;
  }
  return out;
}

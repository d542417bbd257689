// Alerts in SQLite (issue 6): one row per alert, deduplicated while open ("new"): the same condition
// again raises the count and the last detection instead of a new alert; once handled, the same
// traffic opens a new alert (spec §5.6). Ids are given in order of detection, so one capture gives the
// same ids on every replay into a fresh data dir, and a replay into the same dir folds onto them.
import type { Endpoint, Engine, Severity, TimelineEvent } from '../analyzers/detection/types.js';
import type { RaisedAlert } from '../analyzers/detection/detector.js';
import { type Db, withWriteLock, statement } from './database.js';
import { BaselineStore } from './baseline-store.js';
import { EventStore } from './event-store.js';

export type AlertStatus = 'new' | 'handled' | 'learned';

/** An alert as stored: our names; api/serializers/alert.ts makes the wire shapes from it. */
export interface StoredAlert {
  id: number;
  /** console-shape id: '<id>-<first detection ms>' (spec §2.5) */
  uuid: string;
  status: AlertStatus;
  /** first and last detection, epoch ms (capture time) */
  time: number;
  lastTime: number;
  count: number;
  engine: Engine;
  severity: Severity;
  title: string;
  message: string;
  protocol: string | null;
  srcDevice: number | null;
  dstDevice: number | null;
  /** IP, else MAC */
  srcAddr: string | null;
  dstAddr: string | null;
  srcMac: string | null;
  dstMac: string | null;
  info: { description: string; information: string[] } | null;
  remediation: string[];
  learn: string[];
  /** wall clock, epoch ms; who handled it */
  handledAt: number | null;
  handledBy: string | null;
}

interface AlertRow {
  id: number; uuid: string; dedup: string; status: AlertStatus; time: number; last_time: number; count: number;
  engine: Engine; severity: Severity; title: string; message: string; protocol: string | null;
  src_device: number | null; dst_device: number | null; src_addr: string | null; dst_addr: string | null;
  src_mac: string | null; dst_mac: string | null; info: string | null; remediation: string; learn: string;
  handled_at: number | null; handled_by: string | null;
}

export function rowToAlert(r: AlertRow): StoredAlert {
  return {
    id: r.id, uuid: r.uuid, status: r.status, time: r.time, lastTime: r.last_time, count: r.count,
    engine: r.engine, severity: r.severity, title: r.title, message: r.message, protocol: r.protocol,
    srcDevice: r.src_device, dstDevice: r.dst_device, srcAddr: r.src_addr, dstAddr: r.dst_addr, srcMac: r.src_mac, dstMac: r.dst_mac,
    info: r.info === null ? null : (JSON.parse(r.info) as StoredAlert['info']),
    remediation: JSON.parse(r.remediation) as string[], learn: JSON.parse(r.learn) as string[],
    handledAt: r.handled_at, handledBy: r.handled_by,
  };
}

export interface AlertFilter {
  state?: 'handled' | 'unhandled';
  /** epoch ms, inclusive */
  fromTime?: number;
  /** epoch ms, exclusive */
  toTime?: number;
  /** spec §1.9 special families */
  type?: 'unexpected new devices' | 'disconnections';
}

/** Titles behind the `type` filter (spec §4 last paragraph: an inference the spec spells out). */
export const TYPE_TITLES: Record<NonNullable<AlertFilter['type']>, string[]> = {
  'unexpected new devices': ['New Asset Detected', 'Field Device Discovered Unexpectedly', 'New LLDP Device Configuration'],
  disconnections: ['Device is Suspected to be Disconnected (Unresponsive)', 'Suspicion of Unresponsive MODBUS Device'],
};

/** What one detection flush writes. */
export interface DetectionBatch {
  alerts: RaisedAlert[];
  events: TimelineEvent[];
  learned: string[];
}

export type HandleAction = 'handle' | 'handleAndLearn';

/** The console's answers to PUT /external/v1/alerts/<UUID> (spec §2.5). */
export const HANDLE_MESSAGES = {
  ok: 'Alert update request finished successfully',
  alreadyHandled: 'Alert was already handled (handle)',
  alreadyLearned: 'Alert was already handled and learned (handleAndLearn)',
  handledNowLearned: 'Alert was already handled (handled). Handle and learn (handleAndLearn) was performed on the alert.',
  learnedIgnored: 'Alert was already handled and learned (handleAndLearn). Ignored handle request.',
} as const;

export class AlertStore {
  readonly events: EventStore;
  readonly baseline: BaselineStore;

  constructor(readonly db: Db) {
    this.events = new EventStore(db);
    this.baseline = new BaselineStore(db);
  }

  get(id: number): StoredAlert | null {
    const r = statement(this.db, 'SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    return r ? rowToAlert(r) : null;
  }

  /** By API id ("7") or console UUID ("7-1594550943000"). */
  find(ref: string): StoredAlert | null {
    if (/^\d{1,15}$/.test(ref)) return this.get(Number(ref));
    const r = statement(this.db, 'SELECT * FROM alerts WHERE uuid = ?').get(ref) as AlertRow | undefined;
    return r ? rowToAlert(r) : null;
  }

  list(f: AlertFilter = {}): StoredAlert[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.state === 'handled') where.push("status <> 'new'");
    if (f.state === 'unhandled') where.push("status = 'new'");
    if (f.fromTime !== undefined) { where.push('time >= ?'); args.push(f.fromTime); }
    if (f.toTime !== undefined) { where.push('time < ?'); args.push(f.toTime); }
    if (f.type) {
      const titles = TYPE_TITLES[f.type];
      where.push(`title IN (${titles.map(() => '?').join(',')})`);
      args.push(...titles);
    }
    const sql = `SELECT * FROM alerts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
    return (this.db.prepare(sql).all(...args) as AlertRow[]).map(rowToAlert);
  }

  count(): number {
    return (statement(this.db, 'SELECT count(*) AS n FROM alerts').get() as { n: number }).n;
  }

  /**
   * Writes one flush in one transaction: baseline entries, alerts (a condition already open gets its
   * count raised; otherwise a new alert, its ALERT_REPORTED event and its forwarding rows), events.
   * Returns the alert id of each raised condition, by its detector ref.
   */
  record(batch: DetectionBatch, deviceOf: (e: Endpoint | null) => number | null, onNew: (a: StoredAlert) => void, nowMs: number): Map<number, { id: number; isNew: boolean }> {
    return withWriteLock(this.db, () => {
      this.baseline.add(batch.learned, 'learning', nowMs);
      const ids = new Map<number, { id: number; isNew: boolean }>();
      const open = statement(this.db, "SELECT id FROM alerts WHERE dedup = ? AND status = 'new'");
      const bump = statement(this.db, 'UPDATE alerts SET count = count + ?, last_time = max(last_time, ?) WHERE id = ?');
      const insert = statement(this.db, `INSERT INTO alerts (id, uuid, dedup, status, time, last_time, count, engine, severity, title, message, protocol,
        src_device, dst_device, src_addr, dst_addr, src_mac, dst_mac, info, remediation, learn)
        VALUES (?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const nextId = statement(this.db, 'SELECT coalesce(max(id), 0) + 1 AS id FROM alerts');
      // in order of detection, so ids follow capture time
      const alerts = [...batch.alerts].sort((a, b) => a.hit.ts - b.hit.ts || a.ref - b.ref);
      for (const a of alerts) {
        if (a.count === 0) continue;
        const lastMs = Math.floor(a.lastTs / 1000);
        const existing = open.get(a.dedup) as { id: number } | undefined;
        if (existing) {
          bump.run(a.count, lastMs, existing.id);
          ids.set(a.ref, { id: existing.id, isNew: false });
          continue;
        }
        const id = (nextId.get() as { id: number }).id;
        const h = a.hit;
        const time = Math.floor(h.ts / 1000);
        insert.run(id, `${id}-${time}`, a.dedup, time, Math.max(time, lastMs), a.count, a.catalog.engine, a.catalog.severity, h.title, h.message, h.protocol,
          deviceOf(h.src), deviceOf(h.dst), h.src ? h.src.ip ?? h.src.mac : null, h.dst ? h.dst.ip ?? h.dst.mac : null, h.src?.mac ?? null, h.dst?.mac ?? null,
          h.info ? JSON.stringify(h.info) : null, JSON.stringify(a.catalog.remediation), JSON.stringify([...h.learn, `alert:${a.dedup}`]));
        ids.set(a.ref, { id, isNew: true });
        const stored = this.get(id)!;
        this.events.add([{ ts: h.ts, type: 'ALERT_REPORTED', title: 'Alert Detected', severity: 'ALERT', content: h.message }]);
        onNew(stored);
      }
      this.events.add(batch.events);
      return ids;
    });
  }

  /**
   * Handle (close) or handle-and-learn an alert (spec §2.5, §5.6): learning adds the alert's baseline
   * entries, so the same condition raises nothing again. Returns the console's message.
   */
  handle(alert: StoredAlert, action: HandleAction, by: string, nowMs: number): { message: string; changed: boolean } {
    return withWriteLock(this.db, () => {
      const cur = this.get(alert.id)!;
      let message: string;
      let status: AlertStatus = cur.status;
      if (action === 'handle') {
        if (cur.status === 'learned') message = HANDLE_MESSAGES.learnedIgnored;
        else if (cur.status === 'handled') message = HANDLE_MESSAGES.alreadyHandled;
        else { message = HANDLE_MESSAGES.ok; status = 'handled'; }
      } else if (cur.status === 'learned') message = HANDLE_MESSAGES.alreadyLearned;
      else {
        message = cur.status === 'handled' ? HANDLE_MESSAGES.handledNowLearned : HANDLE_MESSAGES.ok;
        status = 'learned';
        this.baseline.add(cur.learn, `alert:${cur.id}`, nowMs);
      }
      const changed = status !== cur.status;
      if (changed) {
        statement(this.db, 'UPDATE alerts SET status = ?, handled_at = ?, handled_by = ? WHERE id = ?').run(status, nowMs, by, cur.id);
        // closing or learning an alert adds a timeline item (spec §3 notes), at the sensor clock
        const clock = this.events.clock(nowMs);
        this.events.add([{ ts: clock * 1000, type: 'ALERT_UPDATED', title: 'Alert Updated', severity: 'INFO',
          content: `Alert ${cur.id} "${cur.title}" was ${status === 'learned' ? 'handled and learned' : 'handled'} by ${by}` }], by);
      }
      return { message, changed };
    });
  }

  /** Open alerts' dedup keys for these ids (to tell the detector a handled condition may alert anew). */
  dedupOf(id: number): string | null {
    const r = statement(this.db, 'SELECT dedup FROM alerts WHERE id = ?').get(id) as { dedup: string } | undefined;
    return r?.dedup ?? null;
  }

  /** Retention (spec §5.6: alerts are kept 90 days from first detection): by wall clock of handling or capture time. */
  purgeOlderThan(cutoffMs: number): number {
    return withWriteLock(this.db, () => statement(this.db, 'DELETE FROM alerts WHERE last_time < ? AND status <> \'new\'').run(cutoffMs).changes);
  }
}

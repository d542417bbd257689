// The forwarding outbox (issue 6: "retries, and no alert lost on a restart"). An alert's outbox rows
// are written in the same SQLite transaction that stores the alert, so once an alert exists its
// deliveries are owed, across crashes and restarts. The worker sends due rows, deletes a row once
// its receiver took it, and on failure counts the attempt, keeps the error and backs off
// exponentially (1 s, 2 s, 4 s, … up to maxBackoffMs).
//
// Per rule, sends are strictly one at a time (a slow receiver never has more than one message from
// us in flight), in order of alert. After a failure the whole rule waits out a backoff of its own,
// so a receiver that is down is probed once per backoff period rather than once per queued alert;
// the first success lifts it.
import type { StoredAlert } from '../store/alert-store.js';
import { type Db, withWriteLock, statement } from '../store/database.js';
import type { SensorIdentity } from './formats.js';
import { matches, type ForwardingRule } from './rules.js';
import { DEFAULT_SEND_TIMEOUT_MS, deliver } from './transports.js';

export interface OutboxRow {
  id: number;
  alertId: number;
  rule: string;
  attempts: number;
  /** epoch ms, wall clock */
  nextTry: number;
  lastError: string | null;
  created: number;
}

interface RawRow { id: number; alert_id: number; rule: string; attempts: number; next_try: number; last_error: string | null; created: number }
const toRow = (r: RawRow): OutboxRow => ({
  id: r.id, alertId: r.alert_id, rule: r.rule, attempts: r.attempts, nextTry: r.next_try, lastError: r.last_error, created: r.created,
});

/**
 * Queues the alert for every enabled rule that takes it; returns the rows added. Call it inside the
 * transaction that inserts the alert. An alert already queued for a rule is not queued twice.
 */
export function enqueue(db: Db, alert: StoredAlert, rules: readonly ForwardingRule[], nowMs: number): number {
  const insert = db.prepare(
    'INSERT OR IGNORE INTO forward_outbox (alert_id, rule, attempts, next_try, last_error, created) VALUES (?, ?, 0, ?, NULL, ?)');
  let added = 0;
  for (const rule of rules) {
    if (rule.enabled && matches(rule, alert)) added += insert.run(alert.id, rule.name, nowMs, nowMs).changes;
  }
  return added;
}

/** Every queued row, oldest first (for `otsensor forwarding pending`). */
export function listPending(db: Db, limit = 1000): OutboxRow[] {
  return (statement(db, 'SELECT * FROM forward_outbox ORDER BY id LIMIT ?').all(limit) as RawRow[]).map(toRow);
}

/** Drops a rule's queued rows (the rule was removed); returns how many. */
export function dropRule(db: Db, rule: string): number {
  return withWriteLock(db, () => statement(db, 'DELETE FROM forward_outbox WHERE rule = ?').run(rule).changes);
}

/** Backoff after the n-th consecutive failure (n >= 1): 1 s, 2 s, 4 s, … capped. */
export function backoffMs(failures: number, maxBackoffMs: number): number {
  return Math.min(1000 * 2 ** Math.min(Math.max(failures - 1, 0), 30), maxBackoffMs);
}

export interface WorkerOptions {
  /** how often due rows are looked for (default 1000 ms) */
  pollMs?: number;
  /** backoff cap (default 5 min) */
  maxBackoffMs?: number;
  /** per-send timeout (default 5 s) */
  sendTimeoutMs?: number;
  /** rows taken per rule per round (default 100) */
  batch?: number;
  now?: () => number;
  /** the alert catalog's category for a title (CEF/LEEF `cat=`); default: none */
  category?: (title: string) => string | null;
}

export interface RunResult { sent: number; failed: number; dropped: number }

const MAX_ERROR_LENGTH = 500;
/** a claimed row's lease: the send timeout plus this */
const LEASE_MARGIN_MS = 5000;

export class ForwardingWorker {
  private readonly pollMs: number;
  private readonly maxBackoffMs: number;
  private readonly sendTimeoutMs: number;
  private readonly batch: number;
  private readonly now: () => number;
  private readonly sensor: SensorIdentity;
  /** rule name -> consecutive failures and the time the rule may be tried again (in memory only) */
  private readonly blocked = new Map<string, { failures: number; until: number }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RunResult> | null = null;
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly rules: () => readonly ForwardingRule[],
    private readonly loadAlert: (id: number) => StoredAlert | null,
    sensor: SensorIdentity,
    opts: WorkerOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 300_000;
    this.sendTimeoutMs = opts.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    this.batch = opts.batch ?? 100;
    this.now = opts.now ?? Date.now;
    this.sensor = opts.category && !sensor.category ? { ...sensor, category: opts.category } : sensor;
  }

  /** Polls every pollMs until stop(). The timer does not keep the process alive by itself. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Look now rather than at the next poll (e.g. right after alerts were queued). */
  notify(): void {
    if (!this.stopped && this.running === null) this.schedule(0);
  }

  /** Stops polling and waits for a round in progress to finish. Queued rows stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => undefined);
  }

  /** One round: every due row of every enabled rule, per rule in order. Rounds never overlap. */
  async runOnce(): Promise<RunResult> {
    while (this.running) await this.running.catch(() => undefined);
    const round = this.round();
    this.running = round;
    try {
      return await round;
    } finally {
      this.running = null;
    }
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runOnce().catch(() => undefined).finally(() => { if (!this.stopped) this.schedule(this.pollMs); });
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<RunResult> {
    const now = this.now();
    const result: RunResult = { sent: 0, failed: 0, dropped: 0 };
    const byName = new Map(this.rules().map((r) => [r.name, r]));
    const due = this.db.prepare('SELECT DISTINCT rule FROM forward_outbox WHERE next_try <= ?').pluck().all(now) as string[];
    const work: Array<Promise<void>> = [];
    for (const name of due) {
      const rule = byName.get(name);
      if (!rule) {
        // The rule was removed: what it still owed goes with it.
        result.dropped += dropRule(this.db, name);
        this.blocked.delete(name);
        continue;
      }
      if (!rule.enabled) continue; // a disabled rule's rows wait for it
      if ((this.blocked.get(name)?.until ?? 0) > now) continue;
      work.push(this.sendRule(rule, now, result));
    }
    await Promise.all(work);
    return result;
  }

  /**
   * Takes the rule's next due row for this process: its next_try moves past the send timeout in the
   * same write transaction, so a second process (the daemon and an `otsensor replay`, or `forwarding
   * pending --send`) skips it while it is in flight. A process that dies mid-send leaves the row due
   * again once the lease ends: delivery is at least once, never lost.
   */
  private claim(rule: string, now: number): OutboxRow | null {
    const lease = this.now() + this.sendTimeoutMs + LEASE_MARGIN_MS;
    const row = withWriteLock(this.db, () => statement(this.db, `UPDATE forward_outbox SET next_try = ?
      WHERE id = (SELECT id FROM forward_outbox WHERE rule = ? AND next_try <= ? ORDER BY next_try, id LIMIT 1) RETURNING *`)
      .get(lease, rule, now) as RawRow | undefined);
    return row ? toRow(row) : null;
  }

  private async sendRule(rule: ForwardingRule, now: number, result: RunResult): Promise<void> {
    for (let n = 0; n < this.batch; n++) {
      const row = this.claim(rule.name, now);
      if (row === null) break;
      const alert = this.loadAlert(row.alertId);
      if (alert === null) {
        // The alert is gone (retention): nothing left to send.
        result.dropped += withWriteLock(this.db, () => statement(this.db, 'DELETE FROM forward_outbox WHERE id = ?').run(row.id).changes);
        continue;
      }
      try {
        await deliver(rule, alert, this.sensor, { timeoutMs: this.sendTimeoutMs, now: this.now });
      } catch (err) {
        const attempts = row.attempts + 1;
        const at = this.now();
        const message = ((err as Error).message || String(err)).slice(0, MAX_ERROR_LENGTH);
        withWriteLock(this.db, () => statement(this.db, 'UPDATE forward_outbox SET attempts = ?, last_error = ?, next_try = ? WHERE id = ?')
          .run(attempts, message, at + backoffMs(attempts, this.maxBackoffMs), row.id));
        const failures = (this.blocked.get(rule.name)?.failures ?? 0) + 1;
        this.blocked.set(rule.name, { failures, until: at + backoffMs(failures, this.maxBackoffMs) });
        result.failed += 1;
        return; // the receiver is likely down: the rest of this rule's rows wait out the backoff
      }
      withWriteLock(this.db, () => statement(this.db, 'DELETE FROM forward_outbox WHERE id = ?').run(row.id));
      this.blocked.delete(rule.name);
      result.sent += 1;
    }
  }
}

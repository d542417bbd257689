// This box's forwarding worker (issue 6; spec §5.7): its own identity and the catalog's categories.
// The daemon keeps one polling in the background; `otsensor replay` sends what it queued before it
// exits, so a lab replaying a capture sees the alerts in its SIEM without a daemon running. Rows are
// claimed before they are sent (ForwardingWorker.claim), so both at once never send one twice.
import { catalogAlert } from '../analyzers/detection/catalog.js';
import type { StoredAlert } from '../store/alert-store.js';
import type { Db } from '../store/database.js';
import { statement } from '../store/database.js';
import { localSensorIdentity } from './formats.js';
import { ForwardingWorker, type WorkerOptions } from './outbox.js';
import type { ForwardingRule } from './rules.js';

export function localForwarder(db: Db, rules: () => readonly ForwardingRule[], loadAlert: (id: number) => StoredAlert | null, opts: WorkerOptions = {}): ForwardingWorker {
  const category = (title: string): string | null => {
    try { return catalogAlert(title).category; } catch { return null; }
  };
  return new ForwardingWorker(db, rules, loadAlert, localSensorIdentity(), { category, ...opts });
}

/**
 * Sends what is due now, round after round while rounds deliver something; a rule whose receiver
 * fails is left for later (its rows wait out the backoff, for the daemon). Returns the totals and how
 * many rows are still queued.
 */
export async function sendQueued(worker: ForwardingWorker, db: Db): Promise<{ sent: number; failed: number; dropped: number; queued: number }> {
  const total = { sent: 0, failed: 0, dropped: 0 };
  for (;;) {
    const r = await worker.runOnce();
    total.sent += r.sent;
    total.failed += r.failed;
    total.dropped += r.dropped;
    if (r.sent === 0 && r.dropped === 0) break;
  }
  const queued = (statement(db, 'SELECT count(*) AS n FROM forward_outbox').get() as { n: number }).n;
  return { ...total, queued };
}

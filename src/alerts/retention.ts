// Retention jobs (issue 6; architecture.md "Storage"): alert pcaps past their age or quota, old alerts
// and events are removed on a node-cron schedule. Generic: callers register named synchronous jobs.
//
// node-cron v4 arms a plain setTimeout per task (up to 24 h ahead) that is ref'd unless the task is
// created with `unref: true`; a ref'd one keeps a CLI process alive until stop(). The tasks here are
// unref'd by default so a schedule never holds a process open by itself; a daemon stays up because
// of its server, and calls stop() on shutdown anyway. Pass `keepAlive: true` to hold the process.
import cron, { type ScheduledTask } from 'node-cron';

export const DEFAULT_RETENTION_CRON = '7 * * * *'; // every hour at minute 7
/** a tick reached this late still runs (node-cron also requires it to be earlier than the next one) */
const LATE_TOLERANCE_MS = 10 * 60_000;

export interface RetentionJob {
  name: string;
  run: () => void;
}

export interface RetentionOptions {
  /** a node-cron expression (5 fields, or 6 with seconds first); default every hour at minute 7 */
  cron?: string;
  /** a job threw: the others still run, and the job runs again at the next tick */
  onError?: (name: string, err: unknown) => void;
  /** keep the process alive while scheduled (default false: the timers are unref'd) */
  keepAlive?: boolean;
}

export interface RetentionSchedule {
  /** Runs every job once now, in order (e.g. at start-up), with the same error handling. */
  runNow(): void;
  /** Stops and forgets the schedule; a second call does nothing. */
  stop(): void;
}

export function scheduleRetention(jobs: RetentionJob[], opts: RetentionOptions = {}): RetentionSchedule {
  const expr = opts.cron ?? DEFAULT_RETENTION_CRON;
  if (!cron.validate(expr)) throw new Error(`invalid cron expression for the retention jobs: "${expr}"`);
  const onError = opts.onError ?? (() => undefined);
  const list = jobs.slice();
  const runAll = (): void => {
    for (const job of list) {
      try {
        job.run();
      } catch (err) {
        try { onError(job.name, err); } catch { /* a failing reporter must not stop the other jobs */ }
      }
    }
  };
  // One task runs the jobs one after another: they share the database, and a slow one must not
  // overlap its next tick (noOverlap). node-cron skips a tick it reaches more than
  // missedExecutionTolerance late (a long synchronous ingest batch holding the event loop) and
  // warns on the console; a late retention run is still wanted, and our logs are not its console.
  const task: ScheduledTask = cron.schedule(expr, runAll, {
    name: `retention:${list.map((j) => j.name).join(',')}`,
    noOverlap: true,
    unref: !opts.keepAlive,
    missedExecutionTolerance: LATE_TOLERANCE_MS,
    logger: {
      info: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      error: (message, err) => { try { onError('node-cron', err ?? message); } catch { /* see above */ } },
    },
  });
  let stopped = false;
  return {
    runNow: runAll,
    stop(): void {
      if (stopped) return;
      stopped = true;
      // destroy() also stops, and removes the task from node-cron's process-wide registry
      void task.destroy();
    },
  };
}

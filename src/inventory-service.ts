// The inventory between the pipeline and the store: the observer analyzer watches the traffic, and
// flush() turns what it saw into devices and connections and writes what changed (issue 5). Lives
// outside analyzers/ because it touches the store (architecture: analyzers never import it).
import { type ConnectionMemo, type DeviceMemo, type Inventory, materialize, type MaterializeOptions, materializeSteps } from './analyzers/inventory/devices.js';
import { InventoryObserver } from './analyzers/inventory/observer.js';
import { defaultRegistry } from './analyzers/inventory/oui.js';
import type { Db } from './store/database.js';
import { InventoryStore } from './store/inventory-store.js';

/** How often a running ingest writes the inventory (wall clock); always once more at the end. */
export const FLUSH_EVERY_MS = 2000;

export class InventoryService {
  readonly observer = new InventoryObserver();
  readonly store: InventoryStore;
  private readonly ids = new Map<string, number>();
  private readonly ipIds = new Map<string, number | null>();
  private readonly deviceMemo = new Map<string, DeviceMemo>();
  private readonly connectionMemo: ConnectionMemo = { byKey: new Map(), keyOf: new Map() };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** the last flush: how long it took and what it wrote (for /healthz and the benchmark) */
  lastFlush = { ms: 0, devices: 0, connections: 0 };

  /** decides `authorized` (the learned baseline, issue 6); every device is authorized without one */
  authorized: ((ips: readonly string[], mac: string | null, firstSeenUs: number) => boolean) | undefined;

  constructor(db: Db, private readonly vendorOfMac: (mac: string) => string | null = (mac) => defaultRegistry().vendorOf(mac)) {
    this.store = new InventoryStore(db);
  }

  /** The device id of an address as of the last flush (null: not a device, or not written yet). */
  deviceIdOf(e: { ip: string | null; mac: string | null } | null): number | null {
    if (!e) return null;
    if (e.ip !== null) {
      const id = this.ipIds.get(e.ip);
      if (id !== undefined) return id;
    }
    return e.mac !== null ? this.ids.get(`mac:${e.mac}`) ?? null : null;
  }

  /** The baseline changed under devices already built: rebuild them all at the next flush. */
  invalidateDevices(): void {
    this.deviceMemo.clear();
  }

  /** Writes what changed now, in one transaction (the end of an ingest, the CLI). */
  flush(): { devices: number; connections: number } {
    const t = performance.now();
    const state: { inv: Inventory | null } = { inv: null };
    try {
      const r = this.store.update(this.ids, () => (state.inv = this.materialize()), this.clockMs());
      this.flushed(t, state.inv, r);
      void this.afterFlush?.(false);
      return r;
    } catch (err) {
      state.inv?.failed?.();
      throw err;
    }
  }

  /** The same in short slices with the event loop free in between: the daemon's periodic flush. */
  async flushInSlices(rowsPerSlice?: number): Promise<{ devices: number; connections: number }> {
    const t = performance.now();
    let inv: Inventory | null = null;
    try {
      // materialize in slices too (at 10,000 devices the whole of it held the loop 60-110 ms under load)
      const built = (inv = await inSlices(materializeSteps(this.observer, this.materializeOptions())));
      const r = await this.store.updateInSlices(this.ids, () => built, this.clockMs(), rowsPerSlice);
      this.flushed(t, built, r);
      await this.afterFlush?.(true);
      return r;
    } catch (err) {
      inv?.failed?.();
      throw err;
    }
  }

  /** After a successful write: unchanged devices are skipped from now on, and /healthz learns of it. */
  private flushed(startedAt: number, inv: Inventory | null, r: { devices: number; connections: number }): void {
    inv?.written?.();
    this.lastFlush = { ms: +(performance.now() - startedAt).toFixed(1), ...r };
  }

  /**
   * Runs after each successful write: the detection flush, whose alerts need the device ids just
   * written. `sliced` when the daemon's periodic flush calls it: it may then write in slices (and is
   * awaited); otherwise it must write everything before it returns.
   */
  afterFlush: ((sliced: boolean) => void | Promise<unknown>) | null = null;

  private materialize(): Inventory {
    return materialize(this.observer, this.materializeOptions());
  }

  private materializeOptions(): MaterializeOptions {
    return { ids: this.ids, ipIds: this.ipIds, deviceMemo: this.deviceMemo, connectionMemo: this.connectionMemo, vendorOfMac: this.vendorOfMac, authorized: this.authorized };
  }

  private clockMs(): number {
    return Math.floor(this.observer.clock / 1000);
  }

  /** Flushes every `everyMs` until stop(); a failed flush is reported and retried at the next tick. */
  start(onError: (err: unknown) => void, everyMs = FLUSH_EVERY_MS): void {
    this.timer ??= setInterval(() => {
      if (this.running) return; // the previous flush is still writing its slices
      this.running = this.flushInSlices().then(() => undefined, onError).finally(() => { this.running = null; });
    }, everyMs);
    this.timer.unref();
  }

  /** Stops the timer; resolves once a flush still writing its slices is done (then flush() may run). */
  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    return this.running ?? Promise.resolve();
  }
}

/**
 * Runs a step generator to its end, freeing the event loop after every `budgetMs` of work; `stats`
 * (for benchmarks) gets the number of slices and the longest one.
 */
export async function inSlices<T>(steps: Generator<void, T, void>, budgetMs = 8, stats?: { slices: number; longestMs: number }): Promise<T> {
  let t = performance.now();
  const slice = () => {
    const ms = performance.now() - t;
    if (stats) { stats.slices++; stats.longestMs = Math.max(stats.longestMs, ms); }
    return ms;
  };
  for (;;) {
    const r = steps.next();
    if (r.done) { slice(); return r.value; }
    if (performance.now() - t >= budgetMs) {
      slice();
      await new Promise((resolve) => setImmediate(resolve));
      t = performance.now();
    }
  }
}

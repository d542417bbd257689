// The inventory between the pipeline and the store: the observer analyzer watches the traffic, and
// flush() turns what it saw into devices and connections and writes what changed (issue 5). Lives
// outside analyzers/ because it touches the store (architecture: analyzers never import it).
import { type DeviceMemo, type Inventory, materialize } from './analyzers/inventory/devices.js';
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
  private timer: NodeJS.Timeout | null = null;
  /** the last flush: how long it took and what it wrote (for /healthz and the benchmark) */
  lastFlush = { ms: 0, devices: 0, connections: 0 };

  constructor(db: Db, private readonly vendorOfMac: (mac: string) => string | null = (mac) => defaultRegistry().vendorOf(mac)) {
    this.store = new InventoryStore(db);
  }

  flush(): { devices: number; connections: number } {
    const t = performance.now();
    const clockMs = Math.floor(this.observer.clock / 1000);
    let inv: Inventory | null = null;
    const r = this.store.update(this.ids, () => (inv = materialize(this.observer, { ids: this.ids, ipIds: this.ipIds, deviceMemo: this.deviceMemo, vendorOfMac: this.vendorOfMac })), clockMs);
    // written and committed: what changed is now clean (a failed write leaves it dirty for the next)
    (inv as Inventory | null)?.written?.();
    this.lastFlush = { ms: +(performance.now() - t).toFixed(1), ...r };
    return r;
  }

  /** Flushes every `everyMs` until stop(); a failed flush is reported and retried at the next tick. */
  start(onError: (err: unknown) => void, everyMs = FLUSH_EVERY_MS): void {
    this.timer ??= setInterval(() => {
      try { this.flush(); } catch (err) { onError(err); }
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

// Detection between the pipeline and the store (issue 6): the detection analyzer and the packet
// recorder watch the traffic; flush() stores what they raised (after the inventory's flush, so alerts
// carry device ids), saves each new alert's PCAP once its after-context is in, and picks up baseline
// entries other processes learned. Lives outside analyzers/ because it touches the store.
import { DetectionAnalyzer, type RaisedAlert } from './analyzers/detection/detector.js';
import { defaultRules } from './analyzers/detection/rules/index.js';
import type { Rule } from './analyzers/detection/rule.js';
import { type CompletedCapture, PacketRecorder } from './analyzers/packet-recorder.js';
import type { InventoryService } from './inventory-service.js';
import { AlertPcapStore, pcapLimits } from './store/alert-pcaps.js';
import { AlertStore, type HandleAction, type StoredAlert } from './store/alert-store.js';
import type { Settings } from './store/config-schema.js';
import type { Db } from './store/database.js';

export interface DetectionOptions {
  db: Db;
  dataDir: string;
  settings: () => Settings;
  inventory: InventoryService;
  /** override the stored learning setting for this ingest (replay --learn / --learn-until / --no-learning) */
  learning?: { on: boolean; until: number | null; untilOffset?: number };
  /** called inside the transaction that stores a new alert (forwarding's outbox) */
  onNewAlert?: (db: Db, alert: StoredAlert) => void;
  rules?: Rule[];
  /** keep alert PCAPs (default true) */
  pcaps?: boolean;
  /** an alert PCAP could not be written (the alert is stored; its PCAP answers "not available") */
  onError?: (err: Error) => void;
}

const FOLDED = -1;

export class DetectionService {
  readonly detector: DetectionAnalyzer;
  readonly recorder: PacketRecorder | null;
  readonly store: AlertStore;
  readonly pcaps: AlertPcapStore;
  private baselineId = 0;
  /** detector ref -> the alert id its capture is saved under, or FOLDED (bounded by the detector's alert bound) */
  private readonly captureFor = new Map<number, number>();
  /** captures that completed before their alert was stored */
  private waiting: CompletedCapture[] = [];
  private readonly learnedHere = new Set<string>();
  private readonly pcapWrites = new Set<Promise<void>>();
  lastFlush = { ms: 0, alerts: 0, events: 0 };

  constructor(private readonly opts: DetectionOptions) {
    const s = opts.settings();
    this.store = new AlertStore(opts.db);
    this.pcaps = new AlertPcapStore(opts.db, opts.dataDir, () => pcapLimits(opts.settings().pcap));
    this.recorder = opts.pcaps === false ? null : new PacketRecorder({
      ringPackets: s.pcap.ringPackets, ringBytes: s.pcap.ringMegabytes * 1024 * 1024, beforePackets: s.pcap.beforePackets,
      afterPackets: s.pcap.afterPackets, afterUs: s.pcap.afterSeconds * 1e6, maxPacketsPerCapture: s.pcap.maxPacketsPerAlert,
      maxBytesPerCapture: s.pcap.maxBytesPerAlert,
    });
    const base = this.store.baseline.since(0);
    this.baselineId = base.lastId;
    this.detector = new DetectionAnalyzer({
      settings: s.detection, rules: opts.rules ?? defaultRules(), learning: opts.learning, baseline: base.entries, recorder: this.recorder,
    });
    // `authorized` on devices follows the baseline (issue 6)
    // (spec §5.6: every device detected while learning is authorized, also one the rules never saw
    // send, such as a DHCP client known only by its MAC)
    opts.inventory.authorized = (ips, mac, firstSeen) => {
      const d = this.detector;
      if (ips.some((ip) => d.known(`device:${ip}`)) || (mac !== null && d.known(`device:${mac}`))) return true;
      if (!d.learning(firstSeen)) return false;
      for (const ip of ips) d.learn(`device:${ip}`);
      if (mac !== null) d.learn(`device:${mac}`);
      return true;
    };
  }

  /** The analyzers to put in the pipeline, recorder last (it records after the rules saw the packet). */
  analyzers(): Array<DetectionAnalyzer | PacketRecorder> {
    return this.recorder ? [this.detector, this.recorder] : [this.detector];
  }

  /** Stores what was raised since the last flush, in one transaction; then saves finished PCAPs. */
  flush(nowMs = Date.now()): { alerts: number; events: number } {
    const t = performance.now();
    const batch = this.detector.drain();
    this.write(batch, nowMs);
    return this.flushed(t, batch, nowMs);
  }

  /**
   * The same in slices of `alertsPerSlice` alerts (and 10x as many events), each its own short
   * transaction with the event loop free in between: the daemon's periodic flush, so a burst of new
   * alerts neither holds up requests nor stalls a live capture that copies each packet in the loop.
   */
  async flushInSlices(nowMs = Date.now(), alertsPerSlice = 100): Promise<{ alerts: number; events: number }> {
    const t = performance.now();
    const batch = this.detector.drain();
    const eventsPerSlice = alertsPerSlice * 10;
    for (let a = 0, e = 0; a === 0 || a < batch.alerts.length || e < batch.events.length; a += alertsPerSlice, e += eventsPerSlice) {
      if (a > 0) await new Promise((resolve) => setImmediate(resolve));
      const slice = { alerts: batch.alerts.slice(a, a + alertsPerSlice), events: batch.events.slice(e, e + eventsPerSlice), learned: a === 0 ? batch.learned : [] };
      this.write(slice, nowMs, { alerts: batch.alerts.slice(a + alertsPerSlice), events: batch.events.slice(e + eventsPerSlice), learned: [] });
    }
    return this.flushed(t, batch, nowMs);
  }

  /** One transaction; on failure what it and `rest` hold goes back to the detector for the next flush. */
  private write(batch: ReturnType<DetectionAnalyzer['drain']>, nowMs: number, rest?: ReturnType<DetectionAnalyzer['drain']>): void {
    for (const e of batch.learned) this.learnedHere.add(e);
    let ids: Map<number, { id: number; isNew: boolean }>;
    try {
      ids = this.store.record(batch, (e) => this.opts.inventory.deviceIdOf(e), (a) => this.opts.onNewAlert?.(this.opts.db, a), nowMs);
    } catch (err) {
      this.detector.undrain(batch);
      if (rest) this.detector.undrain(rest);
      throw err;
    }
    for (const [ref, r] of ids) {
      if (this.captureFor.has(ref)) continue;
      this.captureFor.set(ref, r.isNew ? r.id : FOLDED);
      if (!r.isNew) this.recorder?.cancel(ref); // an alert stored by an earlier run keeps its own PCAP
    }
  }

  private flushed(startedAt: number, batch: ReturnType<DetectionAnalyzer['drain']>, nowMs: number): { alerts: number; events: number } {
    this.savePcaps(nowMs);
    this.syncBaseline();
    const r = { alerts: batch.alerts.filter((a: RaisedAlert) => a.count > 0).length, events: batch.events.length };
    this.lastFlush = { ms: +(performance.now() - startedAt).toFixed(1), ...r };
    return r;
  }

  /** Resolves when every alert PCAP started so far is written and indexed. */
  async settled(): Promise<void> {
    while (this.pcapWrites.size > 0) await Promise.all([...this.pcapWrites]);
  }

  /** End of input: every open capture completes, then a last flush stores it all. */
  finish(): void {
    this.recorder?.finish();
  }

  /** Handle / handle-and-learn, for the API and CLI of this process: the detector learns at once. */
  handle(alert: StoredAlert, action: HandleAction, by: string, nowMs = Date.now()): { message: string; changed: boolean } {
    const r = this.store.handle(alert, action, by, nowMs);
    if (r.changed) {
      const dedup = this.store.dedupOf(alert.id);
      if (dedup) this.detector.forget(dedup);
      this.syncBaseline();
    }
    return r;
  }

  private savePcaps(nowMs: number): void {
    const done = this.recorder ? this.waiting.concat(this.recorder.takeCompleted()) : this.waiting;
    this.waiting = [];
    const ready: Array<{ alertId: number; cap: CompletedCapture }> = [];
    for (const cap of done) {
      const id = this.captureFor.get(cap.ref);
      if (id === undefined) { this.waiting.push(cap); continue; }
      if (id !== FOLDED) ready.push({ alertId: id, cap });
    }
    if (ready.length === 0) return;
    // off the ingest thread (AlertPcapStore.saveMany); settled() waits for them
    const write = this.pcaps.saveMany(ready, nowMs).catch((err: unknown) => this.opts.onError?.(err as Error));
    this.pcapWrites.add(write);
    void write.finally(() => this.pcapWrites.delete(write));
    // a capture whose alert was folded into an existing one never gets an id: drop it at the bound
    if (this.waiting.length > 1000) this.waiting.splice(0, this.waiting.length - 1000);
  }

  private syncBaseline(): void {
    const { entries, lastId } = this.store.baseline.since(this.baselineId);
    this.baselineId = lastId;
    if (entries.length === 0) return;
    this.detector.addBaseline(entries);
    // devices learned elsewhere (an operator's handleAndLearn) change `authorized` of devices already built
    if (entries.some((e) => e.startsWith('device:') && !this.learnedHere.has(e))) this.opts.inventory.invalidateDevices();
    this.learnedHere.clear();
  }
}

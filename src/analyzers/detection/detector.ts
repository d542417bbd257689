// The detection analyzer (issue 6): runs the rules over the traffic, deduplicates what they raise
// the way an operator expects (one alert per condition, with a count), holds back Policy alerts while
// learning (spec §5.6), and queues alerts, timeline events and baseline entries for the service that
// stores them. Time comes from packets only, so one capture gives the same alerts on every replay.
import type { AnomalyId } from '../../decode/anomalies.js';
import type { Packet } from '../../decode/packet.js';
import type { AppPdu } from '../../decode/pdu.js';
import type { Direction, Pdu } from '../../decode/types.js';
import type { Flow } from '../../flows/flow.js';
import type { PacketBatch } from '../../sources/source.js';
import type { Analyzer } from '../analyzer.js';
import { ipv4Number } from '../inventory/addresses.js';
import { type CatalogAlert, catalogAlert, eventType } from './catalog.js';
import { addr, type DetectionContext, type DetectionSettings, type RaiseOptions, type Rule } from './rule.js';
import type { AlertHit, Endpoint, Engine, TimelineEvent } from './types.js';

/** Where an alert's packets come from (PacketRecorder); optional so tests can run without one. */
export interface CaptureSink {
  readonly nextSeq: number;
  start(ref: number, trigger: number, match: { ips: number[]; macs: string[] }): boolean;
}

export interface DetectorOptions {
  settings: DetectionSettings;
  rules: readonly Rule[];
  /** learning: on, and until which capture time (µs; null = for the whole input), or for how long after the first packet */
  learning?: { on: boolean; until: number | null; untilOffset?: number };
  baseline?: Iterable<string>;
  recorder?: CaptureSink | null;
}

/** One alert condition raised in this run; `count` is what was detected since the last drain. */
export interface RaisedAlert {
  ref: number;
  dedup: string;
  hit: AlertHit;
  catalog: CatalogAlert;
  count: number;
  lastTs: number;
}

const ENGINE_SETTING: Record<Engine, keyof DetectionSettings> = {
  'Policy Violation': 'policyViolation', 'Protocol Violation': 'protocolViolation', Malware: 'malware', Anomaly: 'anomaly', Operational: 'operational',
};
/** Bounds (architecture rule 5): distinct alert conditions per run, events and baseline entries between drains. */
const MAX_ALERTS = 100_000;
const MAX_EVENTS = 200_000;

export class DetectionAnalyzer implements Analyzer, DetectionContext {
  readonly name = 'detection';
  readonly settings: DetectionSettings;
  private readonly byProto = new Map<string, Rule[]>();
  private readonly anyPdu: Rule[];
  private readonly packetRules: Rule[];
  private readonly batchRules: Rule[];
  private readonly flowRules: Rule[];
  private readonly anomalyRules: Rule[];
  private readonly baseline: Set<string>;
  private learnOn: boolean;
  private learnUntil: number | null;
  private untilOffset: number;
  private readonly raised = new Map<string, RaisedAlert>();
  private readonly dirty = new Set<RaisedAlert>();
  private events: TimelineEvent[] = [];
  private learned: string[] = [];
  private refs = 0;
  /** what the bounds dropped */
  readonly dropped = { alerts: 0, events: 0 };

  constructor(private readonly opts: DetectorOptions) {
    this.settings = opts.settings;
    this.baseline = new Set(opts.baseline ?? []);
    this.learnOn = opts.learning?.on ?? opts.settings.learning;
    this.learnUntil = opts.learning?.until ?? null;
    this.untilOffset = opts.learning?.untilOffset ?? -1;
    this.anyPdu = opts.rules.filter((r) => r.pdu && !r.protos);
    for (const r of opts.rules) {
      if (!r.pdu || !r.protos) continue;
      for (const p of r.protos) {
        let list = this.byProto.get(p);
        if (!list) this.byProto.set(p, (list = [...this.anyPdu]));
        list.push(r);
      }
    }
    this.packetRules = opts.rules.filter((r) => r.packet);
    this.batchRules = opts.rules.filter((r) => r.batch);
    this.flowRules = opts.rules.filter((r) => r.flowStart);
    this.anomalyRules = opts.rules.filter((r) => r.anomaly);
  }

  // ---- Analyzer ----
  pdu(p: Pdu, flow: Flow | null, dir: Direction, ts: number): void {
    const rules = this.byProto.get(p.proto) ?? this.anyPdu;
    for (let i = 0; i < rules.length; i++) rules[i]!.pdu!(p as AppPdu, flow, dir, ts, this);
  }

  batch(batch: PacketBatch): void {
    for (const r of this.batchRules) r.batch!(batch);
  }

  packet(pkt: Packet, flow: Flow | null, dir: Direction): void {
    if (this.untilOffset >= 0) { this.learnUntil = pkt.ts + this.untilOffset; this.untilOffset = -1; } // --learn-until 5m: from the first packet
    const rules = this.packetRules;
    for (let i = 0; i < rules.length; i++) rules[i]!.packet!(pkt, flow, dir, this);
  }

  flowStart(flow: Flow): void {
    for (const r of this.flowRules) r.flowStart!(flow, this);
  }

  anomaly(id: AnomalyId, flow: Flow | null, dir: Direction, ts: number): void {
    for (const r of this.anomalyRules) r.anomaly!(id, flow, dir, ts, this);
  }

  finish(): void {
    for (const r of this.opts.rules) r.finish?.(this);
  }

  // ---- DetectionContext ----
  learning(ts: number): boolean {
    return this.learnOn && (this.learnUntil === null || ts <= this.learnUntil);
  }

  known(entry: string): boolean {
    return this.baseline.has(entry);
  }

  learn(entry: string): void {
    if (this.baseline.has(entry)) return;
    this.baseline.add(entry);
    this.learned.push(entry);
  }

  raise(title: string, ts: number, src: Endpoint | null, dst: Endpoint | null, message: string, o: RaiseOptions = {}): void {
    const c = catalogAlert(title);
    if (!c.enabledByDefault || !this.settings[ENGINE_SETTING[c.engine]]) return;
    const learn = o.learn ?? [];
    if (c.engine === 'Policy Violation' && this.learning(ts)) {
      for (const e of learn) this.learn(e);
      return;
    }
    const dedup = `${title}|${addr(src)}|${addr(dst)}|${o.key ?? ''}`;
    const seen = this.raised.get(dedup);
    if (seen) {
      seen.count++;
      if (ts > seen.lastTs) seen.lastTs = ts;
      this.dirty.add(seen);
      return;
    }
    // learned by an operator (handleAndLearn): the condition, or every baseline entry it stands for
    if (this.baseline.has(`alert:${dedup}`) || (learn.length > 0 && learn.every((e) => this.baseline.has(e)))) return;
    if (this.raised.size >= MAX_ALERTS) { this.dropped.alerts++; return; }
    const rec = this.opts.recorder ?? null;
    const hit: AlertHit = {
      title, ts, src, dst, message, protocol: o.protocol ?? null, info: o.info ?? null, key: o.key ?? '', learn, trigger: rec ? rec.nextSeq : -1,
    };
    const a: RaisedAlert = { ref: ++this.refs, dedup, hit, catalog: c, count: 1, lastTs: ts };
    this.raised.set(dedup, a);
    this.dirty.add(a);
    if (rec) rec.start(a.ref, hit.trigger, matchOf(src, dst));
  }

  event(ts: number, type: string, content: string): void {
    if (this.events.length >= MAX_EVENTS) { this.dropped.events++; return; }
    const t = eventType(type);
    this.events.push({ ts, type, title: t.title, severity: t.severity, content });
  }

  // ---- for the service ----
  /** What was raised, eventful or learned since the last drain; counts restart from zero. */
  drain(): { alerts: Array<RaisedAlert & { count: number }>; events: TimelineEvent[]; learned: string[] } {
    const alerts = [...this.dirty].map((a) => ({ ...a }));
    for (const a of this.dirty) a.count = 0;
    this.dirty.clear();
    const events = this.events;
    const learned = this.learned;
    this.events = [];
    this.learned = [];
    return { alerts, events, learned };
  }

  /** Puts back what a failed write drained, so the next flush writes it. */
  undrain(d: ReturnType<DetectionAnalyzer['drain']>): void {
    for (const a of d.alerts) {
      const live = this.raised.get(a.dedup);
      if (live) { live.count += a.count; this.dirty.add(live); }
    }
    this.events = d.events.concat(this.events);
    this.learned = d.learned.concat(this.learned);
  }

  /** Entries another process (or the API) learned: they suppress from now on. */
  addBaseline(entries: Iterable<string>): void {
    for (const e of entries) this.baseline.add(e);
  }

  /** An operator handled the alert: the same condition again opens a new alert (spec §5.6). */
  forget(dedup: string): void {
    this.raised.delete(dedup);
  }

  /** Switches learning off from now on (end of a --learn replay). */
  stopLearning(): void {
    this.learnOn = false;
  }

  get learningState(): { on: boolean; until: number | null } {
    return { on: this.learnOn, until: this.learnUntil };
  }
}

function matchOf(src: Endpoint | null, dst: Endpoint | null): { ips: number[]; macs: string[] } {
  const ips: number[] = [];
  const macs: string[] = [];
  for (const e of [src, dst]) {
    if (!e) continue;
    const n = e.ip ? ipv4Number(e.ip) : null;
    if (n !== null) ips.push(n);
    else if (e.mac) macs.push(e.mac);
  }
  return { ips, macs };
}

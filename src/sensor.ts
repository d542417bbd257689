// The one pipeline: packet batches -> decode (layers) -> flows (TCP reassembly, application
// dissectors) -> analyzers. `otsensor replay`, `otsensor run` and the golden tests all run this.
// The per-packet path is synchronous and allocation-free until an application dissector runs.
import type { Analyzer } from './analyzers/analyzer.js';
import { ANOMALIES, type AnomalyId } from './decode/anomalies.js';
import { Decoder } from './decode/decoder.js';
import { macToString, Packet, TCP_ACK, TCP_FIN, TCP_SYN } from './decode/packet.js';
import type { Registry } from './decode/registry.js';
import { decodeApp } from './decode/reader.js';
import { type DatagramDissector, type Direction, type Pdu, type PduSink, T_TCP_PORT, T_UDP_PORT } from './decode/types.js';
import type { Flow, FlowApp } from './flows/flow.js';
import { DEFAULT_MAX_FLOWS, DEFAULT_TIMEOUTS, FlowTable, type FlowTimeouts } from './flows/flow-table.js';
import { type FramedApp, StreamFramer } from './flows/stream-framer.js';
import { TcpStream } from './flows/tcp-stream.js';
import type { PacketBatch } from './sources/source.js';

export interface SensorOptions {
  registry: Registry;
  analyzers?: Analyzer[];
  timeouts?: FlowTimeouts;
  maxFlows?: number;
  /** payload packets to try probes on, for flows on ports no protocol is bound to */
  probePackets?: number;
}

export interface IngestStats {
  packets: number;
  /** bytes on the wire (original lengths) */
  bytes: number;
  capturedBytes: number;
  /** packets whose link layer decoded */
  decoded: number;
  /** packets not decoded, by the reason (anomaly id) */
  skipped: Record<string, number>;
  /** PDUs decoded per protocol id (each layer of each packet, and each application PDU) */
  protocols: Record<string, number>;
  anomalies: Record<string, number>;
  flows: { created: number; active: number };
  firstTs: number | null;
  lastTs: number | null;
}

const FRAG_SWEEP_US = 1e6;

export class Sensor {
  readonly decoder: Decoder;
  readonly flows: FlowTable;
  private readonly pkt = new Packet();
  private readonly analyzers: Analyzer[];
  private readonly packetAnalyzers: Analyzer[];
  private readonly batchAnalyzers: Analyzer[];
  private readonly pduAnalyzers: Analyzer[];
  private readonly anomalyAnalyzers: Analyzer[];
  private readonly appPdus: Float64Array;
  private packets = 0;
  private bytes = 0;
  private capturedBytes = 0;
  private decoded = 0;
  private readonly skipped = new Map<string, number>();
  private firstTs = NaN;
  private lastTs = NaN;
  private lastFragSweep = 0;
  private readonly probePackets: number;
  private readonly l2Sink: PduSink;
  /**
   * Where every flow's PDUs go, per direction. PDUs are decoded synchronously while the sensor works
   * on one flow (a packet of it, or its end), so the sinks read that flow from `curFlow` instead of
   * each flow carrying a pair of closures of its own.
   */
  private readonly sinks: [PduSink, PduSink];
  private curFlow: Flow | null = null;
  private readonly raise = (id: AnomalyId): void => this.decoder.count(id);
  private readonly onException = (app: FramedApp): void => this.exception(app as FlowApp);

  constructor(private readonly opts: SensorOptions) {
    this.decoder = new Decoder(opts.registry);
    this.analyzers = opts.analyzers ?? [];
    this.packetAnalyzers = this.analyzers.filter((a) => a.packet);
    this.batchAnalyzers = this.analyzers.filter((a) => a.batch);
    this.pduAnalyzers = this.analyzers.filter((a) => a.pdu);
    this.anomalyAnalyzers = this.analyzers.filter((a) => a.anomaly);
    this.appPdus = new Float64Array(opts.registry.dissectors.length);
    this.probePackets = opts.probePackets ?? 4;
    this.flows = new FlowTable(opts.registry, {
      flowStart: (f) => this.flowStart(f),
      flowEnd: (f) => this.flowEnd(f),
    }, opts.timeouts ?? DEFAULT_TIMEOUTS, opts.maxFlows ?? DEFAULT_MAX_FLOWS);
    this.l2Sink = this.sinkFor(0, true);
    this.sinks = [this.sinkFor(0, false), this.sinkFor(1, false)];
  }

  ingest(batch: PacketBatch): void {
    const pkt = this.pkt;
    const { buf, off, len, origLen, ts, linkType } = batch;
    for (const a of this.batchAnalyzers) a.batch!(batch);
    for (let i = 0; i < batch.count; i++) {
      pkt.reset(buf, off[i]!, len[i]!, origLen[i]!, ts[i]!, linkType[i]!);
      this.process(pkt);
    }
  }

  /** End of input: ends every flow (flushing held TCP data) and tells the analyzers. */
  finish(): void {
    this.flows.flushAll();
    for (const a of this.analyzers) a.finish?.();
  }

  /** Counts an anomaly that is not tied to a packet (e.g. a damaged capture file). */
  countAnomaly(id: AnomalyId): void {
    this.decoder.count(id);
  }

  stats(): IngestStats {
    const reg = this.opts.registry;
    const protocols: Record<string, number> = {};
    reg.dissectors.forEach((d, i) => {
      const n = this.decoder.counters.perDissector[i]! + this.appPdus[i]!;
      if (n > 0) protocols[d.id] = n;
    });
    const anomalies: Record<string, number> = {};
    for (const id of Object.keys(ANOMALIES) as AnomalyId[]) {
      const n = this.decoder.counters.anomalies.get(id);
      if (n) anomalies[id] = n;
    }
    return {
      packets: this.packets, bytes: this.bytes, capturedBytes: this.capturedBytes, decoded: this.decoded,
      skipped: Object.fromEntries(this.skipped), protocols, anomalies,
      flows: { created: this.flows.created, active: this.flows.active },
      firstTs: Number.isNaN(this.firstTs) ? null : this.firstTs,
      lastTs: Number.isNaN(this.lastTs) ? null : this.lastTs,
    };
  }

  private process(pkt: Packet): void {
    this.packets++;
    this.bytes += pkt.origLen;
    this.capturedBytes += pkt.len;
    const ts = pkt.ts;
    if (!(ts >= this.firstTs)) this.firstTs = ts; // also replaces the initial NaN
    if (!(ts <= this.lastTs)) this.lastTs = ts;
    this.decoder.decode(pkt);
    if (pkt.srcMacOff >= 0 || pkt.ethertype !== 0) {
      this.decoded++;
    } else {
      const why = pkt.anomalies[0] ?? 'no_link_layer';
      this.skipped.set(why, (this.skipped.get(why) ?? 0) + 1);
    }
    if (ts - this.lastFragSweep > FRAG_SWEEP_US) {
      this.lastFragSweep = ts;
      this.decoder.expire(ts, pkt);
    }
    let flow: Flow | null = null;
    let dir: Direction = 0;
    const proto = pkt.ipProto;
    if (pkt.ipVersion !== 0 && proto >= 0 && ((proto !== 6 && proto !== 17) || pkt.payloadEnd > 0)) {
      flow = this.flows.lookup(pkt);
      dir = this.flows.dir;
      if (flow) {
        flow.count(dir, pkt.origLen, ts);
        if (flow.app !== null || flow.probesLeft > 0) {
          this.curFlow = flow;
          this.application(pkt, flow, dir);
        }
      } else if (this.flows.full) {
        this.decoder.anomaly(pkt, 'flow.table_full');
      }
    } else if (pkt.appIndex >= 0) {
      this.linkApplication(pkt);
    }
    const pa = this.packetAnalyzers;
    for (let i = 0; i < pa.length; i++) pa[i]!.packet!(pkt, flow, dir);
  }

  private flowStart(f: Flow): void {
    const reg = this.opts.registry;
    if (f.proto === 6 || f.proto === 17) {
      const table = reg.tables[f.proto === 6 ? T_TCP_PORT : T_UDP_PORT]!;
      // Only the server port decides: the flow table already made a bound port the server's. A
      // client's ephemeral port that happens to equal a bound one (1883, 47808) must not pin an HTTP
      // or NTP flow to MQTT or BACnet.
      const idx = table[f.serverPort]!;
      if (idx >= 0) this.attach(f, idx);
      else if (reg.probing.length > 0) f.probesLeft = this.probePackets;
    }
    for (const a of this.analyzers) a.flowStart?.(f);
  }

  private flowEnd(f: Flow): void {
    const app = f.app;
    if (app !== null && app.stream0 !== null) {
      const cur = this.curFlow; // a sweep ends flows while another one's packet is being handled
      this.curFlow = f;
      app.stream0.flush();
      app.stream1!.flush();
      this.curFlow = cur;
    }
    for (const a of this.analyzers) a.flowEnd?.(f);
  }

  private attach(f: Flow, idx: number): void {
    const d = this.opts.registry.dissectors[idx]!;
    if (d.kind === 'layer') return;
    if ((f.proto === 6) !== (d.kind === 'stream')) return;
    const state = d.newState?.();
    const app: FlowApp = { dissector: d, index: idx, state, stream0: null, stream1: null, disabled: false, pduProto: '', pduIndex: -1 };
    if (d.kind === 'stream') {
      const framed = app as FramedApp;
      // A flow pinned after its handshake (by a probe) still starts each direction at its first byte.
      app.stream0 = new TcpStream(new StreamFramer(framed, 0, this.sinks[0], this.onException), this.raise, f.isn0);
      app.stream1 = new TcpStream(new StreamFramer(framed, 1, this.sinks[1], this.onException), this.raise, f.isn1);
    }
    f.app = app;
    f.probesLeft = 0;
  }

  private application(pkt: Packet, f: Flow, dir: Direction): void {
    const payload = pkt.payloadEnd > pkt.payloadOff ? pkt.buf.subarray(pkt.payloadOff, pkt.payloadEnd) : null;
    if (f.app === null) {
      if (payload) this.probe(f, payload, dir);
      if (f.app === null) return;
    }
    const app = f.app;
    if (app.disabled) return;
    try {
      if (app.stream0 !== null) {
        const flags = pkt.tcpFlags;
        const mine = dir === 0 ? app.stream0 : app.stream1!;
        mine.segment(pkt.seq, (flags & TCP_SYN) !== 0, (flags & TCP_FIN) !== 0, payload ?? EMPTY, pkt.ts);
        if (flags & TCP_ACK) (dir === 0 ? app.stream1! : app.stream0).acked(pkt.ack);
      } else if (payload) {
        decodeApp(app.dissector as DatagramDissector<unknown>, payload, dir, app.state, this.sinks[dir]);
      }
    } catch {
      this.exception(app);
    }
  }

  /** Unbound port: ask each probing dissector whether this payload is theirs; pin the first "yes". */
  private probe(f: Flow, payload: Buffer, dir: Direction): void {
    f.probesLeft--;
    const reg = this.opts.registry;
    const wantStream = f.proto === 6;
    for (const idx of reg.probing) {
      const d = reg.dissectors[idx]!;
      if (d.kind === 'layer' || (d.kind === 'stream') !== wantStream) continue;
      let r: string;
      try { r = d.probe!(payload, dir); } catch { r = 'no'; }
      if (r === 'yes') {
        this.attach(f, idx);
        return;
      }
    }
  }

  private linkApplication(pkt: Packet): void {
    const d = this.opts.registry.dissectors[pkt.appIndex]!;
    if (d.kind !== 'datagram') return;
    // No flow at layer 2: each PDU carries the frame's MACs so analyzers know who sent it to whom.
    const srcMac = macToString(pkt.frameBuf, pkt.srcMacOff);
    const dstMac = macToString(pkt.frameBuf, pkt.dstMacOff);
    const sink = this.l2Sink;
    try {
      decodeApp(d, pkt.buf.subarray(pkt.appOff, pkt.appEnd), 0, undefined, {
        pdu: (p) => { p.srcMac = srcMac; p.dstMac = dstMac; sink.pdu(p); },
        anomaly: (id) => sink.anomaly(id),
      });
    } catch {
      this.decoder.anomaly(pkt, 'decode.exception');
    }
  }

  private exception(app: FlowApp): void {
    app.disabled = true; // the framers check it too
    this.decoder.count('decode.exception');
    this.decoder.counters.exceptions.set(app.dissector.id, (this.decoder.counters.exceptions.get(app.dissector.id) ?? 0) + 1);
  }

  /** A direction's sink for every flow (the flow is `curFlow`), or the link-layer sink (no flow). */
  private sinkFor(dir: Direction, link: boolean): PduSink {
    const analyzers = this.pduAnalyzers;
    const reg = this.opts.registry;
    return {
      pdu: (p: Pdu) => {
        const flow = link ? null : this.curFlow;
        // a flow's PDUs nearly always carry one proto id: its index is remembered on the flow
        const app = flow === null ? null : flow.app;
        let idx: number;
        if (app === null) idx = reg.indexOf(p.proto);
        else if (p.proto === app.pduProto) idx = app.pduIndex;
        else { idx = app.pduIndex = reg.indexOf(p.proto); app.pduProto = p.proto; }
        if (idx >= 0) this.appPdus[idx]!++;
        for (let i = 0; i < analyzers.length; i++) analyzers[i]!.pdu!(p, flow, dir, this.pkt.ts);
      },
      anomaly: (id: AnomalyId) => {
        const flow = link ? null : this.curFlow;
        this.decoder.count(id);
        const aa = this.anomalyAnalyzers;
        for (let i = 0; i < aa.length; i++) aa[i]!.anomaly!(id, flow, dir, this.pkt.ts);
      },
    };
  }
}

const EMPTY = Buffer.alloc(0);

// Drives one packet through the layer dissectors: link type -> EtherType -> IP protocol, counting
// each layer decoded. A throw inside a dissector is a bug, not input: it is caught here, counted as
// decode.exception, and the packet keeps whatever layers decoded before it (rule 5).
import type { AnomalyId } from './anomalies.js';
import { FragmentReassembler } from './ip-reassembly.js';
import type { Packet } from './packet.js';
import type { Registry } from './registry.js';
import { DONE, type DecodeContext, type LayerDissector, REJECT, T_LINKTYPE } from './types.js';

export interface DecodeCounters {
  /** PDUs (layers) decoded, by dissector index */
  readonly perDissector: Float64Array;
  readonly anomalies: Map<AnomalyId, number>;
  exceptions: Map<string, number>;
}

const MAX_LAYERS = 16;

export class Decoder implements DecodeContext {
  readonly counters: DecodeCounters;
  private readonly layers: ReadonlyArray<LayerDissector | undefined>;
  private readonly linkTable: Int16Array;
  // timeouts as the common receivers keep them: Linux's ipfrag_time (30 s) for IPv4, RFC 8200 §4.5's
  // 60 s for IPv6 (Linux's ip6frag_time too); a sensor that gives up sooner misses what hosts accept
  private readonly frag4 = new FragmentReassembler('ipv4', 256, 30e6);
  private readonly frag6 = new FragmentReassembler('ipv6', 256, 60e6);
  private current: Packet | null = null;

  constructor(private readonly registry: Registry) {
    this.layers = registry.dissectors.map((d) => (d.kind === 'layer' ? d : undefined));
    this.linkTable = registry.tables[T_LINKTYPE]!;
    this.counters = { perDissector: new Float64Array(registry.dissectors.length), anomalies: new Map(), exceptions: new Map() };
  }

  anomaly(pkt: Packet, id: AnomalyId): void {
    pkt.anomalies.push(id);
    this.count(id);
  }

  count(id: AnomalyId, n = 1): void {
    this.counters.anomalies.set(id, (this.counters.anomalies.get(id) ?? 0) + n);
  }

  reassemble(pkt: Packet, version: 4 | 6, key: string, fragOffset: number, more: boolean, data: Buffer, _proto: number, headerBytes: number): Buffer | null {
    this.current = pkt;
    return (version === 4 ? this.frag4 : this.frag6).add(key, pkt.ts, fragOffset, more, data, this.raiseCurrent, 65535 - headerBytes);
  }

  private readonly raiseCurrent = (id: AnomalyId): void => {
    if (this.current) this.anomaly(this.current, id);
  };

  /** Decodes pkt (already reset to its frame) through every layer it has. */
  decode(pkt: Packet): void {
    const idx0 = this.linkTable[pkt.linkType] ?? -1;
    if (idx0 < 0 || pkt.linkType > 0xffff) {
      this.anomaly(pkt, 'decode.unknown_linktype');
      return;
    }
    const tables = this.registry.tables;
    const per = this.counters.perDissector;
    let idx = idx0;
    let off = pkt.off;
    let end = pkt.off + pkt.len;
    let d: LayerDissector | undefined;
    try {
      for (let depth = 0; depth < MAX_LAYERS; depth++) {
        d = this.layers[idx];
        if (!d) { // an application dissector bound to an EtherType: the sensor runs it
          pkt.appIndex = idx;
          pkt.appOff = off;
          pkt.appEnd = end;
          return;
        }
        const t = d.decode(pkt, off, end, this);
        if (t === REJECT) return;
        per[idx]!++;
        if (t === DONE) return;
        idx = tables[t]![pkt.nextValue]!;
        if (idx < 0) return;
        off = pkt.nextOff;
        end = pkt.nextEnd;
      }
    } catch (err) {
      this.anomaly(pkt, 'decode.exception');
      const id = d?.id ?? '?';
      this.counters.exceptions.set(id, (this.counters.exceptions.get(id) ?? 0) + 1);
    }
  }

  /** Times out fragment trains as capture time moves on (called from the flow sweep). */
  expire(now: number, pkt: Packet): void {
    this.current = pkt;
    this.frag4.expire(now, this.raiseCurrent);
    this.frag6.expire(now, this.raiseCurrent);
  }
}

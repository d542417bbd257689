// What analyzers receive from the pipeline. They keep their state in memory and emit changes; they
// never import the store (architecture.md) and take time only from packets (rule 6).
import type { AnomalyId } from '../decode/anomalies.js';
import type { Packet } from '../decode/packet.js';
import type { Direction, Pdu } from '../decode/types.js';
import type { Flow } from '../flows/flow.js';
import type { PacketBatch } from '../sources/source.js';

export interface Analyzer {
  readonly name: string;
  /**
   * A batch of frames, before any of its packets: for work that is cheaper done once over the batch's
   * bytes than once per packet (a native substring search). Its packets' `buf` is `batch.buf`, except
   * those rebuilt from IP fragments.
   */
  batch?(batch: PacketBatch): void;
  /** Every packet after decoding and flow lookup. `pkt` is reused: copy what you keep. */
  packet?(pkt: Packet, flow: Flow | null, dir: Direction): void;
  /** Every application PDU; `flow` is null for link-layer protocols (LLDP, PROFINET DCP, GOOSE). */
  pdu?(pdu: Pdu, flow: Flow | null, dir: Direction, ts: number): void;
  /** An application dissector's anomaly on a flow (or at layer 2, flow null): malformed input is data. */
  anomaly?(id: AnomalyId, flow: Flow | null, dir: Direction, ts: number): void;
  flowStart?(flow: Flow): void;
  flowEnd?(flow: Flow): void;
  /** The input ended (end of capture, or the daemon stopping). */
  finish?(): void;
}

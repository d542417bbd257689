// Frames one direction of a reassembled TCP stream into PDUs for a stream dissector (architecture
// rule 3: frame first, decode inside the frame). A PDU split across segments waits in a bounded carry
// buffer; an invalid length or a gap puts the direction into resync, where bytes are skipped until a
// PDU boundary is recognised again (by the dissector's probe, or a valid frame at a segment start).
import type { AnomalyId } from '../decode/anomalies.js';
import type { Direction, PduSink, StreamDissector } from '../decode/types.js';
import type { StreamReceiver } from './tcp-stream.js';
import { decodeApp } from '../decode/reader.js';

export class StreamFramer implements StreamReceiver {
  private carry: Buffer | null = null;
  private resync = false;
  /** set when the dissector threw: it is off for this flow */
  disabled = false;

  constructor(
    private readonly dissector: StreamDissector<unknown>,
    private readonly dir: Direction,
    private readonly state: unknown,
    private readonly out: PduSink,
    private readonly onException: (err: unknown) => void,
  ) {}

  data(bytes: Buffer, _ts: number): void {
    if (this.disabled) return;
    const d = this.dissector;
    if (this.resync) {
      const ok = d.probe ? d.probe(bytes, this.dir) === 'yes' : d.frame(bytes, this.dir) > 0;
      if (!ok) return; // still out of step: skip this segment
      this.resync = false;
    }
    const buf = this.carry ? Buffer.concat([this.carry, bytes]) : bytes;
    this.carry = null;
    let pos = 0;
    try {
      while (pos < buf.length) {
        const rest = pos === 0 ? buf : buf.subarray(pos);
        const n = d.frame(rest, this.dir);
        if (n === 0) break;
        if (n < 0 || n > d.maxPdu) return this.lose('stream.desync');
        if (n > rest.length) break;
        decodeApp(d, n === rest.length ? rest : rest.subarray(0, n), this.dir, this.state, this.out); // one PDU per segment: no new view
        pos += n;
      }
    } catch (err) {
      this.disabled = true;
      this.onException(err);
      return;
    }
    if (pos < buf.length) {
      if (buf.length - pos > d.maxPdu) return this.lose('stream.desync');
      this.carry = Buffer.from(buf.subarray(pos)); // the batch buffer is not ours to keep
    }
  }

  gap(_missing: number): void {
    this.carry = null;
    this.resync = true;
  }

  private lose(id: AnomalyId): void {
    this.out.anomaly(id);
    this.carry = null;
    this.resync = true;
  }
}

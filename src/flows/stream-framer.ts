// Frames one direction of a reassembled TCP stream into PDUs for a stream dissector (architecture
// rule 3: frame first, decode inside the frame). A PDU split across segments waits in a bounded carry
// buffer; an invalid length or a gap puts the direction into resync, where bytes are skipped until a
// PDU boundary is recognised again (by the dissector's probe, or a valid frame at a segment start).
import type { AnomalyId } from '../decode/anomalies.js';
import type { Direction, PduSink, StreamDissector } from '../decode/types.js';
import type { StreamReceiver } from './tcp-stream.js';
import { decodeApp } from '../decode/reader.js';

/** What a framer needs of the flow's application: shared by both directions' framers. */
export interface FramedApp {
  readonly dissector: StreamDissector<unknown>;
  readonly state: unknown;
  /** set when the dissector threw: it is off for this flow, both directions */
  disabled: boolean;
}

export class StreamFramer implements StreamReceiver {
  private carry: Buffer | null = null;
  private resync = false;

  /** `onException` is told when the dissector throws anything but Truncated (a bug): it disables the app. */
  constructor(
    private readonly app: FramedApp,
    private readonly dir: Direction,
    private readonly out: PduSink,
    private readonly onException: (app: FramedApp) => void,
  ) {}

  data(bytes: Buffer, _ts: number): void {
    const app = this.app;
    if (app.disabled) return;
    const d = app.dissector;
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
        // the dissector may know why it refused: its own id says more than stream.desync
        if (n < 0) return this.lose(d.refusal?.(rest, this.dir) ?? 'stream.desync');
        if (n > d.maxPdu) return this.lose('stream.desync');
        if (n > rest.length) break;
        decodeApp(d, n === rest.length ? rest : rest.subarray(0, n), this.dir, app.state, this.out); // one PDU per segment: no new view
        pos += n;
      }
    } catch {
      app.disabled = true;
      this.onException(app);
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

// One direction of a TCP connection, reassembled into in-order bytes (RFC 9293 §3.4 sequence space,
// mod 2^32). Survives retransmission (already-delivered bytes are trimmed), reordering (segments
// ahead of the next expected byte are held, bounded), gaps (reported, then the stream goes on after
// the hole) and mid-stream starts (the first byte seen is the start).
import type { AnomalyId } from '../decode/anomalies.js';

export interface StreamReceiver {
  /** in-order bytes; a view valid only during the call */
  data(bytes: Buffer, ts: number): void;
  /** `missing` bytes (when known, else -1) will never arrive */
  gap(missing: number): void;
}

interface Held { seq: number; data: Buffer; ts: number }

export const MAX_HELD_BYTES = 256 * 1024;
export const MAX_HELD_SEGMENTS = 256;

export class TcpStream {
  /** next expected sequence number; -1 until the first segment */
  next = -1;
  /** segments ahead of a hole, in sequence order; made on the first one (most streams never need it) */
  private held: Held[] | null = null;
  private heldBytes = 0;
  finished = false;

  /** `isn`: the direction's SYN sequence number when the handshake was already seen, else -1. */
  constructor(private readonly receiver: StreamReceiver, private readonly raise: (id: AnomalyId) => void, isn = -1) {
    if (isn >= 0) this.next = (isn + 1) >>> 0;
  }

  /** A segment of this direction. `data` may be a view; it is copied only when held for reordering. */
  segment(seq: number, syn: boolean, fin: boolean, data: Buffer, ts: number): void {
    if (syn) {
      if (this.next < 0) this.next = (seq + 1) >>> 0;
      seq = (seq + 1) >>> 0; // data on a SYN starts after it
    } else if (this.next < 0) {
      this.next = seq; // mid-stream start
    }
    if (data.length > 0) this.accept(seq, data, ts);
    if (fin) this.finished = true;
  }

  /** The other side acknowledged `ack`: bytes of ours before it that we never saw are lost from the capture. */
  acked(ack: number): void {
    if (this.next < 0 || this.held === null || this.held.length === 0) return;
    if (diff(ack, this.next) > 0) this.skipToHeld();
  }

  /** The connection ended: whatever is held goes out behind a gap. */
  flush(): void {
    while (this.held !== null && this.held.length > 0) this.skipToHeld();
  }

  private accept(seq: number, data: Buffer, ts: number): void {
    const d = diff(seq, this.next);
    if (d <= 0) {
      if (d + data.length <= 0) {
        this.raise('tcp.retransmission');
        return;
      }
      if (d < 0) this.raise('tcp.retransmission'); // partly old: deliver only the new tail
      this.deliver(d === 0 ? data : data.subarray(-d), ts); // the common in-order case makes no new view
      this.drain();
      return;
    }
    // Ahead of a hole: hold it, in sequence order.
    const held = this.held ??= [];
    if (this.heldBytes + data.length > MAX_HELD_BYTES || held.length >= MAX_HELD_SEGMENTS) {
      this.raise('tcp.reassembly_overflow');
      this.skipToHeld();
      if (held.length === 0) { // nothing held: jump straight to this segment
        this.receiver.gap(diff(seq, this.next));
        this.next = seq;
        this.deliver(data, ts);
        return;
      }
      this.accept(seq, data, ts);
      return;
    }
    this.raise('tcp.out_of_order');
    let i = held.length;
    while (i > 0 && diff(held[i - 1]!.seq, seq) > 0) i--;
    held.splice(i, 0, { seq, data: Buffer.from(data), ts });
    this.heldBytes += data.length;
  }

  private deliver(bytes: Buffer, ts: number): void {
    this.next = (this.next + bytes.length) >>> 0;
    this.receiver.data(bytes, ts);
  }

  private drain(): void {
    const held = this.held;
    if (held === null) return;
    while (held.length > 0) {
      const h = held[0]!;
      const d = diff(h.seq, this.next);
      if (d > 0) return;
      held.shift();
      this.heldBytes -= h.data.length;
      if (d + h.data.length > 0) this.deliver(h.data.subarray(-d), h.ts);
      else this.raise('tcp.retransmission');
    }
  }

  /** Declares the hole before the first held segment lost and delivers what follows it. */
  private skipToHeld(): void {
    const h = this.held?.[0];
    if (!h) return;
    this.raise('tcp.gap');
    this.receiver.gap(diff(h.seq, this.next));
    this.next = h.seq;
    this.drain();
  }
}

/** a - b in sequence space, as a signed 32-bit number. */
function diff(a: number, b: number): number {
  return (a - b) | 0;
}

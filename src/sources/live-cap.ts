// Live capture in-process through the optional `cap` binding (mscdex/cap 0.2.1, libpcap; API and
// limits in dependencies-measured.md §1.3). cap hands each packet over by overwriting one shared
// buffer and emitting ('packet', nbytes, truncated): no timestamp, no wire length, no pcap_stats. So
// packets are copied synchronously into PacketBatch buffers, stamped with the wall clock, and
// `dropped` stays null. Nor does cap report read errors: if the interface goes away, packets just
// stop coming. The module is loaded lazily: it is a native optional dependency that may be
// absent (no libpcap-dev at install time), and then live.ts falls back to tcpdump.
import { createRequire } from 'node:module';
import { LINKTYPE, type CaptureError, type CaptureInfo, type PacketBatch, type PacketSource } from './source.js';

/** The parts of cap's native Cap object used here (cap ships no types). */
interface CapHandle {
  /** returns the link type as a string ('ETHERNET', 'LINKTYPE_LINUX_SLL', ... or 'Unknown linktype N') */
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  close(): boolean;
  on(event: 'packet', listener: (nbytes: number, truncated: boolean) => void): unknown;
}
interface CapModule { Cap: new () => CapHandle }

let capModule: CapModule | null | undefined;
let capLoadError = '';

/** cap, or null when it is not installed or its addon (or libpcap.so) cannot be loaded. */
export function loadCap(): CapModule | null {
  if (capModule === undefined) {
    try {
      capModule = createRequire(import.meta.url)('cap') as CapModule;
    } catch (err) {
      capModule = null;
      capLoadError = (err as Error).message.split('\n')[0] ?? String(err);
    }
  }
  return capModule;
}

/** Why loadCap() returned null. */
export function capUnavailableReason(): string {
  return capLoadError;
}

// Batches of at most 1 MiB / 4096 packets keep per-batch overhead low at high rates; the 50 ms
// timer bounds how long a packet waits in a half-full batch when traffic is sparse.
const BATCH_BYTES = 1 << 20;
const BATCH_PACKETS = 4096;
const FLUSH_MS = 50;
// cap fixes snaplen at 65535; a frame buffer that large means cap itself never truncates.
const FRAME_BYTES = 65535;
// Kernel ring size. cap turns on immediate mode, so libpcap uses a TPACKET_V2 ring of fixed-size
// slots, and when the interface has segmentation offloads on (veths and most NICs do) each slot is
// sized for the 65535-byte snaplen: measured here, 64 MiB held only 1,023 packets, i.e. 20 ms at
// 50k packets/s, and a GC or JIT pause in the sensor lost packets in half the runs. 256 MiB (4,092
// slots) lost none. With offloads off (ethtool -K IF tso off gso off gro off) slots are MTU-sized
// and 16 MiB already holds ~10k packets.
const KERNEL_BUFFER_BYTES = 256 * 1024 * 1024;

// The strings cap's binding.cc returns from open(); anything else comes as "Unknown linktype N",
// where N is libpcap's DLT value (equal to the LINKTYPE value for 0-10 and for 104 and up).
const LINK_TYPES: Record<string, number> = {
  NULL: LINKTYPE.NULL,
  ETHERNET: LINKTYPE.ETHERNET,
  RAW: LINKTYPE.RAW,
  LINKTYPE_LINUX_SLL: LINKTYPE.LINUX_SLL,
  IEEE802_11_RADIO: 127,
};

export function capLinkType(name: string): number | null {
  if (Object.hasOwn(LINK_TYPES, name)) return LINK_TYPES[name]!;
  const m = /^Unknown linktype (\d+)$/.exec(name);
  const dlt = m ? Number(m[1]) : NaN;
  return dlt <= 10 || dlt >= 104 ? dlt : null;
}

export interface CapOptions {
  /** kernel capture buffer in bytes (like tcpdump -B); 256 MiB by default */
  bufferBytes?: number;
  /** called once the interface is open and filtered: packets from now on are captured */
  onListening?: (linkType: string) => void;
}

export class CapSource implements PacketSource {
  readonly info: CaptureInfo = { format: 'live', linkTypes: [], gzip: false };
  error: CaptureError | null = null;
  /** cap does not expose pcap_stats(), so kernel drops cannot be known. */
  readonly dropped: number | null = null;
  packets = 0;

  private cap: CapHandle | null = null;
  private closed = false;
  private readonly frame = Buffer.alloc(FRAME_BYTES);
  private readonly queue: PacketBatch[] = [];
  private wake: (() => void) | null = null;
  private linkType: number = LINKTYPE.ETHERNET;
  // The batch being filled: packets [0, n) at offsets into buf; later batches continue in the same
  // buffer (disjoint ranges), so a sparse link does not allocate 1 MiB per flush.
  private buf = Buffer.allocUnsafe(BATCH_BYTES);
  private pos = 0;
  private n = 0;
  private readonly off = new Int32Array(BATCH_PACKETS);
  private readonly len = new Int32Array(BATCH_PACKETS);
  private readonly ts = new Float64Array(BATCH_PACKETS);
  private timer: NodeJS.Timeout | null = null;
  // Wall clock in µs: cap gives no kernel timestamp, so packets are stamped when JavaScript sees
  // them. performance.now() adds sub-millisecond resolution to Date.now(); the anchor is refreshed
  // each second so the monotonic clock cannot drift from the wall clock, and stamps never go back.
  private anchorMs = Date.now() - performance.now();
  private anchoredAt = performance.now();
  private lastTs = 0;

  constructor(readonly iface: string, private readonly bpf: string | null, private readonly opts: CapOptions = {}) {}

  get name(): string {
    return `interface:${this.iface}`;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<PacketBatch> {
    if (this.closed || !this.open()) return;
    try {
      for (;;) {
        const batch = this.queue.shift();
        if (batch) {
          this.packets += batch.count;
          yield batch;
        } else if (this.closed) {
          break;
        } else {
          await new Promise<void>((resolve) => { this.wake = resolve; });
        }
      }
    } finally {
      this.stop();
    }
  }

  /** Stops the capture; the iteration then ends after the packets already copied. */
  async close(): Promise<void> {
    this.stop();
  }

  private open(): boolean {
    const mod = loadCap();
    if (!mod) return this.fail(`the cap module is not available: ${capUnavailableReason()}`);
    const cap = new mod.Cap();
    let name: string;
    try {
      name = cap.open(this.iface, this.bpf ?? '', this.opts.bufferBytes ?? KERNEL_BUFFER_BYTES, this.frame);
    } catch (err) {
      return this.fail(`cap could not open ${this.iface}: ${(err as Error).message}`);
    }
    const linkType = capLinkType(name);
    if (linkType === null) {
      cap.close();
      return this.fail(`cap opened ${this.iface} with a link type it cannot name: ${name}`);
    }
    this.cap = cap;
    this.linkType = linkType;
    this.info.linkTypes = [linkType];
    // The copy must happen inside the event: the next packet overwrites the shared frame buffer.
    cap.on('packet', (nbytes) => this.take(nbytes));
    this.opts.onListening?.(`${name} (${linkType})`);
    return true;
  }

  private take(nbytes: number): void {
    if (this.pos + nbytes > this.buf.length) {
      this.flush();
      this.buf = Buffer.allocUnsafe(BATCH_BYTES);
      this.pos = 0;
    }
    this.frame.copy(this.buf, this.pos, 0, nbytes);
    const i = this.n++;
    this.off[i] = this.pos;
    this.len[i] = nbytes;
    this.ts[i] = this.now();
    this.pos += nbytes;
    if (this.n === BATCH_PACKETS) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.flush(); }, FLUSH_MS);
  }

  private flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const n = this.n;
    if (n === 0) return;
    this.queue.push({
      buf: this.buf, count: n, off: this.off.slice(0, n), len: this.len.slice(0, n),
      // cap passes no wire length: it equals the captured length unless libpcap cut a frame at
      // cap's fixed snaplen of 65535 (only GRO/TSO super-frames are that long).
      origLen: this.len.slice(0, n),
      ts: this.ts.slice(0, n), linkType: new Int32Array(n).fill(this.linkType),
    });
    this.n = 0;
    this.wakeReader();
  }

  private now(): number {
    const t = performance.now();
    if (t - this.anchoredAt > 1000) { this.anchorMs = Date.now() - t; this.anchoredAt = t; }
    this.lastTs = Math.max(this.lastTs, Math.round((this.anchorMs + t) * 1000));
    return this.lastTs;
  }

  private stop(): void {
    if (this.cap) { this.cap.close(); this.cap = null; }
    this.flush();
    this.closed = true;
    this.wakeReader();
  }

  private wakeReader(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private fail(reason: string): false {
    this.closed = true;
    this.error = { file: this.name, offset: 0, kind: 'unreadable', reason };
    return false;
  }
}

// Runs capture files through a sensor: merged in timestamp order, paced, optionally looped, with
// per-file accounting, progress for a progress bar or /healthz, and the final report.
import type { IngestStats, Sensor } from './sensor.js';
import { FileSource } from './sources/file-source.js';
import { mergeByTime } from './sources/merge.js';
import { paced, type Speed } from './sources/pacing.js';
import type { CaptureError, PacketSource } from './sources/source.js';

export interface IngestOptions {
  /** capture files, merged in timestamp order */
  files?: string[];
  /** a live source instead of files (played once; pacing and loops do not apply) */
  live?: { name: string; open: () => Promise<PacketSource> };
  speed?: Speed;
  /** how many times to play the files; Infinity = until stopped */
  loops?: number;
  signal?: AbortSignal;
  chunkSize?: number;
}

export interface FileReport {
  path: string;
  format: string | null;
  gzip: boolean;
  linkTypes: number[];
  packets: number;
  bytes: number;
  /** live capture: packets the kernel or library dropped (null when unknown or for files) */
  dropped: number | null;
  error: { offset: number; reason: string; kind: CaptureError['kind'] } | null;
}

export interface IngestReport extends Omit<IngestStats, 'packets' | 'bytes'> {
  files: FileReport[];
  totals: { packets: number; bytes: number; seconds: number; packetsPerSecond: number; loops: number };
}

export interface IngestProgress {
  state: 'idle' | 'running' | 'done' | 'stopped';
  packets: number;
  bytes: number;
  /** share of the input read, 0..1, when it can be known (not when looping forever) */
  fraction: number | null;
  seconds: number;
  packetsPerSecond: number;
  etaSeconds: number | null;
  /** live capture: packets dropped so far by the kernel or capture library (null when unknown) */
  dropped: number | null;
}

export class Ingest {
  state: IngestProgress['state'] = 'idle';
  private readonly files: FileReport[];
  private sources: PacketSource[] = [];
  private started = 0;
  private finished = 0;
  private packets = 0;
  private bytes = 0;
  private loopsDone = 0;
  private readonly loops: number;

  constructor(private readonly sensor: Sensor, private readonly opts: IngestOptions) {
    const names = opts.live ? [opts.live.name] : opts.files ?? [];
    this.files = names.map((path) => ({ path, format: null, gzip: false, linkTypes: [], packets: 0, bytes: 0, dropped: null, error: null }));
    this.loops = opts.live ? 1 : opts.loops ?? 1;
  }

  /** Reads everything (or until aborted), then ends the sensor's flows. */
  async run(): Promise<IngestReport> {
    this.state = 'running';
    this.started = performance.now();
    let shift = 0;
    for (let loop = 0; loop < this.loops && !this.opts.signal?.aborted; loop++) {
      this.sources = this.opts.live ? [await this.opts.live.open()] : (this.opts.files ?? []).map((f) => new FileSource(f, this.opts.chunkSize));
      const stopLive = () => { void this.sources[0]?.close(); };
      if (this.opts.live) this.opts.signal?.addEventListener('abort', stopLive, { once: true });
      let first = NaN, last = NaN;
      const speed = this.opts.live ? 'max' : this.opts.speed ?? 'max';
      for await (const { batch, source } of paced(mergeByTime(this.sources), speed, this.opts.signal)) {
        const ts = batch.ts;
        if (Number.isNaN(first)) first = ts[0]!;
        if (shift !== 0) for (let i = 0; i < batch.count; i++) ts[i]! += shift;
        let bytes = 0;
        for (let i = 0; i < batch.count; i++) bytes += batch.origLen[i]!;
        const f = this.files[source]!;
        f.packets += batch.count;
        f.bytes += bytes;
        this.packets += batch.count;
        this.bytes += bytes;
        last = ts[batch.count - 1]! - shift;
        this.sensor.ingest(batch);
        if (this.opts.signal?.aborted) break;
      }
      this.sources.forEach((s, i) => this.recordSource(s, i));
      this.loopsDone++;
      // Each pass comes after the previous one in capture time, so time never runs backwards.
      if (!Number.isNaN(first)) shift += last - first + 1e6;
      if (this.packets === 0) break; // nothing readable: looping would spin
    }
    this.sensor.finish();
    this.finished = performance.now();
    this.state = this.opts.signal?.aborted ? 'stopped' : 'done';
    return this.report();
  }

  progress(): IngestProgress {
    const seconds = ((this.finished || performance.now()) - this.started) / 1000;
    const files = this.sources.filter((s): s is FileSource => s instanceof FileSource);
    const read = files.reduce((n, s) => n + s.fileBytesRead, 0);
    const size = files.reduce((n, s) => n + s.fileSize, 0);
    let fraction: number | null = null;
    if (Number.isFinite(this.loops) && size > 0) fraction = Math.min(1, (this.loopsDone + read / size) / this.loops);
    if (this.state === 'done') fraction = 1;
    const rate = seconds > 0 ? this.packets / seconds : 0;
    const eta = fraction !== null && fraction > 0 && this.state === 'running' ? (seconds / fraction) * (1 - fraction) : null;
    const drops = this.sources.map((s) => s.dropped);
    const dropped = drops.some((d) => d !== null) ? drops.reduce<number>((n, d) => n + (d ?? 0), 0) : null;
    return { state: this.state, packets: this.packets, bytes: this.bytes, fraction, seconds, packetsPerSecond: rate, etaSeconds: eta, dropped };
  }

  report(): IngestReport {
    const { packets: _p, bytes: _b, ...stats } = this.sensor.stats();
    const seconds = ((this.finished || performance.now()) - this.started) / 1000;
    return {
      files: this.files,
      totals: { packets: this.packets, bytes: this.bytes, seconds, packetsPerSecond: seconds > 0 ? this.packets / seconds : 0, loops: this.loopsDone },
      ...stats,
    };
  }

  /** True when some file could not be read at all. */
  get anyUnreadable(): boolean {
    return this.files.some((f) => f.error?.kind === 'unreadable');
  }

  private recordSource(s: PacketSource, i: number): void {
    const f = this.files[i]!;
    f.dropped = s.dropped;
    f.format = s.error?.kind === 'unreadable' ? null : s.info.format;
    f.gzip = s.info.gzip;
    f.linkTypes = s.info.linkTypes;
    if (s.error && !f.error) {
      f.error = { offset: s.error.offset, reason: s.error.reason, kind: s.error.kind };
      if (s.error.kind !== 'unreadable' && s.info.format !== 'live') this.sensor.countAnomaly(s.error.kind === 'truncated' ? 'capture.truncated' : 'capture.corrupt');
    }
  }
}

// `otsensor replay` and the ingest it runs: the report, exit status, damaged inputs, several files
// in timestamp order, looping, pacing, and the record left in the data dir.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import { Ingest } from '../src/ingest.js';
import { createSensor } from '../src/pipeline.js';
import { FileSource } from '../src/sources/file-source.js';
import { httpsRequest, removeTempDirs, ROOT, runCli, sleep, spawnDaemon, stopDaemon, tempDir } from './support/env.js';

afterAll(removeTempDirs);

const P = (name: string) => join(ROOT, 'pcaps', name);

/** A minimal µs little-endian pcap from (tsUs, frame) pairs. */
function writePcap(path: string, packets: Array<[number, Buffer]>): void {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0); head.writeUInt16LE(2, 4); head.writeUInt16LE(4, 6);
  head.writeUInt32LE(262144, 16); head.writeUInt32LE(1, 20);
  const parts: Buffer[] = [head];
  for (const [ts, frame] of packets) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(Math.floor(ts / 1e6), 0); h.writeUInt32LE(ts % 1e6, 4); h.writeUInt32LE(frame.length, 8); h.writeUInt32LE(frame.length, 12);
    parts.push(h, frame);
  }
  writeFileSync(path, Buffer.concat(parts));
}

async function packetsOf(path: string): Promise<Array<[number, Buffer]>> {
  const out: Array<[number, Buffer]> = [];
  for await (const b of new FileSource(path)) {
    for (let i = 0; i < b.count; i++) out.push([b.ts[i]!, Buffer.from(b.buf.subarray(b.off[i]!, b.off[i]! + b.len[i]!))]);
  }
  return out;
}

function timeline(): Analyzer & { ts: number[] } {
  const a = { name: 'timeline', ts: [] as number[], packet: (p: { ts: number }) => { a.ts.push(p.ts); } };
  return a as Analyzer & { ts: number[] };
}

describe('otsensor replay', () => {
  it('--json reports files, totals, protocols and anomalies, and records the run', async () => {
    const dataDir = tempDir();
    const r = await runCli(['replay', '--json', P('format/pcap-us-le.pcap'), P('decode/malformed-l3l4.pcap')], { dataDir });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.files).toEqual([
      expect.objectContaining({ path: P('format/pcap-us-le.pcap'), packets: 20, bytes: 2539, error: null }),
      expect.objectContaining({ path: P('decode/malformed-l3l4.pcap'), packets: 12, error: null }),
    ]);
    expect(report.totals).toMatchObject({ packets: 32, bytes: expect.any(Number), seconds: expect.any(Number) });
    expect(report.protocols).toMatchObject({ eth: 31, arp: 2 });
    expect(report.anomalies).toEqual({ 'eth.truncated': 1, 'arp.truncated': 1, 'ipv4.bad_ihl': 1, 'ipv4.total_length_exceeds_frame': 1,
      'ipv6.payload_length_exceeds_frame': 1, 'tcp.truncated': 1, 'tcp.bad_data_offset': 2, 'udp.bad_length': 2,
      'stream.desync': 1 }); // malformed-l3l4 frame 12 sends the text "valid tcp" to port 502: not Modbus
    expect(report.skipped).toEqual({ 'eth.truncated': 1 });
    const db = new Database(join(dataDir, 'sensor.db'), { readonly: true });
    const run = db.prepare('SELECT kind, packets, sources, finished FROM ingest_runs').get() as Record<string, unknown>;
    db.close();
    expect(run).toMatchObject({ kind: 'replay', packets: 32 });
    expect(run.finished).toBeTypeOf('number');
  });

  it('reads a damaged file up to the damage, says where, and exits 0', async () => {
    const r = await runCli(['replay', P('damaged/truncated-record.pcap')], { dataDir: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/truncated-record\.pcap: \d+ packets, \d+ bytes \(pcap\) - read up to the damage: at byte \d+: the file ends inside packet \d+/);
    expect(r.stdout).toMatch(/anomalies: .*capture\.truncated 1/);
  });

  it('exits 1 when a file cannot be read at all, after reading the others', async () => {
    const r = await runCli(['replay', '--json', P('damaged/not-a-capture.pcap'), '/nonexistent/x.pcap', P('format/pcap-us-le.pcap')], { dataDir: tempDir() });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.files[0].error).toMatchObject({ kind: 'unreadable', offset: 0, reason: expect.stringMatching(/not a pcap or pcapng/) });
    expect(report.files[1].error).toMatchObject({ kind: 'unreadable', reason: expect.stringMatching(/cannot open: ENOENT/) });
    expect(report.files[2]).toMatchObject({ packets: 20, error: null });
  });

  it('refuses a bad speed or loop count', async () => {
    const r = await runCli(['replay', '--speed', 'fast', P('format/pcap-us-le.pcap')], { dataDir: tempDir() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/invalid speed 'fast'/);
    expect((await runCli(['replay', '--loop', '0', P('format/pcap-us-le.pcap')], { dataDir: tempDir() })).code).toBe(1);
  });

  it('shows a progress bar on a terminal, and none when output is not one', async () => {
    const dataDir = tempDir();
    // `script` gives the command a real terminal; its transcript is what a user would see.
    const cmd = `${process.execPath} ${join(ROOT, 'dist', 'cli.js')} replay --data-dir ${dataDir} ${P('demo/plant-demo.pcapng')}`;
    const { execFileSync } = await import('node:child_process');
    const onTty = execFileSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8' });
    expect(onTty).toMatch(/\[#+\.*\]\s+100% .*packets .*B .*packets\/s/);
    expect(onTty).toMatch(/plant-demo\.pcapng: \d+ packets/);
    const piped = await runCli(['replay', P('demo/plant-demo.pcapng')], { dataDir });
    expect(piped.stderr).not.toMatch(/packets\/s/);
  });

  it('a cut gzip file yields the packets before the cut and a truncation error', async () => {
    const dir = tempDir();
    const gz = readFileSync(P('format/pcap-us-le.pcap.gz'));
    const cut = join(dir, 'cut.pcap.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.6)));
    const src = new FileSource(cut);
    let n = 0;
    for await (const b of src) n += b.count;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(20);
    expect(src.error).toMatchObject({ kind: 'truncated', reason: expect.stringMatching(/gzip stream is damaged/) });
  });
});

describe('ingest', () => {
  it('merges several files in timestamp order', async () => {
    const dir = tempDir();
    const all = await packetsOf(P('tcp/in-order.pcap'));
    writePcap(join(dir, 'even.pcap'), all.filter((_, i) => i % 2 === 0));
    writePcap(join(dir, 'odd.pcap'), all.filter((_, i) => i % 2 === 1));
    const t = timeline();
    const report = await new Ingest(createSensor([t]), { files: [join(dir, 'odd.pcap'), join(dir, 'even.pcap')] }).run();
    expect(t.ts).toEqual(all.map(([ts]) => ts));
    expect(report.files.map((f) => f.packets)).toEqual([Math.floor(all.length / 2), Math.ceil(all.length / 2)]);
  });

  it('loops with time moving forward, so a looped replay never goes back in capture time', async () => {
    const t = timeline();
    const report = await new Ingest(createSensor([t]), { files: [P('format/pcap-us-le.pcap')], loops: 3 }).run();
    expect(report.totals.packets).toBe(60);
    expect(report.totals.loops).toBe(3);
    for (let i = 1; i < t.ts.length; i++) expect(t.ts[i]!).toBeGreaterThanOrEqual(t.ts[i - 1]!);
  });

  it('paces in real time and at a speed factor without changing the result', async () => {
    const dir = tempDir();
    // 11 packets 50 ms apart: a 0.5 s capture
    const frame = (await packetsOf(P('format/pcap-us-le.pcap')))[0]![1];
    writePcap(join(dir, 'slow.pcap'), Array.from({ length: 11 }, (_, i) => [1_700_000_000_000_000 + i * 50_000, frame]));
    const t0 = performance.now();
    const real = await new Ingest(createSensor(), { files: [join(dir, 'slow.pcap')], speed: 1 }).run();
    const realMs = performance.now() - t0;
    const t1 = performance.now();
    const fast = await new Ingest(createSensor(), { files: [join(dir, 'slow.pcap')], speed: 10 }).run();
    const fastMs = performance.now() - t1;
    expect(realMs).toBeGreaterThanOrEqual(450); // cannot be faster than the capture
    expect(fastMs).toBeGreaterThanOrEqual(45);
    expect(fastMs).toBeLessThan(realMs);
    const { totals: _a, ...realRest } = real;
    const { totals: _b, ...fastRest } = fast;
    expect(fastRest).toEqual(realRest);
  });

  it('stops a looping replay when aborted and still reports', async () => {
    const abort = new AbortController();
    const ingest = new Ingest(createSensor(), { files: [P('format/pcap-us-le.pcap')], loops: Infinity, signal: abort.signal });
    const done = ingest.run();
    await sleep(100);
    abort.abort();
    const report = await done;
    expect(report.totals.loops).toBeGreaterThan(1);
    expect(ingest.state).toBe('stopped');
  });
});

/** Polls /healthz until the daemon's ingest is done (5 s at most); returns the last answer. */
async function ingestFinished(url: string, dataDir: string): Promise<any> {
  let health: any;
  for (let i = 0; i < 100; i++) {
    health = (await httpsRequest(`${url}/healthz`, { dataDir })).body;
    if (health.ingest.state === 'done') break;
    await sleep(50);
  }
  return health;
}

describe('otsensor run --replay', () => {
  it('ingests while serving and shows progress on /healthz', async () => {
    const dataDir = tempDir();
    const d = await spawnDaemon(dataDir, ['--replay', P('tcp/many-flows.pcap')]);
    try {
      const health = await ingestFinished(d.url, dataDir);
      expect(health.ingest).toMatchObject({ state: 'done', sources: [P('tcp/many-flows.pcap')], fraction: 1, error: null });
      const expected = JSON.parse(readFileSync(P('EXPECTED.json'), 'utf8')).files['tcp/many-flows.pcap'];
      expect(health.ingest.packets).toBe(expected.packets);
      expect(health.ingest.flows.created).toBeGreaterThan(200);
    } finally {
      await stopDaemon(d);
    }
  });

  it('replays the bundled demo capture when given nothing else', async () => {
    const dataDir = tempDir();
    const d = await spawnDaemon(dataDir);
    try {
      const health = await ingestFinished(d.url, dataDir);
      expect(health.ingest.sources[0]).toMatch(/pcaps\/demo\/plant-demo\.pcapng$/);
      expect(health.ingest.state).toBe('done');
      expect(health.ingest.packets).toBeGreaterThan(1000);
      expect(health.ingest.error).toBeNull();
    } finally {
      await stopDaemon(d);
    }
  });
});

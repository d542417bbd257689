// The flow table past its first bucket array: IPv4 flows are filed in buckets indexed by their hash,
// and the buckets double when flows outnumber them (4,096 at first). Every flow must be found again
// after a doubling, from both directions, and ended flows must leave no trace behind.
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import type { Flow } from '../src/flows/flow.js';
import { createSensor } from '../src/pipeline.js';
import type { PacketBatch } from '../src/sources/source.js';

/** Ethernet + IPv4 + UDP frame of 8 payload bytes, from 10.a.b.c:sport to 10.200.0.1:dport. */
function udp(srcHost: number, sport: number, dport: number, reply: boolean): Buffer {
  const f = Buffer.alloc(14 + 20 + 8 + 8);
  f.writeUInt16BE(0x0800, 12);
  f[14] = 0x45;
  f.writeUInt16BE(36, 16);
  f[22] = 64;
  f[23] = 17;
  const client = (10 << 24) | srcHost, server = (10 << 24) | (200 << 16) | 1;
  f.writeUInt32BE((reply ? server : client) >>> 0, 26);
  f.writeUInt32BE((reply ? client : server) >>> 0, 30);
  f.writeUInt16BE(reply ? dport : sport, 34);
  f.writeUInt16BE(reply ? sport : dport, 36);
  f.writeUInt16BE(16, 38);
  return f;
}

function batch(frames: Buffer[], t0: number): PacketBatch {
  const buf = Buffer.concat(frames);
  const off = new Int32Array(frames.length), len = new Int32Array(frames.length);
  let o = 0;
  frames.forEach((f, i) => { off[i] = o; len[i] = f.length; o += f.length; });
  return { buf, count: frames.length, off, len, origLen: len.slice(), ts: Float64Array.from(frames, (_, i) => t0 + i), linkType: new Int32Array(frames.length).fill(1) };
}

describe('flow table buckets', () => {
  it('20,000 concurrent flows: each created once, found again from both sides after the buckets grew, ended once', () => {
    const started: Flow[] = [];
    const ended = new Set<Flow>();
    const seen = new Map<Flow, number>();
    const a: Analyzer = {
      name: 't',
      flowStart: (f) => { started.push(f); },
      flowEnd: (f) => { expect(ended.has(f)).toBe(false); ended.add(f); },
      packet: (_pkt, flow, dir) => { if (flow) seen.set(flow, (seen.get(flow) ?? 0) | (1 << dir)); },
    };
    const sensor = createSensor([a]);
    const N = 20_000;
    // each flow: client host i (10.0.x.y), an ephemeral port, to the same server port 9 (below 1024: the
    // server side whatever the ephemeral port is bound to)
    const req = Array.from({ length: N }, (_, i) => udp(i + 1, 20_000 + (i % 20_000), 9, false));
    const rep = Array.from({ length: N }, (_, i) => udp(i + 1, 20_000 + (i % 20_000), 9, true));
    sensor.ingest(batch(req, 1.7e15));
    sensor.ingest(batch(rep, 1.7e15 + N)); // all still open: within the UDP timeout
    sensor.ingest(batch(req, 1.7e15 + 2 * N));
    expect(started.length).toBe(N);
    expect(sensor.flows.active).toBe(N);
    for (const f of started) {
      expect(seen.get(f)).toBe(3); // both directions reached the flow its first packet made
      expect(f.packets0).toBe(2);
      expect(f.packets1).toBe(1);
    }
    sensor.finish();
    expect(ended.size).toBe(N);
    expect(sensor.flows.active).toBe(0);
  });

  it('flows that idle out free their buckets: the same 5-tuples later start new flows', () => {
    const started: Flow[] = [];
    const sensor = createSensor([{ name: 't', flowStart: (f) => { started.push(f); } }]);
    const frames = Array.from({ length: 6000 }, (_, i) => udp(i + 1, 30_000, 53, false));
    sensor.ingest(batch(frames, 1.7e15));
    sensor.ingest(batch(frames, 1.7e15 + 120e6)); // two minutes on: past the 60 s UDP timeout
    expect(started.length).toBe(12_000);
    expect(sensor.flows.active).toBe(6000);
    expect(new Set(started.slice(6000)).size).toBe(6000);
    expect(started.slice(6000).every((f, i) => f !== started[i])).toBe(true);
  });
});

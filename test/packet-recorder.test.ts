// PacketRecorder (issue 6, alert PCAPs): real frames go through the real sensor, a stand-in rule
// (an analyzer listed before the recorder, as the detection analyzer will be) starts captures, and
// every captured frame is compared byte for byte with the frame that was sent.
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../src/analyzers/analyzer.js';
import { type CompletedCapture, PacketRecorder, type PacketRecorderOptions } from '../src/analyzers/packet-recorder.js';
import { ipv4Number } from '../src/analyzers/inventory/addresses.js';
import type { Packet } from '../src/decode/packet.js';
import { createSensor } from '../src/pipeline.js';
import type { PacketBatch } from '../src/sources/source.js';
import { arpFrame, type Host, ipv4, IPPROTO, Rng, udpFrame } from './support/frames.js';

const A: Host = { mac: '02:00:00:00:00:0a', ip: '10.0.0.1' };
const B: Host = { mac: '02:00:00:00:00:0b', ip: '10.0.0.2' };
const C: Host = { mac: '02:00:00:00:00:0c', ip: '10.0.0.3' };
const D: Host = { mac: '02:00:00:00:00:0d', ip: '10.0.0.4' };
const T0 = 1_700_000_000_000_000;

interface Sent { data: Buffer; ts: number; linkType: number }

type Layout = 'pcap' | 'reversed' | 'sparse';

/**
 * Frames in batches of `per`, each batch its own buffer. 'pcap' lays them out as a pcap file does (a
 * 16-byte record header before each frame); 'reversed' puts later frames first in the buffer; 'sparse'
 * leaves 300 bytes between frames.
 */
function batches(frames: Sent[], per = 7, layout: Layout = 'pcap'): PacketBatch[] {
  const out: PacketBatch[] = [];
  const gap = layout === 'sparse' ? 300 : 16;
  for (let i = 0; i < frames.length; i += per) {
    const group = frames.slice(i, i + per);
    const buf = Buffer.alloc(group.reduce((n, f) => n + gap + f.data.length, 0), 0xee);
    const n = group.length;
    const b: PacketBatch = { buf, count: n, off: new Int32Array(n), len: new Int32Array(n), origLen: new Int32Array(n), ts: new Float64Array(n), linkType: new Int32Array(n) };
    let o = 0;
    const order = group.map((_, k) => k);
    if (layout === 'reversed') order.reverse();
    for (const k of order) {
      const f = group[k]!;
      o += gap;
      f.data.copy(buf, o);
      b.off[k] = o; b.len[k] = f.data.length; b.origLen[k] = f.data.length; b.ts[k] = f.ts; b.linkType[k] = f.linkType;
      o += f.data.length;
    }
    out.push(b);
  }
  return out;
}

const udp = (from: Host, to: Host, i: number, size = 20): Sent =>
  ({ data: udpFrame(from, to, 40000 + (i % 1000), 9999, Buffer.alloc(size, i & 0xff)), ts: T0 + i * 1000, linkType: 1 });

const DEFAULTS: PacketRecorderOptions = {
  ringPackets: 1024, ringBytes: 1 << 20, beforePackets: 3, afterPackets: 4, afterUs: 60e6,
  maxPacketsPerCapture: 200, maxBytesPerCapture: 1 << 20,
};

type Rule = (pkt: Packet, index: number, rec: PacketRecorder) => void;

/** Runs frames through a real sensor with [rule, recorder]; `rule` sees every packet and its index in `frames`. */
function run(frames: Sent[], opts: Partial<PacketRecorderOptions>, rule: Rule, finish = true, per = 7, layout: Layout = 'pcap') {
  const rec = new PacketRecorder({ ...DEFAULTS, ...opts });
  let index = 0;
  const ruleAnalyzer: Analyzer = { name: 'rule', packet: (pkt) => rule(pkt, index++, rec) };
  const sensor = createSensor([ruleAnalyzer, rec]);
  for (const b of batches(frames, per, layout)) sensor.ingest(b);
  if (finish) sensor.finish();
  return { rec, sensor, done: rec.takeCompleted() };
}

const at = (n: number, fn: (rec: PacketRecorder) => void): Rule => (_pkt, i, rec) => { if (i === n) fn(rec); };
const ip = (h: Host) => ipv4Number(h.ip)!;

/** The indices in `frames` of the captured packets, checking each is byte-identical to the frame sent. */
function indicesOf(cap: CompletedCapture, frames: Sent[]): number[] {
  return cap.packets.map((p) => {
    const i = frames.findIndex((f) => f.ts === p.ts);
    expect(i, `captured ts ${p.ts} was sent`).toBeGreaterThanOrEqual(0);
    expect(p.data.equals(frames[i]!.data), `frame ${i} bytes`).toBe(true);
    expect(p.origLen).toBe(frames[i]!.data.length);
    return i;
  });
}

describe('PacketRecorder', () => {
  it('keeps beforePackets matching frames, the trigger and afterPackets after it', () => {
    const frames = Array.from({ length: 30 }, (_, i) => udp(i % 2 ? A : B, i % 2 ? B : A, i));
    const { done, rec } = run(frames, {}, at(10, (r) => expect(r.start(1, r.nextSeq, { ips: [ip(A)], macs: [] })).toBe(true)));
    expect(done).toHaveLength(1);
    expect(done[0]!.ref).toBe(1);
    expect(done[0]!.linkType).toBe(1);
    expect(indicesOf(done[0]!, frames)).toEqual([7, 8, 9, 10, 11, 12, 13, 14]);
    expect(rec.stats()).toMatchObject({ recorded: 30, pending: 0, refused: 0 });
  });

  it('completes when afterPackets were taken, without waiting for finish()', () => {
    const frames = Array.from({ length: 30 }, (_, i) => udp(A, B, i));
    const { done } = run(frames, {}, at(5, (r) => r.start(1, r.nextSeq, { ips: [], macs: [] })), false);
    expect(done.map((c) => indicesOf(c, frames))).toEqual([[2, 3, 4, 5, 6, 7, 8, 9]]);
  });

  it('takes only frames to or from the matched IPs (the trigger always)', () => {
    // A<->B and C<->D interleaved; the alert is about C
    const frames = Array.from({ length: 40 }, (_, i) => (i % 2 ? udp(A, B, i) : udp(D, C, i)));
    const { done } = run(frames, { beforePackets: 5, afterPackets: 5 }, at(21, (r) => r.start(7, r.nextSeq, { ips: [ip(C)], macs: [] })));
    // 21 is an A->B frame: it is the trigger; the context is C/D frames only
    expect(indicesOf(done[0]!, frames)).toEqual([12, 14, 16, 18, 20, 21, 22, 24, 26, 28, 30]);
  });

  it('matches by MAC, for frames without IP (ARP)', () => {
    const X = '02:00:00:00:00:99';
    const frames: Sent[] = Array.from({ length: 24 }, (_, i) => {
      const data = i % 3 === 0
        ? arpFrame({ op: 'request', senderMac: X, senderIp: '10.0.0.99', targetIp: `10.0.0.${i + 1}` })
        : i % 3 === 1 ? arpFrame({ op: 'request', senderMac: A.mac, senderIp: A.ip, targetIp: '10.0.0.200' }) : udp(A, B, i).data;
      return { data, ts: T0 + i * 1000, linkType: 1 };
    });
    const { done } = run(frames, { beforePackets: 2, afterPackets: 2 }, at(12, (r) => r.start(1, r.nextSeq, { ips: [], macs: [X] })));
    expect(indicesOf(done[0]!, frames)).toEqual([6, 9, 12, 15, 18]);
    // and as a destination MAC: replies to X
    const replies: Sent[] = Array.from({ length: 10 }, (_, i) => ({
      data: i % 2 ? arpFrame({ op: 'reply', senderMac: B.mac, senderIp: B.ip, targetMac: X, targetIp: '10.0.0.99' }) : udp(C, D, i).data,
      ts: T0 + i * 1000, linkType: 1,
    }));
    const r2 = run(replies, { beforePackets: 9, afterPackets: 9 }, at(4, (r) => r.start(2, r.nextSeq, { ips: [], macs: ['02-00-00-00-00-99'] })));
    expect(indicesOf(r2.done[0]!, replies)).toEqual([1, 3, 4, 5, 7, 9]);
  });

  it('names the packet whose PDU a rule is looking at (pdu() runs before the packet is recorded)', () => {
    // a DNS query (RFC 1035 §4.1) for plc.local: the only frame that yields a PDU
    const q = Buffer.concat([Buffer.from('123401000001000000000000', 'hex'), Buffer.from('03706c63056c6f63616c00', 'hex'), Buffer.from('00010001', 'hex')]);
    const frames = Array.from({ length: 12 }, (_, i) => udp(A, B, i));
    frames[6] = { data: udpFrame(A, B, 40123, 53, q), ts: T0 + 6000, linkType: 1 };
    const rec = new PacketRecorder({ ...DEFAULTS, beforePackets: 2, afterPackets: 1 });
    let seen = 0;
    const rule: Analyzer = { name: 'rule', pdu: (p) => { if (p.proto === 'dns') { seen++; rec.start(1, rec.nextSeq, { ips: [ip(A)], macs: [] }); } } };
    const sensor = createSensor([rule, rec]);
    for (const b of batches(frames)) sensor.ingest(b);
    sensor.finish();
    expect(seen).toBe(1);
    const [cap] = rec.takeCompleted();
    expect(indicesOf(cap!, frames)).toEqual([4, 5, 6, 7]);
  });

  it('ends the after context at trigger time + afterUs', () => {
    const frames = Array.from({ length: 20 }, (_, i) => ({ ...udp(A, B, i), ts: T0 + i * 1_000_000 }));
    const { done } = run(frames, { afterPackets: 50, afterUs: 2_500_000 }, at(5, (r) => r.start(1, r.nextSeq, { ips: [], macs: [] })), false);
    expect(done.map((c) => indicesOf(c, frames))).toEqual([[2, 3, 4, 5, 6, 7]]);
  });

  it('ends a capture at its deadline though no later packet matches it (open captures are indexed by address)', () => {
    // the alert is about C; after it only A<->B traffic flows, one packet a second
    const frames = Array.from({ length: 20 }, (_, i) => ({ ...(i === 3 ? udp(C, D, i) : udp(A, B, i)), ts: T0 + i * 1_000_000 }));
    const { done, rec } = run(frames, { afterPackets: 50, afterUs: 2_500_000 }, at(3, (r) => r.start(1, r.nextSeq, { ips: [ip(C)], macs: [] })), false);
    expect(done.map((c) => indicesOf(c, frames))).toEqual([[3]]);
    expect(rec.stats().pending).toBe(0);
  });

  it('offers a packet once to a capture filed under both its source and destination', () => {
    const frames = Array.from({ length: 20 }, (_, i) => (i % 2 ? udp(A, B, i) : udp(B, A, i)));
    const { done } = run(frames, { beforePackets: 2, afterPackets: 6 }, at(8, (r) => r.start(1, r.nextSeq, { ips: [ip(A), ip(B), ip(A)], macs: [A.mac, B.mac] })));
    expect(indicesOf(done[0]!, frames)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('keeps hundreds of open captures apart: each gets only its own address’s packets', () => {
    // 300 hosts 10.1.x.y talk to B in turn; a capture opens for every host at its first packet
    const hosts: Host[] = Array.from({ length: 300 }, (_, k) => ({ mac: `02:00:00:01:${(k >> 8).toString(16).padStart(2, '0')}:${(k & 255).toString(16).padStart(2, '0')}`, ip: `10.1.${k >> 8}.${k & 255}` }));
    const frames = Array.from({ length: 3000 }, (_, i) => udp(hosts[i % 300]!, B, i));
    const { done } = run(frames, { beforePackets: 0, afterPackets: 3, maxPending: 1000 },
      (_pkt, i, r) => { if (i < 300) r.start(i + 1, r.nextSeq, { ips: [ip(hosts[i]!)], macs: [] }); });
    expect(done).toHaveLength(300);
    for (const cap of done) {
      const k = cap.ref - 1;
      expect(indicesOf(cap, frames)).toEqual([k, k + 300, k + 600, k + 900]);
    }
  });

  it('keeps the ring bounded by packets: before context holds only what is still there', () => {
    const frames = Array.from({ length: 100 }, (_, i) => udp(A, B, i));
    const { done } = run(frames, { ringPackets: 8, beforePackets: 50, afterPackets: 0 }, at(60, (r) => r.start(1, r.nextSeq, { ips: [], macs: [] })));
    expect(indicesOf(done[0]!, frames)).toEqual([52, 53, 54, 55, 56, 57, 58, 59, 60]);
  });

  for (const layout of ['pcap', 'reversed', 'sparse'] as const) {
    it(`wraps the ring by bytes and keeps every byte intact (varied sizes, many triggers, ${layout} batches)`, () => {
      const rng = new Rng(6);
      const frames = Array.from({ length: 600 }, (_, i) => udp(i % 2 ? A : C, i % 2 ? B : D, i, rng.int(18, 400)));
      const RING = 4000;
      const triggers = new Set(Array.from({ length: 40 }, (_, k) => 20 + k * 14));
      const { done } = run(frames, { ringBytes: RING, beforePackets: 1000, afterPackets: 0, maxPending: 100 },
        (_pkt, i, r) => { if (triggers.has(i)) r.start(i, r.nextSeq, { ips: [], macs: [] }); }, true, 11, layout);
      expect(done.map((c) => c.ref).sort((a, b) => a - b)).toEqual([...triggers]);
      for (const cap of done) {
        const got = indicesOf(cap, frames);
        const trig = cap.ref;
        expect(got[got.length - 1]).toBe(trig);
        // a contiguous run of the newest frames before the trigger, at least its predecessor
        expect(got.length).toBeGreaterThan(1);
        expect(got).toEqual(Array.from({ length: got.length }, (_, k) => trig - got.length + 1 + k));
        const before = cap.packets.slice(0, -1).reduce((n, p) => n + p.data.length, 0);
        expect(before).toBeLessThanOrEqual(RING);
        // ... and not much less than the ring holds: a wrap wastes at most 1/8 of it, plus one frame
        expect(before).toBeGreaterThan(RING / 2);
      }
    });
  }

  it('skips frames larger than the ring, but still captures them as trigger or after context', () => {
    const frames = Array.from({ length: 20 }, (_, i) => udp(A, B, i, i === 8 || i === 12 ? 1200 : 30));
    const { done, rec } = run(frames, { ringBytes: 1000, beforePackets: 20, afterPackets: 5 },
      (_pkt, i, r) => { if (i === 8) r.start(8, r.nextSeq, { ips: [], macs: [] }); if (i === 14) r.start(14, r.nextSeq, { ips: [], macs: [] }); });
    expect(rec.stats().skippedLarge).toBe(2);
    const byRef = new Map(done.map((c) => [c.ref, indicesOf(c, frames)]));
    expect(byRef.get(8)!.slice(-6)).toEqual([8, 9, 10, 11, 12, 13]);
    // 12 never entered the ring: the before context of 14 steps over it
    const g = byRef.get(14)!;
    const k = g.indexOf(14);
    expect(g.slice(k - 3, k + 1)).toEqual([10, 11, 13, 14]);
    expect(g).not.toContain(12);
  });

  it('bounds each capture by packets and by pcap bytes; the trigger is cut short rather than lost', () => {
    const frames = Array.from({ length: 40 }, (_, i) => udp(A, B, i, 100));
    const size = frames[0]!.data.length; // 142
    const r1 = run(frames, { beforePackets: 30, afterPackets: 30, maxPacketsPerCapture: 9 }, at(20, (r) => r.start(1, r.nextSeq, { ips: [], macs: [] })));
    expect(indicesOf(r1.done[0]!, frames)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24]);
    const max = 24 + 5 * (16 + size) + 10;
    const r2 = run(frames, { beforePackets: 30, afterPackets: 30, maxBytesPerCapture: max }, at(20, (r) => r.start(1, r.nextSeq, { ips: [], macs: [] })));
    const got = indicesOf(r2.done[0]!, frames);
    expect(got).toEqual([18, 19, 20, 21, 22]);
    const big = frames.map((f, i) => (i === 20 ? udp(A, B, 20, 2000) : f));
    const r3 = run(big, { maxBytesPerCapture: 1000 }, at(20, (r) => r.start(1, r.nextSeq, { ips: [], macs: [] })));
    const trig = r3.done[0]!.packets.find((p) => p.ts === big[20]!.ts)!;
    expect(trig.origLen).toBe(big[20]!.data.length);
    expect(trig.data.equals(big[20]!.data.subarray(0, 1000 - 24 - 16))).toBe(true);
    expect(r3.done[0]!.packets).toHaveLength(1);
  });

  it('refuses captures beyond maxPending, and cancel() frees a place', () => {
    const frames = Array.from({ length: 10 }, (_, i) => udp(A, B, i));
    const results: boolean[] = [];
    const { rec, done } = run(frames, { maxPending: 2, afterPackets: 100 }, at(3, (r) => {
      results.push(r.start(1, r.nextSeq, { ips: [], macs: [] }), r.start(2, r.nextSeq, { ips: [], macs: [] }), r.start(3, r.nextSeq, { ips: [], macs: [] }));
      r.cancel(2);
      results.push(r.start(4, r.nextSeq, { ips: [], macs: [] }), r.start(1, r.nextSeq, { ips: [], macs: [] }));
    }), false);
    expect(results).toEqual([true, true, false, true, false]);
    expect(rec.stats()).toMatchObject({ pending: 2, refused: 1 });
    expect(done).toEqual([]);
    rec.finish();
    expect(rec.takeCompleted().map((c) => [c.ref, c.packets.length])).toEqual([[1, 3 + 7], [4, 3 + 7]]);
    expect(rec.stats().pending).toBe(0);
  });

  it('finish() completes open captures, including one whose trigger never came', () => {
    const frames = Array.from({ length: 12 }, (_, i) => udp(A, B, i));
    const rec = new PacketRecorder({ ...DEFAULTS, afterPackets: 100 });
    const sensor = createSensor([{ name: 'rule', packet: () => undefined }, rec]);
    let i = 0;
    for (const b of batches(frames)) {
      sensor.ingest(b);
      if (i++ === 0) rec.start(1, rec.nextSeq - 2, { ips: [], macs: [] }); // late: 5, from the ring
    }
    rec.start(2, rec.nextSeq, { ips: [], macs: [] }); // at the end of input: e.g. a flow timing out
    expect(rec.takeCompleted()).toEqual([]);
    sensor.finish();
    const done = new Map(rec.takeCompleted().map((c) => [c.ref, indicesOf(c, frames)]));
    expect(done.get(1)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(done.get(2)).toEqual([9, 10, 11]);
    expect(rec.stats()).toMatchObject({ pending: 0, empty: 0 });
  });

  it('keeps only frames of the trigger’s link type', () => {
    // raw IPv4 (LINKTYPE_RAW 101) frames between the same hosts, interleaved with Ethernet ones
    const raw = (i: number): Sent => ({ data: ipv4({ src: A.ip, dst: B.ip, protocol: IPPROTO.UDP, payload: Buffer.alloc(12, i) }), ts: T0 + i * 1000, linkType: 101 });
    const frames = Array.from({ length: 20 }, (_, i) => (i % 2 ? raw(i) : udp(A, B, i)));
    const { done } = run(frames, { beforePackets: 2, afterPackets: 2 }, at(10, (r) => r.start(1, r.nextSeq, { ips: [ip(A)], macs: [] })));
    expect(done[0]!.linkType).toBe(1);
    expect(indicesOf(done[0]!, frames)).toEqual([6, 8, 10, 12, 14]);
  });
});

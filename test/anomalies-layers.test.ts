// Link, network and transport layer anomalies through the real pipeline: each capture is written as a
// pcap of the link type under test, ingested by a full sensor, and `report.anomalies` is compared as a
// whole, so an input with one defect must raise exactly its one id and a valid neighbour none.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingest, type IngestReport } from '../src/ingest.js';
import { createSensor, defaultRegistry } from '../src/pipeline.js';
import { Sensor } from '../src/sensor.js';
import { removeTempDirs, tempDir } from './support/env.js';
import {
  AF, ETHERTYPE, IPPROTO, SLL_PKTTYPE, ethernet, fragmentIpv4, fragmentIpv6, icmpEcho, icmpv6Echo, ipv4, ipv6, loopLink, nullLink, sll, sll2,
  type Ipv6Ext, type VlanTag,
} from './support/frames.js';
import { LINKTYPE, writePcap } from './support/pcap-writer.js';

const T0 = 1_700_000_000_000_000; // µs
const MAC_A = '00:1b:1b:00:00:01';
const MAC_B = '00:80:f4:00:00:02';
const V4 = { src: '10.0.0.1', dst: '10.0.0.2' };
const V6 = { src: 'fd00::1', dst: 'fd00::2' };

afterAll(removeTempDirs);

/** Writes the frames (1 µs apart) as a pcap of `linktype` and runs it through `sensor`. */
async function ingest(frames: Buffer[], linktype: number = LINKTYPE.ETHERNET, sensor: Sensor = createSensor([])): Promise<IngestReport> {
  const file = join(tempDir('anoms-layers-'), 'in.pcap');
  writeFileSync(file, writePcap(frames.map((data, i) => ({ ts: T0 + i, data })), { linktype }).bytes);
  return new Ingest(sensor, { files: [file] }).run();
}

const echo4 = (src = V4.src, dst = V4.dst): Buffer =>
  ipv4({ src, dst, protocol: IPPROTO.ICMP, payload: icmpEcho({ reply: false, id: 1, seq: 1, data: Buffer.alloc(8, 0x61) }) });
const echo6 = (ext?: Ipv6Ext[]): Buffer =>
  ipv6({ ...V6, nextHeader: IPPROTO.ICMPV6, ext, payload: icmpv6Echo({ reply: false, id: 1, seq: 1, data: Buffer.alloc(8, 0x61) }, V6) });
const eth = (etherType: number, payload: Buffer, o: { tags?: VlanTag[]; pad?: boolean } = {}): Buffer =>
  ethernet({ dst: MAC_B, src: MAC_A, etherType, payload, ...o });

describe('link layers', () => {
  // IEEE 802.1Q tags stack (QinQ, 802.1ad); the decoder keeps at most four of them.
  const tags = (n: number): VlanTag[] => Array.from({ length: n }, (_, i) => ({ tpid: i === 0 ? ETHERTYPE.QINQ : ETHERTYPE.VLAN, vid: 10 + i }));

  it('vlan.too_many_tags: a fifth stacked tag; four tags decode through to ICMP', async () => {
    const ok = await ingest([eth(ETHERTYPE.IPV4, echo4(), { tags: tags(4) })]);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.icmp).toBe(1);
    const bad = await ingest([eth(ETHERTYPE.IPV4, echo4(), { tags: tags(5) })]);
    expect(bad.anomalies).toEqual({ 'vlan.too_many_tags': 1 });
    expect(bad.protocols.ipv4).toBeUndefined(); // rejected: nothing past the tags is read
  });

  it('sll.truncated: SLL v1 shorter than 16 bytes, SLL2 shorter than 20; whole headers decode', async () => {
    const v1 = sll({ packetType: SLL_PKTTYPE.HOST, addr: MAC_A, protocol: ETHERTYPE.IPV4, payload: echo4() });
    const v2 = sll2({ packetType: SLL_PKTTYPE.HOST, addr: MAC_A, protocol: ETHERTYPE.IPV4, payload: echo4(), ifindex: 2 });
    const ok1 = await ingest([v1], LINKTYPE.LINUX_SLL);
    const ok2 = await ingest([v2], LINKTYPE.LINUX_SLL2);
    expect(ok1.anomalies).toEqual({});
    expect(ok2.anomalies).toEqual({});
    expect(ok1.protocols.icmp).toBe(1);
    expect(ok2.protocols.icmp).toBe(1);
    expect((await ingest([v1.subarray(0, 15)], LINKTYPE.LINUX_SLL)).anomalies).toEqual({ 'sll.truncated': 1 });
    // 19 bytes is a whole SLL v1 header but not an SLL2 one: the link type decides
    expect((await ingest([v2.subarray(0, 19)], LINKTYPE.LINUX_SLL2)).anomalies).toEqual({ 'sll.truncated': 1 });
  });

  it('null.truncated: a NULL or LOOP record shorter than its 4-byte family; whole ones decode', async () => {
    const ok = await ingest([nullLink(AF.INET, 'le', echo4())], LINKTYPE.NULL);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.icmp).toBe(1);
    const okLoop = await ingest([loopLink(AF.INET6_BSD, echo6())], LINKTYPE.LOOP);
    expect(okLoop.anomalies).toEqual({});
    expect(okLoop.protocols.icmpv6).toBe(1);
    expect((await ingest([Buffer.from([2, 0, 0])], LINKTYPE.NULL)).anomalies).toEqual({ 'null.truncated': 1 });
    expect((await ingest([Buffer.from([0, 0, 0])], LINKTYPE.LOOP)).anomalies).toEqual({ 'null.truncated': 1 });
  });

  it('raw.unknown_version: LINKTYPE_RAW takes the version from the first nibble', async () => {
    const ok = await ingest([echo4(), echo6()], LINKTYPE.RAW);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols).toMatchObject({ icmp: 1, icmpv6: 1 });
    const v5 = echo4();
    v5[0] = 0x55; // version 5 (ST-II), neither IPv4 nor IPv6
    const bad = await ingest([v5], LINKTYPE.RAW);
    expect(bad.anomalies).toEqual({ 'raw.unknown_version': 1 });
    expect(bad.protocols.ipv4).toBeUndefined();
  });

  it('raw.truncated: an empty LINKTYPE_RAW record has no version nibble (it is not an unknown version)', async () => {
    expect((await ingest([Buffer.alloc(0)], LINKTYPE.RAW)).anomalies).toEqual({ 'raw.truncated': 1 });
    expect((await ingest([Buffer.alloc(0), echo4()], LINKTYPE.RAW)).protocols).toMatchObject({ ipv4: 1, icmp: 1 });
  });
});

describe('IPv4 header (RFC 791 §3.1)', () => {
  it('a valid header raises nothing', async () => {
    const r = await ingest([eth(ETHERTYPE.IPV4, echo4())]);
    expect(r.anomalies).toEqual({});
    expect(r.protocols).toMatchObject({ eth: 1, ipv4: 1, icmp: 1 });
  });

  it('ipv4.truncated: fewer than 20 bytes after the EtherType, or on LINKTYPE_IPV4', async () => {
    expect((await ingest([eth(ETHERTYPE.IPV4, echo4().subarray(0, 19), { pad: false })])).anomalies).toEqual({ 'ipv4.truncated': 1 });
    expect((await ingest([echo4().subarray(0, 19)], LINKTYPE.IPV4)).anomalies).toEqual({ 'ipv4.truncated': 1 });
    // exactly 20 bytes is a whole header: the empty UDP datagram behind it is the next layer's defect
    const hdrOnly = ipv4({ ...V4, protocol: IPPROTO.UDP, payload: Buffer.alloc(0) });
    expect((await ingest([hdrOnly], LINKTYPE.IPV4)).anomalies).toEqual({ 'udp.truncated': 1 });
  });

  it('ipv4.bad_version: EtherType 0x0800 or LINKTYPE_IPV4 carrying a version-6 header', async () => {
    expect((await ingest([eth(ETHERTYPE.IPV4, echo6())])).anomalies).toEqual({ 'ipv4.bad_version': 1 });
    expect((await ingest([echo6()], LINKTYPE.IPV4)).anomalies).toEqual({ 'ipv4.bad_version': 1 });
  });

  it('ipv4.total_length_too_small: total length below the header length', async () => {
    const tooSmall = ipv4({ ...V4, protocol: IPPROTO.ICMP, payload: Buffer.alloc(8), totalLength: 19 });
    const r = await ingest([eth(ETHERTYPE.IPV4, tooSmall)]);
    expect(r.anomalies).toEqual({ 'ipv4.total_length_too_small': 1 });
    expect(r.protocols.icmp).toBeUndefined();
    // with options the header is 24 bytes: 23 is too small, 24 (no payload) is not
    const opt = Buffer.from([1, 1, 1, 1]); // four NOPs
    const small24 = ipv4({ ...V4, protocol: IPPROTO.ICMP, payload: Buffer.alloc(8), options: opt, totalLength: 23 });
    expect((await ingest([eth(ETHERTYPE.IPV4, small24)])).anomalies).toEqual({ 'ipv4.total_length_too_small': 1 });
  });
});

describe('IPv6 header (RFC 8200 §3, §4)', () => {
  it('a valid header with a hop-by-hop, destination options and routing chain raises nothing', async () => {
    const chain: Ipv6Ext[] = [{ kind: 'hop-by-hop' }, { kind: 'dest-opts' }, { kind: 'routing', segments: ['fd00::2'] }, { kind: 'dest-opts' }];
    const r = await ingest([eth(ETHERTYPE.IPV6, echo6()), eth(ETHERTYPE.IPV6, echo6(chain))]);
    expect(r.anomalies).toEqual({});
    expect(r.protocols).toMatchObject({ ipv6: 2, icmpv6: 2 });
  });

  it('ipv6.truncated: fewer than 40 bytes after the EtherType, or on LINKTYPE_IPV6', async () => {
    expect((await ingest([eth(ETHERTYPE.IPV6, echo6().subarray(0, 39), { pad: false })])).anomalies).toEqual({ 'ipv6.truncated': 1 });
    expect((await ingest([echo6().subarray(0, 39)], LINKTYPE.IPV6)).anomalies).toEqual({ 'ipv6.truncated': 1 });
  });

  it('ipv6.bad_version: EtherType 0x86dd or LINKTYPE_IPV6 carrying a version-4 header', async () => {
    // an IPv4 packet of at least 40 bytes, so only the version is wrong
    const v4 = ipv4({ ...V4, protocol: IPPROTO.ICMP, payload: icmpEcho({ reply: false, id: 1, seq: 1, data: Buffer.alloc(32) }) });
    expect((await ingest([eth(ETHERTYPE.IPV6, v4)])).anomalies).toEqual({ 'ipv6.bad_version': 1 });
    expect((await ingest([v4], LINKTYPE.IPV6)).anomalies).toEqual({ 'ipv6.bad_version': 1 });
  });

  it('ipv6.too_many_ext_headers: a ninth extension header; eight are walked', async () => {
    const opts = (n: number): Ipv6Ext[] => Array.from({ length: n }, () => ({ kind: 'dest-opts' }));
    const eight = await ingest([eth(ETHERTYPE.IPV6, echo6(opts(8)))]);
    expect(eight.anomalies).toEqual({});
    expect(eight.protocols.icmpv6).toBe(1);
    const nine = await ingest([eth(ETHERTYPE.IPV6, echo6(opts(9)))]);
    expect(nine.anomalies).toEqual({ 'ipv6.too_many_ext_headers': 1 });
    expect(nine.protocols.icmpv6).toBeUndefined();
  });
});

describe('fragment reassembly bound (256 datagrams in progress)', () => {
  // Each datagram is an echo with 16 data bytes (checksums are not checked) in two fragments.
  const payload = (id: number): Buffer => icmpEcho({ reply: false, id, seq: 1, data: Buffer.alloc(16, id & 0xff) });
  const v4Frags = (id: number): Buffer[] =>
    fragmentIpv4(ipv4({ ...V4, id, protocol: IPPROTO.ICMP, payload: payload(id) }), { count: 2 }).map((f) => eth(ETHERTYPE.IPV4, f));
  const v6Frags = (id: number): Buffer[] =>
    fragmentIpv6({ ...V6, id, nextHeader: IPPROTO.ICMPV6, payload: payload(id) }, { count: 2 }).map((f) => eth(ETHERTYPE.IPV6, f));

  for (const [fam, frags, id, l4] of [['ipv4', v4Frags, 'ipv4.frag_too_many', 'icmp'], ['ipv6', v6Frags, 'ipv6.frag_too_many', 'icmpv6']] as const) {
    it(`${id}: 256 open ${fam} datagrams are held, the 257th drops the oldest`, async () => {
      const firsts = (n: number) => Array.from({ length: n }, (_, i) => frags(i)[0]!);
      const held = await ingest([...firsts(256), frags(0)[1]!]);
      expect(held.anomalies).toEqual({});
      expect(held.protocols[l4]).toBe(1); // datagram 0 was still held and completes

      // datagram 1's last fragment first (it completes and frees a slot), then datagram 0's, which
      // was evicted and starts a new train of its own instead of completing
      const over = await ingest([...firsts(257), frags(1)[1]!, frags(0)[1]!]);
      expect(over.anomalies).toEqual({ [id]: 1 });
      expect(over.protocols[l4]).toBe(1);
    });
  }
});

describe('ICMP (RFC 792) and ICMPv6 (RFC 4443 §2.1) heads', () => {
  it('icmp.truncated: fewer than 4 bytes of ICMP; exactly 4 decode', async () => {
    const msg = (n: number) => eth(ETHERTYPE.IPV4, ipv4({ ...V4, protocol: IPPROTO.ICMP, payload: Buffer.from([8, 0, 0xf7, 0xff].slice(0, n)) }));
    const ok = await ingest([msg(4)]);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.icmp).toBe(1);
    const bad = await ingest([msg(3)]);
    expect(bad.anomalies).toEqual({ 'icmp.truncated': 1 });
    expect(bad.protocols.icmp).toBeUndefined();
  });

  it('icmpv6.truncated: fewer than 4 bytes of ICMPv6, also behind extension headers; exactly 4 decode', async () => {
    const msg = (n: number, ext?: Ipv6Ext[]) =>
      eth(ETHERTYPE.IPV6, ipv6({ ...V6, nextHeader: IPPROTO.ICMPV6, ext, payload: Buffer.from([128, 0, 0, 0].slice(0, n)) }));
    const ok = await ingest([msg(4), msg(4, [{ kind: 'hop-by-hop' }])]);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.icmpv6).toBe(2);
    expect((await ingest([msg(3)])).anomalies).toEqual({ 'icmpv6.truncated': 1 });
    expect((await ingest([msg(0, [{ kind: 'hop-by-hop' }])])).anomalies).toEqual({ 'icmpv6.truncated': 1 });
  });
});

describe('flow table bound', () => {
  const sensor = () => new Sensor({ registry: defaultRegistry(), maxFlows: 2 });
  const pair = (n: number, reply = false): Buffer =>
    eth(ETHERTYPE.IPV4, reply ? echo4(`10.0.1.${n}`, V4.src) : echo4(V4.src, `10.0.1.${n}`));

  it('two flows fit a table of two, packets of tracked flows raise nothing', async () => {
    const r = await ingest([pair(1), pair(2), pair(1, true), pair(2, true)], LINKTYPE.ETHERNET, sensor());
    expect(r.anomalies).toEqual({});
    expect(r.flows.created).toBe(2);
  });

  it('flow.table_full: a third flow is decoded but not tracked, once per packet', async () => {
    const r = await ingest([pair(1), pair(2), pair(3), pair(3, true), pair(1, true)], LINKTYPE.ETHERNET, sensor());
    expect(r.anomalies).toEqual({ 'flow.table_full': 2 });
    expect(r.flows.created).toBe(2);
    expect(r.protocols.icmp).toBe(5); // every packet still decoded through its layers
  });
});

// Reassembly as receivers do it (RFC 791 §3.1, RFC 8200 §4.5): the 65,535-byte limit counts the
// headers, IPv6 overlaps discard the whole datagram, IPv6 waits 60 s.
describe('fragment reassembly limits', () => {
  const at = (frames: Array<[number, Buffer]>) => {
    const file = join(tempDir('anoms-layers-'), 'in.pcap');
    writeFileSync(file, writePcap(frames.map(([ts, data]) => ({ ts, data }))).bytes);
    return new Ingest(createSensor([]), { files: [file] }).run();
  };
  // the first fragment starts with a UDP header for a 16-byte datagram (checksum 0: none), the rest is data
  const body = (offset: number, bytes: number) =>
    offset === 0 ? Buffer.concat([Buffer.from([0x9c, 0x40, 0x13, 0x88, 0, 16, 0, 0]), Buffer.alloc(bytes - 8, 0x55)]) : Buffer.alloc(bytes, 0x55);
  const frag4 = (offset: number, bytes: number, more: boolean, id = 7) =>
    eth(ETHERTYPE.IPV4, ipv4({ ...V4, protocol: IPPROTO.UDP, id, fragOffset: offset, mf: more, payload: body(offset, bytes) }));
  const frag6 = (offset: number, bytes: number, more: boolean, unfragmentable: Ipv6Ext[] = [], id = 9) =>
    eth(ETHERTYPE.IPV6, ipv6({ ...V6, nextHeader: IPPROTO.UDP, ext: [...unfragmentable, { kind: 'fragment', offset, more, id }], payload: body(offset, bytes) }));

  it('ipv4.frag_oversize counts the IPv4 header: offset 65,512 + 8 bytes fits a 20-byte header, 65,520 + 15 bytes does not', async () => {
    expect((await at([[T0, frag4(65512, 3, false)]])).anomalies).toEqual({});
    expect((await at([[T0, frag4(65520, 15, false)]])).anomalies).toEqual({ 'ipv4.frag_oversize': 1 });
  });

  it('ipv6.frag_oversize counts the per-fragment extension headers in the Payload Length', async () => {
    expect((await at([[T0, frag6(65520, 15, false)]])).anomalies).toEqual({});
    expect((await at([[T0, frag6(65520, 15, false, [{ kind: 'hop-by-hop' }])]])).anomalies).toEqual({ 'ipv6.frag_oversize': 1 });
  });

  it('an oversize fragment of a new datagram does not push a pending one out of a full table', async () => {
    const frames: Array<[number, Buffer]> = [];
    for (let id = 1; id <= 256; id++) frames.push([T0 + id, frag4(0, 8, true, id)]);
    frames.push([T0 + 300, frag4(65520, 15, false, 999)]);
    frames.push([T0 + 301, frag4(8, 8, false, 1)]); // completes the oldest one
    const r = await at(frames);
    expect(r.anomalies).toEqual({ 'ipv4.frag_oversize': 1 });
    expect(r.protocols.udp).toBe(1);
  });

  it('ipv6.frag_overlap discards the datagram and its later fragments; IPv4 keeps the first copy and completes', async () => {
    const udp6 = fragmentIpv6({ ...V6, nextHeader: IPPROTO.UDP, id: 5, payload: Buffer.concat([Buffer.from([0x9c, 0x40, 0x13, 0x88, 0, 48, 0, 0]), Buffer.alloc(40, 1)]) }, { count: 3, overlap: true });
    const r6 = await at(udp6.map((f, i) => [T0 + i, eth(ETHERTYPE.IPV6, f)]));
    expect(r6.anomalies).toEqual({ 'ipv6.frag_overlap': 1 });
    expect(r6.protocols.udp).toBeUndefined();
    const whole4 = ipv4({ ...V4, protocol: IPPROTO.UDP, id: 6, payload: Buffer.concat([Buffer.from([0x9c, 0x40, 0x13, 0x88, 0, 48, 0, 0]), Buffer.alloc(40, 1)]) });
    const r4 = await at(fragmentIpv4(whole4, { count: 3, overlap: true }).map((f, i) => [T0 + i, eth(ETHERTYPE.IPV4, f)]));
    expect(r4.anomalies).toEqual({ 'ipv4.frag_overlap': 2 });
    expect(r4.protocols.udp).toBe(1);
  });

  it('ipv6.frag_timeout after 60 s (RFC 8200 §4.5): 45 s apart completes, 61 s apart times out', async () => {
    const soon = await at([[T0, frag6(0, 8, true)], [T0 + 45e6, frag6(8, 8, false)]]);
    expect(soon.anomalies).toEqual({});
    expect(soon.protocols.udp).toBe(1);
    const late = await at([[T0, frag6(0, 8, true)], [T0 + 61e6, frag6(8, 8, false)]]);
    expect(late.anomalies).toEqual({ 'ipv6.frag_timeout': 1 });
    expect(late.protocols.udp).toBeUndefined();
  });
});

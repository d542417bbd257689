// Writes the deterministic test captures in pcaps/ and their facts in pcaps/EXPECTED.json (pcap: draft-ietf-opsawg-pcap, pcapng: draft-ietf-opsawg-pcapng).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AF, BROADCAST_MAC, ETHERTYPE, IPPROTO, Rng, SLL_PKTTYPE, TCP_FLAG,
  arp, arpFrame, ethernet, fragmentIpv4, fragmentIpv6, icmp, icmpEcho, icmpv6Echo, ipv4, ipv6, loopLink, nullLink,
  sll, sll2, synOptions, tcp, tcpConversation, udp, udpFrame,
  type ConversationResult, type Endpoint, type Host, type Ipv4Options, type Ipv6Ext,
} from './support/frames.js';
import { LINKTYPE, PcapngWriter, gzip, writePcap, type Packet, type WrittenFile, type WrittenPacket } from './support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../pcaps/', import.meta.url));
const GENERATOR = 'test/make-pcaps.ts';
const S = 1_000_000_000n;
const MS = 1_000_000n;
const US = 1_000n;
const T0 = 1_704_067_200n * S; // 2024-01-01T00:00:00Z
const APPL = 'otsensor test/make-pcaps.ts';

// ---------------------------------------------------------------- what each frame holds

/** Headers a decoder should parse from the frame alone (not inside ICMP errors, not L4 of IP fragments). */
type Layer =
  | 'eth' | 'vlan' | 'sll' | 'sll2' | 'null' | 'loop'
  | 'arp' | 'ipv4' | 'ipv6' | 'ipv6-hop' | 'ipv6-dst' | 'ipv6-route' | 'ipv6-frag'
  | 'tcp' | 'udp' | 'icmp' | 'icmpv6';

interface Frame {
  tsNs: bigint;
  data: Buffer;
  layers: Layer[];
  /** The first header a decoder must reject (it keeps `layers`, the ones before it). */
  malformed?: Layer;
  note?: string;
}

const ETH_IP4_TCP: Layer[] = ['eth', 'ipv4', 'tcp'];
const ETH_IP4_UDP: Layer[] = ['eth', 'ipv4', 'udp'];

function convFrames(c: ConversationResult, layers: Layer[] = ETH_IP4_TCP): Frame[] {
  return c.frames.map((f) => ({ tsNs: f.tsNs, data: f.data, layers }));
}

/** Stable merge by timestamp, so a capture reads in time order like a real one. */
function merge(...lists: Frame[][]): Frame[] {
  return lists.flat().map((f, i) => ({ f, i })).sort((a, b) => (a.f.tsNs < b.f.tsNs ? -1 : a.f.tsNs > b.f.tsNs ? 1 : a.i - b.i)).map((x) => x.f);
}

function packets(frames: Frame[]): Packet[] {
  return frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data }));
}

// ---------------------------------------------------------------- application payloads

/** Modbus/TCP ADU: MBAP header (transaction, protocol 0, length of unit id + PDU, unit id), then the PDU. */
function mbap(tid: number, unit: number, pdu: Buffer): Buffer {
  const h = Buffer.alloc(7);
  h.writeUInt16BE(tid, 0);
  h.writeUInt16BE(0, 2);
  h.writeUInt16BE(pdu.length + 1, 4);
  h[6] = unit;
  return Buffer.concat([h, pdu]);
}

function u16s(...xs: number[]): Buffer {
  const b = Buffer.alloc(xs.length * 2);
  xs.forEach((x, i) => b.writeUInt16BE(x & 0xffff, i * 2));
  return b;
}

const modbus = {
  readReq: (tid: number, unit: number, addr: number, qty: number): Buffer => mbap(tid, unit, Buffer.concat([Buffer.from([3]), u16s(addr, qty)])),
  readResp: (tid: number, unit: number, values: number[]): Buffer =>
    mbap(tid, unit, Buffer.concat([Buffer.from([3, values.length * 2]), u16s(...values)])),
  writeReq: (tid: number, unit: number, addr: number, values: number[]): Buffer =>
    mbap(tid, unit, Buffer.concat([Buffer.from([0x10]), u16s(addr, values.length), Buffer.from([values.length * 2]), u16s(...values)])),
  writeResp: (tid: number, unit: number, addr: number, qty: number): Buffer => mbap(tid, unit, Buffer.concat([Buffer.from([0x10]), u16s(addr, qty)])),
};

function dnsName(name: string): Buffer {
  return Buffer.concat([...name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])), Buffer.from([0])]);
}

/** DNS (RFC 1035 §4.1) query, or its answer with A/AAAA records pointing back at the question name. */
function dns(o: { id: number; name: string; qtype: 1 | 28; answers?: Buffer[]; response: boolean; rcode?: number }): Buffer {
  const answers = o.answers ?? [];
  const flags = o.response ? 0x8580 | (o.rcode ?? 0) : 0x0100; // response: QR AA RD RA; query: RD
  const parts = [u16s(o.id, flags, 1, o.response ? answers.length : 0, 0, 0), dnsName(o.name), u16s(o.qtype, 1)];
  if (o.response) {
    for (const rdata of answers) {
      const ttl = Buffer.alloc(4);
      ttl.writeUInt32BE(3600);
      parts.push(u16s(0xc00c, o.qtype, 1), ttl, u16s(rdata.length), rdata);
    }
  }
  return Buffer.concat(parts);
}

function ntpTime(ns: bigint): Buffer {
  const b = Buffer.alloc(8);
  if (ns === 0n) return b;
  b.writeUInt32BE(Number(ns / S + 2_208_988_800n), 0); // NTP era 0 counts from 1900
  b.writeUInt32BE(Number(((ns % S) << 32n) / S), 4);
  return b;
}

/** NTPv4 (RFC 5905 §7.3): client request (mode 3) or server reply (mode 4). */
function ntp(o: { mode: 3 | 4; origNs?: bigint; rxNs?: bigint; txNs: bigint }): Buffer {
  const h = Buffer.alloc(16);
  h[0] = (4 << 3) | o.mode;
  h[1] = o.mode === 4 ? 1 : 0; // the server is stratum 1 (GPS)
  h[2] = 6;
  h[3] = 0xec; // precision 2^-20
  if (o.mode === 4) {
    h.writeUInt32BE(0x00000010, 8); // root dispersion
    h.write('GPS\0', 12, 'ascii');
  }
  return Buffer.concat([h, ntpTime(o.mode === 4 ? o.txNs - 16n * S : 0n), ntpTime(o.origNs ?? 0n), ntpTime(o.rxNs ?? 0n), ntpTime(o.txNs)]);
}

/** DHCP (RFC 2131 §2, options RFC 2132) on a BOOTP frame padded to the classic 300-byte minimum. */
function dhcp(o: { op: 1 | 2; xid: number; chaddr: string; yiaddr?: string; options: [number, Buffer][] }): Buffer {
  const b = Buffer.alloc(240);
  b[0] = o.op;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE(o.xid, 4);
  if (o.yiaddr) Buffer.from(o.yiaddr.split('.').map(Number)).copy(b, 16);
  Buffer.from(o.chaddr.split(':').map((x) => parseInt(x, 16))).copy(b, 28);
  b.writeUInt32BE(0x63825363, 236); // magic cookie
  const opts = Buffer.concat([...o.options.map(([c, v]) => Buffer.concat([Buffer.from([c, v.length]), v])), Buffer.from([255])]);
  const msg = Buffer.concat([b, opts]);
  return msg.length < 300 ? Buffer.concat([msg, Buffer.alloc(300 - msg.length)]) : msg;
}

function ip4(s: string): Buffer {
  return Buffer.from(s.split('.').map(Number));
}

function syslog(host: string, msg: string): Buffer {
  return Buffer.from(`<134>1 2024-01-01T00:00:00.000Z ${host} scada - - - ${msg}`, 'ascii');
}

/** A length-prefixed record (4-byte big-endian length, then the body), the framing the tcp/ scenarios carry. */
function record(rng: Rng, tag: string, bodyLen: number): Buffer {
  const letters = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let body = `${tag}:`;
  while (body.length < bodyLen) body += letters[rng.int(0, letters.length - 1)];
  const b = Buffer.from(body.slice(0, bodyLen), 'ascii');
  const h = Buffer.alloc(4);
  h.writeUInt32BE(b.length);
  return Buffer.concat([h, b]);
}

/** Records (from the well-formed sent stream) that lie wholly inside one captured run. */
function wholeRecords(stream: Buffer, runs: Buffer[], at: number[]): number {
  let n = 0;
  for (let i = 0; i + 4 <= stream.length; ) {
    const end = i + 4 + stream.readUInt32BE(i);
    if (runs.some((r, k) => at[k]! <= i && end <= at[k]! + r.length)) n++;
    i = end;
  }
  return n;
}

// ---------------------------------------------------------------- hosts

const HMI: Host = { mac: '00:14:22:3a:5b:10', ip: '10.0.0.10' }; // Dell
const SRV: Host = { mac: '00:14:22:7e:00:02', ip: '10.0.0.2' }; // Dell: DHCP, DNS, NTP
const PLC21: Host = { mac: '00:80:f4:0a:21:01', ip: '10.0.0.21' }; // Schneider Electric
const PLC22: Host = { mac: '00:1b:1b:6c:22:02', ip: '10.0.0.22' }; // Siemens
const PLC23: Host = { mac: '00:00:bc:5e:23:03', ip: '10.0.0.23' }; // Rockwell Automation
const ENG: Host = { mac: '3c:d9:2b:50:00:50', ip: '10.0.0.50' }; // Hewlett Packard
const DOMAIN = 'cell1.plant.internal';

const at = (host: Host, port: number): Endpoint => ({ ...host, port });

// ---------------------------------------------------------------- the small traffic set for format/

/** 20 frames: ARP, a Modbus/TCP session with handshake and close, DNS, ICMP echo, syslog (one 1200-byte). */
function formatTraffic(): Frame[] {
  const rng = new Rng(101);
  const t = T0 + 123_456_789n; // sub-µs digits, so µs and ns files store visibly different values
  const arps: Frame[] = [
    { tsNs: t, data: arpFrame({ op: 'request', senderMac: HMI.mac, senderIp: HMI.ip, targetIp: PLC21.ip }), layers: ['eth', 'arp'] },
    { tsNs: t + 412_345n, data: arpFrame({ op: 'reply', senderMac: PLC21.mac, senderIp: PLC21.ip, targetMac: HMI.mac, targetIp: HMI.ip }), layers: ['eth', 'arp'] },
  ];
  const conv = tcpConversation({
    client: at(HMI, 49700),
    server: at(PLC21, 502),
    startNs: t + 1n * MS,
    rng,
    clientTtl: 128,
    messages: [
      { from: 'client', data: modbus.readReq(1, 1, 0, 4) },
      { from: 'server', data: modbus.readResp(1, 1, [215, 1013, 0, 42]) },
      { from: 'client', data: modbus.readReq(2, 1, 0, 4) },
      { from: 'server', data: modbus.readResp(2, 1, [216, 1012, 0, 42]) },
    ],
  });
  const q = t + 4n * MS + 317n;
  const echo = Buffer.from('abcdefghijklmnopqrstuvwabcdefghi', 'ascii');
  const ip = (from: Host, to: Host, protocol: number, payload: Buffer, id: number): Buffer =>
    ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV4, payload: ipv4({ src: from.ip, dst: to.ip, protocol, payload, id, ttl: from === HMI ? 128 : 64 }) });
  const name = `plc-21.${DOMAIN}`;
  const others: Frame[] = [
    { tsNs: q, data: udpFrame(HMI, SRV, 53001, 53, dns({ id: 0x1a2b, name, qtype: 1, response: false }), { id: 7001, ttl: 128 }), layers: ETH_IP4_UDP },
    { tsNs: q + 389_001n, data: udpFrame(SRV, HMI, 53, 53001, dns({ id: 0x1a2b, name, qtype: 1, response: true, answers: [ip4(PLC21.ip)] }), { id: 301 }), layers: ETH_IP4_UDP },
    { tsNs: q + 3n * MS + 5n, data: ip(HMI, PLC21, IPPROTO.ICMP, icmpEcho({ reply: false, id: 1, seq: 1, data: echo }), 7002), layers: ['eth', 'ipv4', 'icmp'] },
    { tsNs: q + 3n * MS + 611_223n, data: ip(PLC21, HMI, IPPROTO.ICMP, icmpEcho({ reply: true, id: 1, seq: 1, data: echo }), 5511), layers: ['eth', 'ipv4', 'icmp'] },
    { tsNs: q + 5n * MS + 99n, data: udpFrame(HMI, SRV, 51514, 514, syslog('HMI01', 'operator login ok'), { id: 7003, ttl: 128 }), layers: ETH_IP4_UDP },
    {
      tsNs: q + 6n * MS + 1n,
      data: udpFrame(HMI, SRV, 51514, 514, syslog('HMI01', `alarm summary ${'x'.repeat(1100)}`), { id: 7004, ttl: 128 }),
      layers: ETH_IP4_UDP,
    },
  ];
  const all = merge(arps, convFrames(conv), others);
  if (all.length !== 20) throw new Error(`format traffic has ${all.length} frames`);
  return all;
}

/** Raw IP packets (no link header) for the second interface of pcapng-multi-interface. */
function rawIpTraffic(): Frame[] {
  const t = T0 + 123_456_789n + 250_001n;
  const v6a = 'fd00:0:0:1::10';
  const v6b = 'fd00:0:0:1::2';
  const ntpReq = ntp({ mode: 3, txNs: t });
  const ntpResp = ntp({ mode: 4, origNs: t, rxNs: t + 200_000n, txNs: t + 210_000n });
  const u4 = (src: string, dst: string, sp: number, dp: number, payload: Buffer, id: number): Buffer =>
    ipv4({ src, dst, protocol: IPPROTO.UDP, id, payload: udp({ srcPort: sp, dstPort: dp, payload }, { src, dst }) });
  const u6 = (src: string, dst: string, sp: number, dp: number, payload: Buffer): Buffer =>
    ipv6({ src, dst, nextHeader: IPPROTO.UDP, payload: udp({ srcPort: sp, dstPort: dp, payload }, { src, dst }) });
  const e6 = (src: string, dst: string, reply: boolean, seq: number): Buffer =>
    ipv6({ src, dst, nextHeader: IPPROTO.ICMPV6, payload: icmpv6Echo({ reply, id: 0x77, seq, data: Buffer.from('otsensor-ping-v6') }, { src, dst }) });
  const e4 = (src: string, dst: string, reply: boolean, id: number): Buffer =>
    ipv4({ src, dst, protocol: IPPROTO.ICMP, id, payload: icmpEcho({ reply, id: 9, seq: 3, data: Buffer.from('otsensor-ping-v4') }) });
  const name = `hist.${DOMAIN}`;
  const list: [Buffer, Layer[]][] = [
    [u4(HMI.ip, SRV.ip, 123, 123, ntpReq, 8001), ['ipv4', 'udp']],
    [u4(SRV.ip, HMI.ip, 123, 123, ntpResp, 401), ['ipv4', 'udp']],
    [e6(v6a, v6b, false, 1), ['ipv6', 'icmpv6']],
    [e6(v6b, v6a, true, 1), ['ipv6', 'icmpv6']],
    [e4(HMI.ip, SRV.ip, false, 8002), ['ipv4', 'icmp']],
    [e4(SRV.ip, HMI.ip, true, 402), ['ipv4', 'icmp']],
    [u6(v6a, v6b, 53002, 53, dns({ id: 0x2222, name, qtype: 28, response: false })), ['ipv6', 'udp']],
    [u6(v6b, v6a, 53, 53002, dns({ id: 0x2222, name, qtype: 28, response: true, answers: [Buffer.from('fd000000000000010000000000000030', 'hex')] })), ['ipv6', 'udp']],
  ];
  return list.map(([data, layers], i) => ({ tsNs: t + BigInt(i) * 1_100_000n + BigInt(i * 7), data, layers }));
}

/** Re-wraps an Ethernet frame's payload; padding is trimmed to the L3 length, as cooked and raw captures have none. */
function unwrapEth(frame: Buffer): { dst: string; src: string; etherType: number; payload: Buffer } {
  const hex = (b: Buffer): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  const etherType = frame.readUInt16BE(12);
  let payload = frame.subarray(14);
  if (etherType === ETHERTYPE.IPV4) payload = payload.subarray(0, payload.readUInt16BE(2));
  else if (etherType === ETHERTYPE.IPV6) payload = payload.subarray(0, 40 + payload.readUInt16BE(4));
  else if (etherType === ETHERTYPE.ARP) payload = payload.subarray(0, 28);
  return { dst: hex(frame.subarray(0, 6)), src: hex(frame.subarray(6, 12)), etherType, payload };
}

function withLink(frames: Frame[], link: Layer | null, wrap: (u: ReturnType<typeof unwrapEth>) => Buffer): Frame[] {
  return frames.map((f) => {
    const u = unwrapEth(f.data);
    return { ...f, data: wrap(u), layers: [...(link ? [link] : []), ...f.layers.filter((l) => l !== 'eth')] };
  });
}

function sllType(u: { dst: string; src: string }): number {
  if (u.dst === BROADCAST_MAC) return SLL_PKTTYPE.BROADCAST;
  return u.src === HMI.mac ? SLL_PKTTYPE.OUTGOING : SLL_PKTTYPE.HOST; // captured on the HMI itself
}

/** IPv6 echo pairs with the three BSD AF_INET6 values for the NULL/LOOP files. */
function loopbackV6(): { frame: Frame; af: number }[] {
  const out: { frame: Frame; af: number }[] = [];
  const t = T0 + 123_456_789n + 20n * MS;
  [AF.INET6_BSD, AF.INET6_FREEBSD, AF.INET6_DARWIN].forEach((af, i) => {
    for (const reply of [false, true]) {
      const [src, dst] = reply ? ['::1', 'fd00:0:0:1::10'] : ['fd00:0:0:1::10', '::1'];
      const pkt = ipv6({ src, dst, nextHeader: IPPROTO.ICMPV6, payload: icmpv6Echo({ reply, id: 0x55, seq: i + 1, data: Buffer.from('loopback') }, { src, dst }) });
      out.push({ frame: { tsNs: t + BigInt(i) * MS + (reply ? 41_003n : 0n), data: pkt, layers: ['ipv6', 'icmpv6'] }, af });
    }
  });
  return out;
}

// ---------------------------------------------------------------- expectations

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const expected: Record<string, Json> = {};
const readmeRows: [string, string][] = [];

function emit(rel: string, bytes: Buffer, exercises: string, facts: Record<string, Json>): void {
  const path = join(OUT, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  expected[rel] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), ...facts };
  readmeRows.push([rel, exercises]);
}

const us = (ns: bigint | null): Json => (ns === null ? null : Number(ns / US));

interface ReaderShape {
  container: 'pcap' | 'pcapng';
  byteOrder: Json;
  resolution?: string;
  gzip?: boolean;
  /** Also list ns timestamps (for files that store them). */
  ns?: boolean;
  /** List every record (small files only). */
  records?: boolean;
}

/** The reader-level facts: what a correct reader yields for a whole, undamaged file. */
function readerFacts(w: WrittenFile | { packets: WrittenPacket[] }, shape: ReaderShape, frames?: Frame[]): Record<string, Json> {
  const timed = w.packets.filter((p) => p.tsNs !== null);
  const first = timed[0]?.tsNs ?? null;
  const last = timed[timed.length - 1]?.tsNs ?? null;
  const linktypes: number[] = [];
  for (const p of w.packets) if (!linktypes.includes(p.linktype)) linktypes.push(p.linktype);
  const facts: Record<string, Json> = {
    container: shape.container,
    gzip: shape.gzip ?? false,
    byteOrder: shape.byteOrder,
    ...(shape.resolution ? { resolution: shape.resolution } : {}),
    packets: w.packets.length,
    linktypes,
    firstTsUs: us(first),
    lastTsUs: us(last),
    ...(shape.ns ? { firstTsNs: first === null ? null : String(first), lastTsNs: last === null ? null : String(last) } : {}),
    untimedPackets: w.packets.length - timed.length,
    truncatedPackets: w.packets.filter((p) => p.capLen < p.origLen).length,
    capturedBytes: w.packets.reduce((n, p) => n + p.capLen, 0),
    originalBytes: w.packets.reduce((n, p) => n + p.origLen, 0),
  };
  if (frames) Object.assign(facts, decodeFacts(frames));
  if (shape.records) {
    facts.records = w.packets.map((p, i) => {
      const f = frames?.[i];
      const r: Record<string, Json> = { n: i + 1, tsUs: us(p.tsNs) };
      if (shape.ns) r.tsNs = p.tsNs === null ? null : String(p.tsNs);
      Object.assign(r, { capLen: p.capLen, origLen: p.origLen, linktype: p.linktype });
      if (shape.container === 'pcapng') Object.assign(r, { section: p.section, interfaceId: p.interfaceId, block: blockName(p.blockType) });
      if (f) {
        r.layers = f.layers;
        if (f.malformed) r.malformed = f.malformed;
        if (f.note) r.note = f.note;
      }
      return r;
    });
  }
  return facts;
}

function blockName(t: number | null): string {
  return t === 6 ? 'EPB' : t === 3 ? 'SPB' : t === 2 ? 'PB' : String(t);
}

const COUNTED: Layer[] = ['eth', 'vlan', 'arp', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6'];
const LINKS: Layer[] = ['sll', 'sll2', 'null', 'loop'];

function decodeFacts(frames: Frame[]): Record<string, Json> {
  const counts: Record<string, Json> = {};
  for (const l of COUNTED) counts[l] = frames.filter((f) => f.layers.includes(l)).length;
  counts.vlanTags = frames.reduce((n, f) => n + f.layers.filter((l) => l === 'vlan').length, 0);
  for (const l of LINKS) {
    const n = frames.filter((f) => f.layers.includes(l)).length;
    if (n) counts[l] = n;
  }
  counts.malformed = frames.filter((f) => f.malformed).length;
  return { counts };
}

function reassembly(list: { ip: 'ipv4' | 'ipv6'; src: string; dst: string; id: number; protocol: number; completedAtFrame: number; payload: Buffer }[]): Record<string, Json> {
  return {
    reassembled: { ipv4: list.filter((x) => x.ip === 'ipv4').length, ipv6: list.filter((x) => x.ip === 'ipv6').length },
    datagrams: list.map((x) => ({
      ip: x.ip, src: x.src, dst: x.dst, id: x.id, protocol: x.protocol, completedAtFrame: x.completedAtFrame, length: x.payload.length, payloadHex: x.payload.toString('hex'),
    })),
  };
}

// ---------------------------------------------------------------- format/

function makeFormat(): Frame[] {
  const frames = formatTraffic();
  const pk = packets(frames);
  const what = 'the 20-frame set (ARP, Modbus/TCP session, DNS, ICMP, syslog)';
  for (const [order, res] of [['le', 'us'], ['be', 'us'], ['le', 'ns'], ['be', 'ns']] as const) {
    const w = writePcap(pk, { byteOrder: order, resolution: res });
    const name = `format/pcap-${res}-${order}.pcap`;
    emit(name, w.bytes, `classic pcap, ${res === 'us' ? 'µs (0xa1b2c3d4)' : 'ns (0xa1b23c4d)'}, ${order === 'le' ? 'little' : 'big'}-endian; ${what}`,
      readerFacts(w, { container: 'pcap', byteOrder: order, resolution: res, ns: res === 'ns', records: true }, frames));
    if (name === 'format/pcap-us-le.pcap') {
      emit('format/pcap-us-le.pcap.gz', gzip(w.bytes), 'gzip-compressed pcap-us-le.pcap; readers must sniff the gzip magic 1f 8b',
        readerFacts(w, { container: 'pcap', byteOrder: order, resolution: res, gzip: true }, frames));
    }
  }

  for (const order of ['le', 'be'] as const) {
    const p = new PcapngWriter().section({ byteOrder: order, userAppl: APPL, os: 'Linux' });
    // The BE file states the default resolution explicitly; the LE one relies on the default.
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0', ...(order === 'be' ? { tsresol: 6 } : {}) });
    pk.forEach((x, i) => p.epb(0, x, i === 0 ? { flags: 1 } : i === 1 ? { comment: 'reply from PLC 21' } : undefined));
    const w = p.finish();
    emit(`format/pcapng-${order}.pcapng`, w.bytes, `pcapng, one section (${order === 'le' ? 'little' : 'big'}-endian), one Ethernet IDB, EPBs (two with epb_flags / opt_comment options); ${what}`,
      readerFacts(w, { container: 'pcapng', byteOrder: order, records: true }, frames));
    if (order === 'le') {
      emit('format/pcapng-le.pcapng.gz', gzip(w.bytes), 'gzip-compressed pcapng-le.pcapng', readerFacts(w, { container: 'pcapng', byteOrder: order, gzip: true }, frames));
    }
  }

  {
    const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL, sectionLength: 'computed' });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
    pk.slice(0, 10).forEach((x) => p.epb(0, x));
    p.section({ byteOrder: 'be', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0', tsresol: 9 });
    pk.slice(10).forEach((x) => p.epb(0, x));
    const w = p.finish();
    emit('format/pcapng-multi-section.pcapng', w.bytes,
      'two SHBs: LE section (real Section Length) with frames 1-10, then a BE section (Section Length -1, ns IDB) with 11-20; interface ids restart per section',
      readerFacts(w, { container: 'pcapng', byteOrder: ['le', 'be'], ns: true, records: true }, frames));
  }

  {
    const raw = rawIpTraffic();
    const onRaw = new Set(raw);
    const all = merge(frames, raw);
    const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
    p.iface({ linktype: LINKTYPE.RAW, snaplen: 65535, name: 'tun0', tsresol: 9, tsoffset: 1_704_067_200 });
    for (const f of all) p.epb(onRaw.has(f) ? 1 : 0, packets([f])[0]!);
    const w = p.finish();
    emit('format/pcapng-multi-interface.pcapng', w.bytes,
      'two IDBs: Ethernet (default µs) and raw IP (linktype 101) with if_tsresol=9 and if_tsoffset=1704067200 s (EPB timestamps relative to it); packets interleaved',
      readerFacts(w, { container: 'pcapng', byteOrder: 'le', ns: true, records: true }, all));
  }

  {
    // if_tsresol with the MSB set is a power of two: 0x94 = 2^-20 s. Stored ticks do not map to whole
    // µs, so the expected values are the floor of ticks * 10^6 / 2^20 (and * 10^9 for ns).
    const p = new PcapngWriter().section({ byteOrder: 'be', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0', tsresol: 0x94 });
    pk.forEach((x) => p.epb(0, x));
    const w = p.finish();
    emit('format/pcapng-tsresol-pow2.pcapng', w.bytes, 'pcapng (big-endian) whose IDB has if_tsresol=0x94: timestamps in units of 2^-20 s, not a power of ten',
      readerFacts(w, { container: 'pcapng', byteOrder: 'be', ns: true, records: true }, frames));
  }

  {
    const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
    const rng = new Rng(7);
    pk.forEach((x, i) => {
      if (i % 4 === 1) p.spb(x);
      else if (i % 4 === 2) p.pb(0, x, i === 6 ? 2 : 0);
      else p.epb(0, x);
      // Unknown types a reader must step over by Block Total Length. (Not Custom Blocks: Wireshark
      // lists those as records, which would muddle the packet counts tshark reports.)
      if (i === 1) p.unknown(0x80001234, rng.bytes(13)); // local-use type (§11.1), body padded to 16
      if (i === 6) p.unknown(0x00000f0f, rng.bytes(8)); // reserved, unassigned type
      if (i === 11) p.unknown(0x8000abcd, Buffer.alloc(0)); // smallest legal block: 12 bytes, no body
    });
    p.isb(0, packets([frames[19]!])[0]!.ts, { ifrecv: 20n, ifdrop: 0n });
    const w = p.finish();
    emit('format/pcapng-spb-pb-unknown.pcapng', w.bytes,
      'EPBs mixed with Simple Packet Blocks (no timestamp, interface 0), obsolete Packet Blocks (type 2, one with drops 2), three unknown block types (one a bare 12-byte block) and a trailing ISB: only packet blocks yield packets',
      readerFacts(w, { container: 'pcapng', byteOrder: 'le', records: true }, frames));
  }

  const sllFrames = withLink(frames, 'sll', (u) => sll({ packetType: sllType(u), addr: u.src, protocol: u.etherType, payload: u.payload }));
  const w1 = writePcap(packets(sllFrames), { linktype: LINKTYPE.LINUX_SLL });
  emit('format/linktype-sll.pcap', w1.bytes, 'Linux cooked v1 (linktype 113, 16-byte header) as captured on the HMI with `-i any`: outgoing, host and broadcast packet types',
    readerFacts(w1, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, sllFrames));

  const sll2Frames = withLink(frames, 'sll2', (u) => sll2({ packetType: sllType(u), addr: u.src, protocol: u.etherType, payload: u.payload, ifindex: 2 }));
  const w2 = writePcap(packets(sll2Frames), { linktype: LINKTYPE.LINUX_SLL2 });
  emit('format/linktype-sll2.pcap', w2.bytes, 'Linux cooked v2 (linktype 276, 20-byte header, protocol first, ifindex 2)',
    readerFacts(w2, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, sll2Frames));

  const ip4Only = frames.filter((f) => f.layers.includes('ipv4'));
  const rawFrames = withLink(ip4Only, null, (u) => u.payload);
  const w3 = writePcap(packets(rawFrames), { linktype: LINKTYPE.IPV4 });
  emit('format/linktype-raw.pcap', w3.bytes, 'raw IPv4 (linktype 228, no link header): the IPv4 frames of the set without ARP',
    readerFacts(w3, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, rawFrames));

  const v6 = loopbackV6();
  for (const kind of ['null', 'loop'] as const) {
    const wrapped = merge(
      withLink(ip4Only, kind, (u) => (kind === 'null' ? nullLink(AF.INET, 'le', u.payload) : loopLink(AF.INET, u.payload))),
      v6.map(({ frame, af }) => ({ ...frame, data: kind === 'null' ? nullLink(af, 'le', frame.data) : loopLink(af, frame.data), layers: [kind, ...frame.layers] })),
    );
    const w = writePcap(packets(wrapped), { linktype: kind === 'null' ? LINKTYPE.NULL : LINKTYPE.LOOP });
    emit(`format/linktype-${kind}.pcap`, w.bytes,
      kind === 'null'
        ? 'BSD loopback NULL (linktype 0): 4-byte AF in host order (LE here): 2 for IPv4, 24/28/30 for IPv6 (NetBSD-OpenBSD / FreeBSD / Darwin)'
        : 'OpenBSD LOOP (linktype 108): the same AF values in network byte order',
      readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, wrapped));
  }

  const w4 = writePcap(pk, { snaplen: 64 });
  emit('format/snaplen-truncated.pcap', w4.bytes, 'snaplen 64: frames longer than 64 bytes have caplen 64 < origlen (headers still whole)',
    readerFacts(w4, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames));
  return frames;
}

// ---------------------------------------------------------------- damaged/

function damaged(detail: string, kind: string, offset: number, packetsBefore: number, bytes: Buffer, extra: Record<string, Json> = {}): Record<string, Json> {
  return { packets: packetsBefore, error: { kind, offset, fileSize: bytes.length, detail }, ...extra };
}

function makeDamaged(frames: Frame[]): void {
  const pk = packets(frames);
  const good = writePcap(pk, {});
  const lastRec = good.packets[good.packets.length - 1]!;
  const base = (w: WrittenFile, n: number): Record<string, Json> => {
    const ok = { packets: w.packets.slice(0, n) };
    const f = readerFacts(ok, { container: 'pcap', byteOrder: 'le', resolution: 'us' });
    return { container: f.container!, byteOrder: f.byteOrder!, linktypes: [1], firstTsUs: f.firstTsUs!, lastTsUs: f.lastTsUs! };
  };

  {
    const cut = lastRec.offset + 16 + Math.floor(lastRec.capLen / 2);
    const b = good.bytes.subarray(0, cut);
    emit('damaged/truncated-record.pcap', b, 'file ends in the middle of the last record\'s data: 19 whole packets, then a truncation error',
      { ...base(good, 19), ...damaged(`record 20 header at ${lastRec.offset} says caplen ${lastRec.capLen}; only ${cut - lastRec.offset - 16} data bytes follow`, 'truncated', lastRec.offset, 19, b) });
  }
  {
    const cut = lastRec.offset + 8;
    const b = good.bytes.subarray(0, cut);
    emit('damaged/truncated-header.pcap', b, 'file ends 8 bytes into the last 16-byte record header',
      { ...base(good, 19), ...damaged('record 20 header cut after 8 of 16 bytes', 'truncated', lastRec.offset, 19, b) });
  }
  {
    const b = Buffer.from(good.bytes);
    const rec5 = good.packets[4]!;
    b.writeUInt32LE(0x7fffffff, rec5.offset + 8);
    emit('damaged/corrupt-caplen.pcap', b, 'record 5 claims caplen 0x7fffffff (beyond snaplen and any sane limit); a reader must stop, not allocate or scan',
      { ...base(good, 4), ...damaged('record 5 caplen 2147483647 > snaplen 262144', 'bad-record-length', rec5.offset, 4, b) });
  }

  const png = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL });
  png.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
  pk.forEach((x) => png.epb(0, x));
  const g = png.finish();
  const pngBase = (n: number): Record<string, Json> => {
    const f = readerFacts({ packets: g.packets.slice(0, n) }, { container: 'pcapng', byteOrder: 'le' });
    return { container: 'pcapng', byteOrder: 'le', linktypes: [1], firstTsUs: f.firstTsUs!, lastTsUs: f.lastTsUs! };
  };
  {
    const last = g.packets[g.packets.length - 1]!;
    const cut = last.offset + Math.floor(last.size / 2);
    const b = g.bytes.subarray(0, cut);
    emit('damaged/truncated-block.pcapng', b, 'pcapng cut in the middle of the last EPB',
      { ...pngBase(19), ...damaged(`EPB at ${last.offset} has total length ${last.size}; file ends ${cut - last.offset} bytes into it`, 'truncated', last.offset, 19, b) });
  }
  {
    const b = Buffer.from(g.bytes);
    const blk = g.packets[5]!;
    b.writeUInt32LE(blk.size + 2, blk.offset + 4);
    emit('damaged/corrupt-block-length.pcapng', b, 'the 6th EPB\'s Block Total Length is not a multiple of 4 (size + 2)',
      { ...pngBase(5), ...damaged(`EPB at ${blk.offset}: Block Total Length ${blk.size + 2} is not a multiple of 4`, 'bad-block-length', blk.offset, 5, b) });
  }
  {
    const b = Buffer.from(g.bytes);
    const blk = g.packets[5]!;
    b.writeUInt32LE(blk.size + 4, blk.offset + blk.size - 4);
    emit('damaged/corrupt-block-trailer.pcapng', b, 'the 6th EPB\'s trailing Block Total Length differs from the leading one',
      { ...pngBase(5), ...damaged(`EPB at ${blk.offset}: leading length ${blk.size}, trailing length ${blk.size + 4}`, 'block-length-mismatch', blk.offset, 5, b) });
  }
  {
    const rng = new Rng(404);
    let b = rng.bytes(1024);
    while (/^(d4c3b2a1|a1b2c3d4|4d3cb2a1|a1b23c4d|0a0d0d0a|1f8b)/.test(b.toString('hex'))) b = rng.bytes(1024);
    emit('damaged/not-a-capture.pcap', b, '1024 seeded random bytes: no pcap, pcapng or gzip magic', { packets: 0, error: { kind: 'bad-magic', offset: 0, fileSize: b.length, detail: `first 4 bytes ${b.subarray(0, 4).toString('hex')}` } });
  }
  emit('damaged/empty.pcap', Buffer.alloc(0), '0 bytes', { packets: 0, error: { kind: 'empty', offset: 0, fileSize: 0, detail: 'no file header' } });
  {
    const b = writePcap([], {}).bytes;
    emit('damaged/header-only.pcap', b, 'just the 24-byte global header: a valid capture with zero packets, not an error',
      { container: 'pcap', byteOrder: 'le', resolution: 'us', packets: 0, linktypes: [1], firstTsUs: null, lastTsUs: null, error: null });
  }
}

// ---------------------------------------------------------------- decode/

function ethIp4(from: Host, to: Host, protocol: number, payload: Buffer, ip: Partial<Ipv4Options> = {}, tags?: { tpid?: number; vid: number; pcp?: number }[]): Buffer {
  return ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV4, tags, payload: ipv4({ src: from.ip, dst: to.ip, protocol, payload, ...ip }) });
}

function timed(start: bigint, list: Omit<Frame, 'tsNs'>[], stepUs = 1500): Frame[] {
  return list.map((f, i) => ({ ...f, tsNs: start + BigInt(i) * BigInt(stepUs) * US + BigInt(i * 13) }));
}

function makeVlan(): void {
  const A: Host = { mac: '00:1b:1b:01:00:0a', ip: '10.0.2.10' };
  const B: Host = { mac: '00:80:f4:01:00:14', ip: '10.0.2.20' };
  const A6 = 'fd00:0:0:2::a';
  const B6 = 'fd00:0:0:2::14';
  const u = (p: Buffer): Buffer => udp({ srcPort: 40001, dstPort: 40002, payload: p }, { src: A.ip, dst: B.ip });
  const q = (vid: number, pcp = 0) => ({ vid, pcp });
  const s = (vid: number) => ({ tpid: ETHERTYPE.QINQ, vid });
  const syn = tcp({ srcPort: 50100, dstPort: 502, seq: 1000, flags: TCP_FLAG.SYN, options: synOptions() }, { src: A.ip, dst: B.ip });
  const u6 = udp({ srcPort: 40003, dstPort: 40004, payload: Buffer.from('vlan v6') }, { src: A6, dst: B6 });
  const list: Omit<Frame, 'tsNs'>[] = [
    { data: ethIp4(A, B, IPPROTO.UDP, u(Buffer.from('untagged')), { id: 1 }), layers: ETH_IP4_UDP, note: 'untagged' },
    { data: ethIp4(A, B, IPPROTO.UDP, u(Buffer.from('vlan 10')), { id: 2 }, [q(10)]), layers: ['eth', 'vlan', 'ipv4', 'udp'], note: '802.1Q vid 10' },
    {
      data: ethernet({ dst: BROADCAST_MAC, src: A.mac, etherType: ETHERTYPE.ARP, tags: [q(20, 5)], payload: arp({ op: 'request', senderMac: A.mac, senderIp: A.ip, targetIp: B.ip }) }),
      layers: ['eth', 'vlan', 'arp'], note: '802.1Q vid 20 pcp 5, ARP',
    },
    { data: ethIp4(A, B, IPPROTO.TCP, syn, { id: 3, df: true }, [s(100), q(10)]), layers: ['eth', 'vlan', 'vlan', 'ipv4', 'tcp'], note: 'QinQ: S-tag 0x88a8 vid 100, C-tag vid 10' },
    {
      data: ethernet({ dst: B.mac, src: A.mac, etherType: ETHERTYPE.IPV6, tags: [s(100), q(30)], payload: ipv6({ src: A6, dst: B6, nextHeader: IPPROTO.UDP, payload: u6 }) }),
      layers: ['eth', 'vlan', 'vlan', 'ipv6', 'udp'], note: 'QinQ, IPv6',
    },
    {
      data: ethIp4(A, B, IPPROTO.ICMP, icmpEcho({ reply: false, id: 4, seq: 1, data: Buffer.from('double 8100') }), { id: 4 }, [q(200), q(10)]),
      layers: ['eth', 'vlan', 'vlan', 'ipv4', 'icmp'], note: 'legacy double tag: 0x8100 outer and inner',
    },
    { data: arpFrame({ op: 'reply', senderMac: B.mac, senderIp: B.ip, targetMac: A.mac, targetIp: A.ip }), layers: ['eth', 'arp'], note: 'untagged ARP' },
    { data: ethIp4(A, B, IPPROTO.UDP, u(Buffer.from('priority tag')), { id: 5 }, [q(0, 6)]), layers: ['eth', 'vlan', 'ipv4', 'udp'], note: 'priority-tagged: vid 0, pcp 6' },
  ];
  const frames = timed(T0 + 1n * S, list);
  const w = writePcap(packets(frames), {});
  emit('decode/vlan-qinq.pcap', w.bytes, 'untagged, 802.1Q, priority-tagged (vid 0), QinQ (0x88a8 + 0x8100) and legacy double 0x8100 frames carrying IPv4/IPv6/ARP',
    readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames));
}

function makeFragments(): void {
  const rng = new Rng(202);
  const A: Host = { mac: '00:1b:1b:02:00:0a', ip: '10.0.3.10' };
  const B: Host = { mac: '00:80:f4:02:00:14', ip: '10.0.3.20' };
  const datagram = (id: number, len: number, opts?: Buffer): Buffer => {
    const body = Buffer.from(Array.from({ length: len }, (_, i) => 0x20 + ((i * 7 + id) % 95)));
    return ipv4({ src: A.ip, dst: B.ip, protocol: IPPROTO.UDP, id, payload: udp({ srcPort: 41000, dstPort: 41001, payload: body }, { src: A.ip, dst: B.ip }), options: opts });
  };
  const eth = (p: Buffer): Buffer => ethernet({ dst: B.mac, src: A.mac, etherType: ETHERTYPE.IPV4, payload: p });
  const frag: Layer[] = ['eth', 'ipv4'];
  const RA_RR = Buffer.from([0x94, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0]); // Router Alert (copied), Record Route (first fragment only)
  const dA = datagram(0x1001, 600);
  const dB = datagram(0x1002, 700);
  const dC = datagram(0x1003, 500);
  const dD = datagram(0x1004, 600);
  const dE = datagram(0x1005, 400, RA_RR);
  const list: Omit<Frame, 'tsNs'>[] = [];
  const done: Parameters<typeof reassembly>[0] = [];
  const add = (d: Buffer, frags: Buffer[], note: string, completes: boolean): void => {
    frags.forEach((f, i) => list.push({ data: eth(f), layers: frag, note: `${note} ${i + 1}/${frags.length}` }));
    if (completes) done.push({ ip: 'ipv4', src: A.ip, dst: B.ip, id: d.readUInt16BE(4), protocol: IPPROTO.UDP, completedAtFrame: list.length, payload: d.subarray((d[0]! & 0xf) * 4) });
  };
  list.push({ data: eth(ipv4({ src: A.ip, dst: B.ip, protocol: IPPROTO.UDP, id: 0x0fff, df: true, options: Buffer.from([0x94, 4, 0, 0]), payload: udp({ srcPort: 41000, dstPort: 41001, payload: Buffer.from('not fragmented, DF, router alert') }, { src: A.ip, dst: B.ip }) })), layers: ETH_IP4_UDP, note: 'DF with IP options (IHL 6)' });
  add(dA, fragmentIpv4(dA, { count: 3 }), 'in order', true);
  add(dB, fragmentIpv4(dB, { count: 4, order: 'shuffled', rng }), 'shuffled', true);
  add(dC, fragmentIpv4(dC, { count: 3, overlap: true }), 'overlapping by 8 identical bytes', true);
  add(dD, fragmentIpv4(dD, { count: 3 }).slice(0, 2), 'never completed (last fragment missing)', false);
  add(dE, fragmentIpv4(dE, { count: 2 }), 'options: first fragment RA+RR (IHL 8), second RA only (IHL 6)', true);
  const frames = timed(T0 + 2n * S, list, 700);
  const w = writePcap(packets(frames), {});
  emit('decode/ipv4-fragments.pcap', w.bytes,
    'IPv4 fragmentation: UDP datagrams in 3 fragments in order, 4 shuffled, 3 overlapping (identical bytes), one train never completed, one with options only partly copied; plus a DF packet with options',
    { ...readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames), ...reassembly(done), incompleteDatagrams: 1 });
}

function makeIpv6Ext(): void {
  const rng = new Rng(303);
  const A: Host = { mac: '00:1b:1b:03:00:0a', ip: 'fd00:0:0:3::a' };
  const B: Host = { mac: '00:80:f4:03:00:14', ip: 'fd00:0:0:3::14' };
  const MID = 'fd00:0:0:3::1';
  const chain: Ipv6Ext[] = [{ kind: 'hop-by-hop' }, { kind: 'dest-opts' }, { kind: 'routing', segments: [B.ip, MID], segmentsLeft: 0 }];
  const chainLayers: Layer[] = ['eth', 'ipv6', 'ipv6-hop', 'ipv6-dst', 'ipv6-route'];
  const eth = (from: Host, to: Host, p: Buffer): Buffer => ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV6, payload: p });
  const syn = tcp({ srcPort: 50200, dstPort: 502, seq: 0x11223344, flags: TCP_FLAG.SYN, options: synOptions() }, { src: A.ip, dst: B.ip });
  const synack = tcp({ srcPort: 502, dstPort: 50200, seq: 0x55667788, ack: 0x11223345, flags: TCP_FLAG.SYN | TCP_FLAG.ACK, options: synOptions() }, { src: B.ip, dst: A.ip });
  const u1 = udp({ srcPort: 41002, dstPort: 41003, payload: Buffer.from('udp behind hop-by-hop, dest-opts, routing') }, { src: A.ip, dst: B.ip });
  const u2 = udp({ srcPort: 41002, dstPort: 41003, payload: Buffer.from('udp behind dest-opts') }, { src: A.ip, dst: B.ip });
  const big = (len: number, seed: number): Buffer => udp({ srcPort: 41004, dstPort: 41005, payload: Buffer.from(Array.from({ length: len }, (_, i) => 0x41 + ((i + seed) % 26))) }, { src: A.ip, dst: B.ip });
  const f1 = big(600, 1);
  const f2 = big(300, 2);
  const list: Omit<Frame, 'tsNs'>[] = [
    { data: eth(A, B, ipv6({ src: A.ip, dst: B.ip, nextHeader: IPPROTO.TCP, payload: syn, ext: chain })), layers: [...chainLayers, 'tcp'], note: 'TCP SYN behind HBH (router alert) + dest-opts + SRH (segments left 0)' },
    { data: eth(B, A, ipv6({ src: B.ip, dst: A.ip, nextHeader: IPPROTO.TCP, payload: synack })), layers: ['eth', 'ipv6', 'tcp'], note: 'plain reply' },
    { data: eth(A, B, ipv6({ src: A.ip, dst: B.ip, nextHeader: IPPROTO.UDP, payload: u1, ext: chain })), layers: [...chainLayers, 'udp'] },
    { data: eth(A, B, ipv6({ src: A.ip, dst: B.ip, nextHeader: IPPROTO.UDP, payload: u2, ext: [{ kind: 'dest-opts' }] })), layers: ['eth', 'ipv6', 'ipv6-dst', 'udp'] },
  ];
  const done: Parameters<typeof reassembly>[0] = [];
  const fr1 = fragmentIpv6({ src: A.ip, dst: B.ip, nextHeader: IPPROTO.UDP, payload: f1, id: 0xabc001, unfragmentable: [{ kind: 'hop-by-hop' }] }, { count: 3 });
  fr1.forEach((f, i) => list.push({ data: eth(A, B, f), layers: ['eth', 'ipv6', 'ipv6-hop', 'ipv6-frag'], note: `HBH then fragment header, in order ${i + 1}/3` }));
  done.push({ ip: 'ipv6', src: A.ip, dst: B.ip, id: 0xabc001, protocol: IPPROTO.UDP, completedAtFrame: list.length, payload: f1 });
  const fr2 = fragmentIpv6({ src: A.ip, dst: B.ip, nextHeader: IPPROTO.UDP, payload: f2, id: 0xabc002 }, { count: 2, order: 'shuffled', rng });
  fr2.forEach((f, i) => list.push({ data: eth(A, B, f), layers: ['eth', 'ipv6', 'ipv6-frag'], note: `fragment header only, reversed ${i + 1}/2` }));
  done.push({ ip: 'ipv6', src: A.ip, dst: B.ip, id: 0xabc002, protocol: IPPROTO.UDP, completedAtFrame: list.length, payload: f2 });
  const frames = timed(T0 + 3n * S, list, 900);
  const w = writePcap(packets(frames), {});
  emit('decode/ipv6-ext-headers.pcap', w.bytes,
    'IPv6 extension chains: TCP and UDP behind hop-by-hop + destination options + routing (SRH), UDP behind dest-opts; two fragmented UDP datagrams (with and without HBH before the fragment header)',
    { ...readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames), ...reassembly(done), incompleteDatagrams: 0 });
}

function makeIcmp(): void {
  const A: Host = { mac: '00:1b:1b:04:00:0a', ip: '10.0.4.10' };
  const B: Host = { mac: '00:80:f4:04:00:14', ip: '10.0.4.20' };
  const A6 = 'fd00:0:0:4::a';
  const B6 = 'fd00:0:0:4::14';
  const data = Buffer.from('abcdefghijklmnopqrstuvwabcdefghi');
  const v6 = (from: Host, to: Host, src: string, dst: string, reply: boolean, seq: number): Buffer =>
    ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV6, payload: ipv6({ src, dst, nextHeader: IPPROTO.ICMPV6, payload: icmpv6Echo({ reply, id: 0x99, seq, data }, { src, dst }) }) });
  // Port unreachable quotes the offending IP header + 8 bytes (RFC 792); those inner headers are not counted.
  const offending = ipv4({ src: A.ip, dst: B.ip, protocol: IPPROTO.UDP, id: 0x4444, payload: udp({ srcPort: 41010, dstPort: 9, payload: Buffer.from('discard me') }, { src: A.ip, dst: B.ip }) });
  const unreachable = icmp({ type: 3, code: 3, data: offending.subarray(0, 28) });
  const list: Omit<Frame, 'tsNs'>[] = [
    { data: ethIp4(A, B, IPPROTO.ICMP, icmpEcho({ reply: false, id: 0x10, seq: 1, data }), { id: 0x2001 }), layers: ['eth', 'ipv4', 'icmp'] },
    { data: ethIp4(B, A, IPPROTO.ICMP, icmpEcho({ reply: true, id: 0x10, seq: 1, data }), { id: 0x3001 }), layers: ['eth', 'ipv4', 'icmp'] },
    { data: ethIp4(A, B, IPPROTO.ICMP, icmpEcho({ reply: false, id: 0x10, seq: 2, data }), { id: 0x2002 }), layers: ['eth', 'ipv4', 'icmp'] },
    { data: ethIp4(B, A, IPPROTO.ICMP, icmpEcho({ reply: true, id: 0x10, seq: 2, data }), { id: 0x3002 }), layers: ['eth', 'ipv4', 'icmp'] },
    { data: v6(A, B, A6, B6, false, 1), layers: ['eth', 'ipv6', 'icmpv6'] },
    { data: v6(B, A, B6, A6, true, 1), layers: ['eth', 'ipv6', 'icmpv6'] },
    { data: ethIp4(B, A, IPPROTO.ICMP, unreachable, { id: 0x3003 }), layers: ['eth', 'ipv4', 'icmp'], note: 'port unreachable quoting IPv4+UDP: quoted headers are not counted' },
  ];
  const frames = timed(T0 + 4n * S, list, 1000);
  const w = writePcap(packets(frames), {});
  emit('decode/icmp.pcap', w.bytes, 'ICMP echo request/reply pairs, ICMPv6 echo (pseudo-header checksum), an ICMP port unreachable quoting IPv4+UDP',
    readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames));
}

function makeMalformed(): void {
  const A: Host = { mac: '00:1b:1b:05:00:0a', ip: '10.0.5.10' };
  const B: Host = { mac: '00:80:f4:05:00:14', ip: '10.0.5.20' };
  const p = { src: A.ip, dst: B.ip };
  const okUdp = udp({ srcPort: 41020, dstPort: 41021, payload: Buffer.from('valid') }, p);
  const e = (payload: Buffer, etherType: number = ETHERTYPE.IPV4, pad = true): Buffer => ethernet({ dst: B.mac, src: A.mac, etherType, payload, pad });
  const tcpSeg = (dataOffset?: number, payload = Buffer.alloc(0)): Buffer => tcp({ srcPort: 50300, dstPort: 502, seq: 1, ack: 1, flags: TCP_FLAG.ACK, payload, dataOffset }, p);
  const badUdp = (length: number): Buffer => udp({ srcPort: 41020, dstPort: 41021, payload: Buffer.from('x'.repeat(20)), length }, p);
  const list: Omit<Frame, 'tsNs'>[] = [
    { data: e(ipv4({ ...p, protocol: IPPROTO.UDP, payload: okUdp, id: 1 })), layers: ETH_IP4_UDP, note: 'valid' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.UDP, payload: okUdp, id: 2, ihl: 4 })), layers: ['eth'], malformed: 'ipv4', note: 'IHL 4 (< 5)' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.UDP, payload: okUdp, id: 3, totalLength: 1000 })), layers: ['eth'], malformed: 'ipv4', note: 'total length 1000 > 46 bytes in the frame' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.TCP, payload: tcpSeg(4, Buffer.from('abcd')), id: 4 })), layers: ['eth', 'ipv4'], malformed: 'tcp', note: 'TCP data offset 4 (< 5)' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.TCP, payload: tcpSeg(15), id: 5 })), layers: ['eth', 'ipv4'], malformed: 'tcp', note: 'TCP data offset 15 (60 bytes) > 20-byte segment' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.TCP, payload: tcpSeg().subarray(0, 10), id: 6 })), layers: ['eth', 'ipv4'], malformed: 'tcp', note: 'only 10 bytes of TCP header (IP total length 30; the rest of the frame is Ethernet padding)' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.UDP, payload: badUdp(200), id: 7 })), layers: ['eth', 'ipv4'], malformed: 'udp', note: 'UDP length 200 > 28 bytes of IP payload' },
    { data: e(ipv4({ ...p, protocol: IPPROTO.UDP, payload: badUdp(4), id: 8 })), layers: ['eth', 'ipv4'], malformed: 'udp', note: 'UDP length 4 (< 8)' },
    { data: Buffer.from(e(Buffer.alloc(0)).subarray(0, 10)), layers: [], malformed: 'eth', note: '10-byte frame: truncated Ethernet header' },
    { data: e(arp({ op: 'request', senderMac: A.mac, senderIp: A.ip, targetIp: B.ip }).subarray(0, 20), ETHERTYPE.ARP, false), layers: ['eth'], malformed: 'arp', note: 'ARP cut to 20 of 28 bytes (frame not padded)' },
    {
      data: e(ipv6({ src: 'fd00:0:0:5::a', dst: 'fd00:0:0:5::14', nextHeader: IPPROTO.UDP, payloadLength: 900, payload: udp({ srcPort: 1, dstPort: 2, payload: Buffer.from('v6') }, { src: 'fd00:0:0:5::a', dst: 'fd00:0:0:5::14' }) }), ETHERTYPE.IPV6),
      layers: ['eth'], malformed: 'ipv6', note: 'IPv6 payload length 900 > frame',
    },
    { data: e(ipv4({ ...p, protocol: IPPROTO.TCP, payload: tcpSeg(undefined, Buffer.from('valid tcp')), id: 9 })), layers: ETH_IP4_TCP, note: 'valid' },
  ];
  const frames = timed(T0 + 5n * S, list, 1000);
  const w = writePcap(packets(frames), {});
  emit('decode/malformed-l3l4.pcap', w.bytes,
    'malformed headers a decoder must reject without throwing: IPv4 IHL<5, total length > frame, TCP data offset <5 and > segment, truncated TCP, UDP length mismatch, 10-byte frame, short ARP, IPv6 payload length > frame',
    readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames));
}

// ---------------------------------------------------------------- tcp/

const TC: Endpoint = { mac: '00:14:22:06:00:0a', ip: '10.0.6.10', port: 51000 };
const TS: Endpoint = { mac: '00:1b:1b:06:00:14', ip: '10.0.6.20', port: 15000 };

function scenarioMessages(): { from: 'client' | 'server'; data: Buffer }[] {
  const rng = new Rng(505);
  return [
    { from: 'client', data: record(rng, 'C1', 30) },
    { from: 'server', data: record(rng, 'S1', 600) },
    { from: 'client', data: Buffer.concat([record(rng, 'C2', 10), record(rng, 'C3', 12)]) }, // two records in one write
    { from: 'server', data: record(rng, 'S2', 40) },
    { from: 'client', data: record(rng, 'C4', 900) },
    { from: 'server', data: record(rng, 'S3', 8) },
    { from: 'server', data: record(rng, 'S4', 300) },
    { from: 'client', data: record(rng, 'C5', 16) },
  ];
}

function tcpFacts(c: ConversationResult, client: Endpoint, server: Endpoint): Json {
  const holes = (dir: 'c2s' | 's2c'): number[] =>
    c.capturedAt[dir].slice(1).map((start, k) => start - (c.capturedAt[dir][k]! + c.captured[dir][k]!.length));
  return {
    client: `${client.ip}:${client.port}`,
    server: `${server.ip}:${server.port}`,
    c2sHex: c.captured.c2s.map((b) => b.toString('hex')),
    s2cHex: c.captured.s2c.map((b) => b.toString('hex')),
    c2sHoles: holes('c2s'),
    s2cHoles: holes('s2c'),
    c2sRecords: wholeRecords(c.sent.c2s, c.captured.c2s, c.capturedAt.c2s),
    s2cRecords: wholeRecords(c.sent.s2c, c.captured.s2c, c.capturedAt.s2c),
  };
}

function makeTcp(): void {
  // Data segments in send order (segment size 256): 0 C1 | 1-3 S1 | 4 C2+C3 | 5 S2 | 6-9 C4 | 10 S3 | 11-12 S4 | 13 C5.
  const scenarios: [string, string, Partial<Parameters<typeof tcpConversation>[0]>][] = [
    ['in-order', 'a client/server exchange of 4-byte length-prefixed records, both directions; records span segments and two share one segment', {}],
    ['reordered', 'same bytes as in-order.pcap; data segments 1<->2 (server) and 7<->8 (client) captured swapped', { swap: [1, 7] }],
    ['retransmitted', 'same bytes; segments 0, 5 and 8 captured twice, plus a retransmission from the middle of segment 11 to the middle of 12 (partial overlap)', { retransmit: [0, 5, 8], overlapRetransmit: [11] }],
    ['gap', 'segment 2 (middle of the 600-byte server record S1) missing from the capture; ACKs still cover it', { drop: [2] }],
    ['midstream', 'capture starts after the handshake and the first request/response: no SYN, first segment is C2+C3 at a record boundary', { skipMessages: 2 }],
  ];
  scenarios.forEach(([name, what, opt]) => {
    const conv = tcpConversation({
      client: TC, server: TS, startNs: T0 + 6n * S, rng: new Rng(600), segmentSize: 256,
      clientIsn: 0x10000000, serverIsn: 0x20000000, messages: scenarioMessages(), ...opt,
    });
    const frames = convFrames(conv);
    const w = writePcap(packets(frames), {});
    const facts = readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us' }, frames);
    emit(`tcp/${name}.pcap`, w.bytes, what, {
      ...facts,
      tcp: { connections: 1, handshakeCaptured: !opt.skipMessages, closeCaptured: true, flows: [tcpFacts(conv, TC, TS)] },
    });
  });

  // many-flows: 200 short TCP connections and 50 UDP exchanges among six hosts, interleaved over a minute.
  const rng = new Rng(707);
  const hosts: Host[] = [
    { mac: '00:14:22:07:00:01', ip: '10.0.7.1' },
    { mac: '3c:d9:2b:07:00:02', ip: '10.0.7.2' },
    { mac: '00:80:f4:07:00:03', ip: '10.0.7.3' },
    { mac: '00:1b:1b:07:00:04', ip: '10.0.7.4' },
    { mac: '00:00:bc:07:00:05', ip: '10.0.7.5' },
    { mac: '00:1b:1b:07:00:06', ip: '10.0.7.6' },
  ];
  const lists: Frame[][] = [];
  const tcpFlows: Json[] = [];
  for (let i = 0; i < 200; i++) {
    const ci = rng.int(0, 5);
    const si = (ci + rng.int(1, 5)) % 6;
    const client = { ...hosts[ci]!, port: 40000 + i };
    const server = { ...hosts[si]!, port: 15000 + rng.int(0, 3) };
    const msgs = Array.from({ length: rng.int(1, 3) * 2 }, (_, k) => ({ from: (k % 2 ? 'server' : 'client') as 'client' | 'server', data: record(rng, `F${i}M${k}`, rng.int(4, 300)) }));
    const conv = tcpConversation({ client, server, startNs: T0 + 10n * S + BigInt(rng.int(0, 60_000_000)) * US, rng, messages: msgs });
    lists.push(convFrames(conv));
    tcpFlows.push({ client: `${client.ip}:${client.port}`, server: `${server.ip}:${server.port}`, packets: conv.frames.length, c2sBytes: conv.sent.c2s.length, s2cBytes: conv.sent.s2c.length });
  }
  const udpFlows: Json[] = [];
  for (let i = 0; i < 50; i++) {
    const ci = rng.int(0, 5);
    const si = (ci + rng.int(1, 5)) % 6;
    const [c, s] = [hosts[ci]!, hosts[si]!];
    const t = T0 + 10n * S + BigInt(rng.int(0, 60_000_000)) * US;
    const req = record(rng, `U${i}Q`, rng.int(4, 200));
    const resp = record(rng, `U${i}R`, rng.int(4, 400));
    lists.push([
      { tsNs: t, data: udpFrame(c, s, 45000 + i, 16000, req, { id: rng.int(1, 65535) }), layers: ETH_IP4_UDP },
      { tsNs: t + BigInt(rng.int(300, 5000)) * US, data: udpFrame(s, c, 16000, 45000 + i, resp, { id: rng.int(1, 65535) }), layers: ETH_IP4_UDP },
    ]);
    udpFlows.push({ client: `${c.ip}:${45000 + i}`, server: `${s.ip}:16000`, packets: 2, c2sBytes: req.length, s2cBytes: resp.length });
  }
  const frames = merge(...lists);
  const w = writePcap(packets(frames), {});
  emit('tcp/many-flows.pcap', w.bytes, '200 short TCP connections (handshake, 1-3 request/response records, FIN) and 50 UDP request/response exchanges among six hosts, interleaved over 60 s',
    { ...readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us' }, frames), tcp: { connections: 200, flows: tcpFlows }, udp: { exchanges: 50, flows: udpFlows } });
}

// ---------------------------------------------------------------- demo/

function makeDemo(): void {
  const rng = new Rng(2024);
  const DURATION_S = 600;
  const lists: Frame[][] = [];
  const single = (tsNs: bigint, data: Buffer, layers: Layer[]): void => void lists.push([{ tsNs, data, layers }]);
  const arpPair = (t: bigint, asker: Host, target: Host, replyUs = 450): void => {
    single(t, arpFrame({ op: 'request', senderMac: asker.mac, senderIp: asker.ip, targetIp: target.ip }), ['eth', 'arp']);
    single(t + BigInt(replyUs) * US, arpFrame({ op: 'reply', senderMac: target.mac, senderIp: target.ip, targetMac: asker.mac, targetIp: asker.ip }), ['eth', 'arp']);
  };
  let srvIpId = 1200;
  let hmiIpId = 20000;
  let engIpId = 300;
  const ipId = (h: Host): number => (h === SRV ? srvIpId++ : h === HMI ? hmiIpId++ : engIpId++) & 0xffff;
  const ttl = (h: Host): number => (h === SRV || h === HMI || h === ENG ? 128 : 64);
  const udpPair = (t: bigint, c: Host, s: Host, cport: number, sport: number, req: Buffer, resp: Buffer, respUs: number): void => {
    single(t, udpFrame(c, s, cport, sport, req, { id: ipId(c), ttl: ttl(c) }), ETH_IP4_UDP);
    single(t + BigInt(respUs) * US, udpFrame(s, c, sport, cport, resp, { id: ipId(s), ttl: ttl(s) }), ETH_IP4_UDP);
  };
  const dnsPair = (t: bigint, c: Host, cport: number, id: number, name: string, answer: string | null): void => {
    udpPair(t, c, SRV, cport, 53, dns({ id, name, qtype: 1, response: false }),
      dns({ id, name, qtype: 1, response: true, answers: answer ? [ip4(answer)] : [], rcode: answer ? 0 : 3 }), rng.int(300, 900));
  };
  const ntpPair = (t: bigint, c: Host): void => {
    const rx = t + 180_000n;
    udpPair(t, c, SRV, 123, 123, ntp({ mode: 3, txNs: t }), ntp({ mode: 4, origNs: t, rxNs: rx, txNs: rx + 40_000n }), 260);
  };

  // Start of capture: the HMI resolves its PLCs, ARPs for them and opens one Modbus/TCP session each.
  arpPair(T0 + 5n * MS, HMI, SRV);
  const plcs = [
    { host: PLC21, port: 49801, addr: 0, qty: 10, isn: 0x3a00_0000, sIsn: 0x0100_0000, base: 200 },
    { host: PLC22, port: 49802, addr: 100, qty: 8, isn: 0x7b10_2000, sIsn: 0x5000_0000, base: 1000 },
    // Server ISN just below 2^32: the response stream's sequence numbers wrap during the capture.
    { host: PLC23, port: 49803, addr: 0, qty: 16, isn: 0xc000_0000, sIsn: 0xffff_f000, base: 50 },
  ];
  let fc3 = 0;
  plcs.forEach((p, i) => {
    const t = T0 + 20n * MS + BigInt(i) * 30n * MS;
    dnsPair(t, HMI, 53100 + i, 0x3000 + i, `plc-${p.host.ip.split('.')[3]}.${DOMAIN}`, p.host.ip);
    arpPair(t + 5n * MS, HMI, p.host, 300 + i * 50);
    const values = Array.from({ length: p.qty }, (_, k) => p.base + k * 10);
    const messages: { from: 'client' | 'server'; data: Buffer; delayUs: number }[] = [];
    for (let k = 0; k < DURATION_S; k++) {
      const tid = (k + 1) & 0xffff;
      values.forEach((v, j) => (values[j] = Math.max(0, Math.min(65535, v + rng.int(-3, 3)))));
      const respUs = rng.int(1500, 8000); // PLC scan-cycle latency
      // Polls 1 s apart: think time = 1 s minus the previous response time and the 200 ms delayed ACK.
      messages.push({ from: 'client', data: modbus.readReq(tid, 1, p.addr, p.qty), delayUs: k === 0 ? 200_000 : 800_000 - rng.int(0, 2000) - (messages[messages.length - 1]?.delayUs ?? 0) });
      messages.push({ from: 'server', data: modbus.readResp(tid, 1, values), delayUs: respUs });
      fc3++;
    }
    const conv = tcpConversation({
      client: at(HMI, p.port), server: at(p.host, 502), startNs: t + 10n * MS, rng, messages, clientIsn: p.isn, serverIsn: p.sIsn,
      clientTtl: 128, serverTtl: 64, close: false, delayedAckUs: 200_000,
    });
    lists.push(convFrames(conv));
  });

  // NTP from the HMI every 64 s.
  for (let t = 30; t < DURATION_S; t += 64) ntpPair(T0 + BigInt(t) * S + BigInt(rng.int(0, 999_999)) * 1000n, HMI);
  // Periodic ARP refreshes, and one DNS NXDOMAIN.
  arpPair(T0 + 120n * S + 17n * MS, PLC21, HMI);
  arpPair(T0 + 250n * S + 3n * MS, PLC22, HMI);
  arpPair(T0 + 400n * S + 41n * MS, PLC23, HMI);
  arpPair(T0 + 305n * S + 9n * MS, HMI, SRV);
  dnsPair(T0 + 310n * S, HMI, 53200, 0x3100, `historian.${DOMAIN}`, null);

  // The engineering station boots at t=240 s: DHCP, gratuitous ARP, DNS, NTP; at t=300 s one FC16 write.
  const xid = 0x5e3a9c01;
  const bootReq = (type: number, extra: [number, Buffer][]): Buffer =>
    dhcp({ op: 1, xid, chaddr: ENG.mac, options: [[53, Buffer.from([type])], [61, Buffer.concat([Buffer.from([1]), Buffer.from(ENG.mac.split(':').map((x) => parseInt(x, 16)))])], ...extra, [12, Buffer.from('ENG-WS01')], [55, Buffer.from([1, 3, 6, 15, 42])]] });
  const bootRep = (type: number): Buffer =>
    dhcp({ op: 2, xid, chaddr: ENG.mac, yiaddr: ENG.ip, options: [[53, Buffer.from([type])], [54, ip4(SRV.ip)], [51, u32be(86400)], [1, ip4('255.255.255.0')], [3, ip4('10.0.0.1')], [6, ip4(SRV.ip)], [15, Buffer.from(DOMAIN)], [42, ip4(SRV.ip)]] });
  const zero: Host = { mac: ENG.mac, ip: '0.0.0.0' };
  const bcast: Host = { mac: BROADCAST_MAC, ip: '255.255.255.255' };
  const tb = T0 + 240n * S + 123n * MS;
  single(tb, udpFrame(zero, bcast, 68, 67, bootReq(1, []), { ttl: 128 }), ETH_IP4_UDP);
  single(tb + 12n * MS, udpFrame(SRV, ENG, 67, 68, bootRep(2), { id: ipId(SRV), ttl: 128 }), ETH_IP4_UDP);
  single(tb + 1012n * MS, udpFrame(zero, bcast, 68, 67, bootReq(3, [[50, ip4(ENG.ip)], [54, ip4(SRV.ip)]]), { ttl: 128 }), ETH_IP4_UDP);
  single(tb + 1025n * MS, udpFrame(SRV, ENG, 67, 68, bootRep(5), { id: ipId(SRV), ttl: 128 }), ETH_IP4_UDP);
  single(tb + 1100n * MS, arpFrame({ op: 'request', senderMac: ENG.mac, senderIp: ENG.ip, targetIp: ENG.ip }), ['eth', 'arp']); // gratuitous ARP
  arpPair(tb + 1500n * MS, ENG, SRV);
  dnsPair(tb + 1510n * MS, ENG, 60001, 0x7001, `plc-22.${DOMAIN}`, PLC22.ip);
  ntpPair(tb + 1600n * MS, ENG);
  const tw = T0 + 300n * S + 250n * MS;
  arpPair(tw, ENG, PLC22, 520);
  const eng = tcpConversation({
    client: at(ENG, 50212), server: at(PLC22, 502), startNs: tw + 2n * MS, rng, clientTtl: 128, serverTtl: 64, delayedAckUs: 200_000,
    messages: [
      { from: 'client', data: modbus.readReq(1, 1, 200, 2), delayUs: 1000 },
      { from: 'server', data: modbus.readResp(1, 1, [1500, 20]), delayUs: 4000 },
      { from: 'client', data: modbus.writeReq(2, 1, 200, [1650, 25]), delayUs: 1_500_000 },
      { from: 'server', data: modbus.writeResp(2, 1, 200, 2), delayUs: 6000 },
      { from: 'client', data: modbus.readReq(3, 1, 200, 2), delayUs: 300_000 },
      { from: 'server', data: modbus.readResp(3, 1, [1650, 25]), delayUs: 4000 },
    ],
  });
  lists.push(convFrames(eng));
  fc3 += 2;

  const frames = merge(...lists);
  const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL, hardware: 'otsensor demo', os: 'Linux' });
  p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'span0', description: 'SPAN port of the cell-1 switch' });
  for (const x of packets(frames)) p.epb(0, x);
  const w = p.finish();
  const hosts = [SRV, HMI, PLC21, PLC22, PLC23, ENG].map((h) => ({ ip: h.ip, mac: h.mac }));
  emit('demo/plant-demo.pcapng', w.bytes,
    'bundled demo (otsensor run): 10 min of a plant cell: HMI 10.0.0.10 polls Modbus/TCP PLCs .21-.23 (FC3) every second, engineering station .50 gets DHCP and writes once (FC16), ARP, DNS, NTP',
    {
      ...readerFacts(w, { container: 'pcapng', byteOrder: 'le' }, frames),
      hosts,
      modbus: { sessions: 4, fc3Requests: fc3, fc3Responses: fc3, fc16Requests: 1, fc16Responses: 1, exceptions: 0 },
    });
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

// ---------------------------------------------------------------- output

/** JSON with short flat values on one line, so per-record lists stay readable. */
function render(v: Json, indent = ''): string {
  const flat = JSON.stringify(v);
  const isFlat = (x: Json): boolean => x === null || typeof x !== 'object' || (Array.isArray(x) ? x.every((y) => y === null || typeof y !== 'object') : Object.values(x).every((y) => y === null || typeof y !== 'object' || (Array.isArray(y) && y.every((z) => typeof z !== 'object'))));
  if (v === null || typeof v !== 'object' || (isFlat(v) && flat.length + indent.length <= 200)) return flat;
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + render(x, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner)}`).join(',\n')}\n${indent}}`;
}

const ABOUT: Json = {
  generator: GENERATOR,
  note: 'Facts a correct reader/decoder reports for each file in pcaps/. Timestamps are integers since the Unix epoch; *TsNs are decimal strings (beyond 2^53).',
  fields: {
    bytes: 'file size; sha256: of the file as written (gzip files: of the compressed bytes)',
    container: 'pcap | pcapng (after gunzip when gzip is true)',
    byteOrder: "'le' | 'be', or a list per pcapng section",
    resolution: "classic pcap only: 'us' (magic 0xa1b2c3d4) or 'ns' (0xa1b23c4d)",
    packets: 'packets the reader yields (damaged files: the whole packets before the damage)',
    linktypes: 'distinct link types of yielded packets, in order of first use',
    firstTsUs: 'timestamp of the first timed packet, integer microseconds (floor); lastTsUs likewise for the last. null when none',
    firstTsNs: 'the same in nanoseconds, for files that store sub-microsecond time (pcapng 2^-n resolutions floor to ns)',
    untimedPackets: 'packets without a timestamp (pcapng Simple Packet Blocks)',
    truncatedPackets: 'packets with capLen < origLen',
    capturedBytes: 'sum of capLen; originalBytes: sum of origLen',
    records: 'per packet in file order: n (1-based), tsUs, tsNs, capLen, origLen, linktype, section/interfaceId/block (pcapng), layers, malformed, note',
    layers: 'headers a decoder parses from the frame alone: eth vlan (one per tag) sll sll2 null loop arp ipv4 ipv6 ipv6-hop ipv6-dst ipv6-route ipv6-frag tcp udp icmp icmpv6. Not counted: headers quoted inside ICMP errors, and L4 headers inside IP fragments (those belong to the reassembled datagram)',
    malformed: 'the first header a decoder must reject; layers lists the ones before it',
    counts: 'number of yielded packets whose layers include each protocol; vlanTags = total tags; malformed = packets with a malformed header',
    reassembled: 'number of IPv4 / IPv6 datagrams that reassemble completely; datagrams[] gives each one: completedAtFrame (1-based frame that completes it), protocol, length and payloadHex (the reassembled IP payload, L4 header included)',
    incompleteDatagrams: 'fragment trains that never complete',
    tcp: 'flows[]: client/server ip:port; c2sHex / s2cHex = the application bytes a reassembler recovers per direction, as contiguous runs in sequence order (two entries = a hole between them, e.g. gap.pcap); *Holes = missing byte counts between consecutive runs; *Records = 4-byte-length-prefixed records lying wholly inside one run. many-flows: per-flow packet and byte counts instead of hex',
    error: "damaged files: kind (truncated | bad-record-length | bad-block-length | block-length-mismatch | bad-magic | empty), offset = byte offset of the record header / block (or 0) where reading fails, fileSize, detail; null = no error",
    modbus: 'demo only: Modbus/TCP transactions by function code',
  },
};

function writeReadme(): void {
  const path = join(OUT, 'README.md');
  const lines = readFileSync(path, 'utf8').split('\n');
  const sep = lines.findIndex((l) => /^\|\s*-+\s*\|/.test(l));
  if (sep < 0) throw new Error('pcaps/README.md has no table');
  const rest = lines.slice(sep + 1);
  // Keep rows other generators own and any text after the table; replace our rows.
  const kept = rest.filter((l) => l.startsWith('|') && !l.includes(`| ${GENERATOR} |`));
  const ours = readmeRows.map(([f, what]) => `| ${f} | ${GENERATOR} | ${what.replace(/\|/g, '\\|')} |`);
  const after = rest.filter((l) => !l.startsWith('|')).join('\n').trim();
  const table = [...lines.slice(0, sep + 1), ...kept, ...ours].join('\n');
  writeFileSync(path, `${table}\n${after ? `\n${after}\n` : ''}`);
}

// Run with `npx tsx test/make-pcaps.ts`. Same bytes every run: a fixed clock from 2024-01-01T00:00:00Z and seeded PRNGs.
function main(): void {
  const frames = makeFormat();
  makeDamaged(frames);
  makeVlan();
  makeFragments();
  makeIpv6Ext();
  makeIcmp();
  makeMalformed();
  makeTcp();
  makeDemo();
  writeFileSync(join(OUT, 'EXPECTED.json'), `${render({ _about: ABOUT, files: expected })}\n`);
  writeReadme();
  for (const [f] of readmeRows) {
    const e = expected[f] as { packets: number; bytes: number };
    console.log(`${f.padEnd(42)} ${String(e.packets).padStart(6)} packets ${String(e.bytes).padStart(8)} bytes`);
  }
}

main();

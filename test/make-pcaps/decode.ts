// decode/: VLAN tags, IPv4 fragments, IPv6 extension headers, ICMP and malformed L3/L4 headers.
import {
  BROADCAST_MAC, ETHERTYPE, IPPROTO, Rng, TCP_FLAG, arp, arpFrame, ethernet, fragmentIpv4, fragmentIpv6, icmp,
  icmpEcho, icmpv6Echo, ipv4, ipv6, synOptions, tcp, udp, type Host, type Ipv4Options, type Ipv6Ext,
} from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';
import { S, T0, US } from './constants.js';
import { emit, readerFacts, reassembly } from './expected.js';
import { ETH_IP4_TCP, ETH_IP4_UDP, packets, type Frame, type Layer } from './frame.js';

function ethIp4(from: Host, to: Host, protocol: number, payload: Buffer, ip: Partial<Ipv4Options> = {}, tags?: { tpid?: number; vid: number; pcp?: number }[]): Buffer {
  return ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV4, tags, payload: ipv4({ src: from.ip, dst: to.ip, protocol, payload, ...ip }) });
}

function timed(start: bigint, list: Omit<Frame, 'tsNs'>[], stepUs = 1500): Frame[] {
  return list.map((f, i) => ({ ...f, tsNs: start + BigInt(i) * BigInt(stepUs) * US + BigInt(i * 13) }));
}

export function makeVlan(): void {
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

export function makeFragments(): void {
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

export function makeIpv6Ext(): void {
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

export function makeIcmp(): void {
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

export function makeMalformed(): void {
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

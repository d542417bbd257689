// The small traffic set behind format/, and its re-wrapping into cooked, raw and loopback link layers.
import {
  AF, BROADCAST_MAC, ETHERTYPE, IPPROTO, Rng, SLL_PKTTYPE, arpFrame, ethernet, icmpEcho, icmpv6Echo, ipv4, ipv6,
  tcpConversation, udp, udpFrame, type Host,
} from '../support/frames.js';
import { MS, T0 } from './constants.js';
import { ETH_IP4_UDP, convFrames, merge, type Frame, type Layer } from './frame.js';
import { DOMAIN, HMI, PLC21, SRV, at } from './hosts.js';
import { dns, ip4, modbus, ntp, syslog } from './payloads.js';

/** 20 frames: ARP, a Modbus/TCP session with handshake and close, DNS, ICMP echo, syslog (one 1200-byte). */
export function formatTraffic(): Frame[] {
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
export function rawIpTraffic(): Frame[] {
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

export function withLink(frames: Frame[], link: Layer | null, wrap: (u: ReturnType<typeof unwrapEth>) => Buffer): Frame[] {
  return frames.map((f) => {
    const u = unwrapEth(f.data);
    return { ...f, data: wrap(u), layers: [...(link ? [link] : []), ...f.layers.filter((l) => l !== 'eth')] };
  });
}

export function sllType(u: { dst: string; src: string }): number {
  if (u.dst === BROADCAST_MAC) return SLL_PKTTYPE.BROADCAST;
  return u.src === HMI.mac ? SLL_PKTTYPE.OUTGOING : SLL_PKTTYPE.HOST; // captured on the HMI itself
}

/** IPv6 echo pairs with the three BSD AF_INET6 values for the NULL/LOOP files. */
export function loopbackV6(): { frame: Frame; af: number }[] {
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

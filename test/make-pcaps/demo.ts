// demo/: the bundled ten-minute plant-cell capture `otsensor run` replays.
import { BROADCAST_MAC, Rng, arpFrame, tcpConversation, udpFrame, type Host } from '../support/frames.js';
import { LINKTYPE, PcapngWriter } from '../support/pcap-writer.js';
import { APPL, MS, S, T0, US } from './constants.js';
import { emit, readerFacts } from './expected.js';
import { ETH_IP4_UDP, convFrames, merge, packets, type Frame, type Layer } from './frame.js';
import { DOMAIN, ENG, HMI, PLC21, PLC22, PLC23, SRV, at } from './hosts.js';
import { dhcp, dns, ip4, modbus, ntp } from './payloads.js';

export function makeDemo(): void {
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

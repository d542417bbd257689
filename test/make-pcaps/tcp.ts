// tcp/: one conversation captured in order, reordered, retransmitted, with a gap and mid-stream, plus many-flows.
import { Rng, tcpConversation, udpFrame, type ConversationResult, type Endpoint, type Host } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';
import { S, T0, US } from './constants.js';
import { emit, readerFacts, type Json } from './expected.js';
import { ETH_IP4_UDP, convFrames, merge, packets, type Frame } from './frame.js';
import { record, wholeRecords } from './payloads.js';

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

export function makeTcp(): void {
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

// Writes the MQTT captures in pcaps/mqtt/ (run: npx tsx test/pcapgen/mqtt.ts). Deterministic (seeded
// Rng, fixed times); addresses are private (10.183.0.0/24), MACs locally administered. Packets are
// built field by field from MQTT 3.1.1 §2-§3 (fixed header, Remaining Length, per-type layouts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/mqtt/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_240_000n * S; // 2024-01-03T00:00:00Z

export const GATEWAY: Endpoint = { mac: '02:00:00:18:83:01', ip: '10.183.0.10', port: 50110 };
export const BROKER: Endpoint = { mac: '02:00:00:18:83:02', ip: '10.183.0.20', port: 1883 };

/** Remaining Length as a variable byte integer (§2.2.3). */
export function remaining(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}
const str = (s: string) => { const b = Buffer.from(s, 'utf8'); return [b.length >> 8, b.length & 0xff, ...b]; };
export const packet = (b0: number, body: number[]) => Buffer.from([b0, ...remaining(body.length), ...body]);

export const connect = (clientId: string, user?: string, pass?: string) =>
  packet(0x10, [...str('MQTT'), 4, (user ? 0x80 : 0) | (pass ? 0x40 : 0) | 0x02, 0, 60, ...str(clientId), ...(user ? str(user) : []), ...(pass ? str(pass) : [])]);
export const connack = (code = 0) => packet(0x20, [0, code]);
export const subscribe = (id: number, topics: string[]) => packet(0x82, [id >> 8, id & 0xff, ...topics.flatMap((t) => [...str(t), 1])]);
export const suback = (id: number, n: number) => packet(0x90, [id >> 8, id & 0xff, ...Array<number>(n).fill(1)]);
export const publish = (topic: string, payload: string, qos = 0, id = 0, retain = false) =>
  packet(0x30 | (qos << 1) | (retain ? 1 : 0), [...str(topic), ...(qos > 0 ? [id >> 8, id & 0xff] : []), ...Buffer.from(payload)]);
export const puback = (id: number) => packet(0x40, [id >> 8, id & 0xff]);

export function sessionMessages(): ConversationMessage[] {
  const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
  const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });
  return [
    c(connect('plc-gw-01', 'telemetry', 'not-a-real-password')), r(connack()),
    c(subscribe(1, ['plant/line1/cmd/#', 'plant/line1/setpoint'])), r(suback(1, 2)),
    c(publish('plant/line1/temperature', '{"t":71.5}', 1, 2)), r(puback(2)),
    // 200-byte payload: a two-byte Remaining Length
    c(publish('plant/line1/status', 'x'.repeat(200), 0, 0, true)),
    r(publish('plant/line1/setpoint', '{"sp":72}')),
    c(packet(0xc0, [])), r(packet(0xd0, [])),
    c(packet(0xe0, [])),
  ];
}

function write(name: string, conv: ReturnType<typeof tcpConversation>): void {
  const w = writePcap(conv.frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(OUT + name, w.bytes);
}

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  write('session.pcap', tcpConversation({ client: GATEWAY, server: BROKER, startNs: T0, rng: new Rng(1883), clientIsn: 0x18830000, serverIsn: 0x28830000, messages: sessionMessages(), close: true }));
  // A client that publishes without ever sending CONNECT (Suricata's mqtt.missing_connect case).
  write('publish-without-connect.pcap', tcpConversation({
    client: { ...GATEWAY, port: 50111 }, server: BROKER, startNs: T0 + 30n * S, rng: new Rng(1884), clientIsn: 0x18840000, serverIsn: 0x28840000, close: true,
    messages: [{ from: 'client', data: publish('plant/line1/valve', 'OPEN') }, { from: 'client', data: packet(0xe0, []) }],
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

// Writes pcaps/enip/*.pcap: EtherNet/IP and CIP scenarios built from named frames (THE CIP NETWORKS
// LIBRARY Vol. 2 encapsulation, Vol. 1 CIP messages). Deterministic: fixed times and a seeded RNG.
// Run: npx tsx test/pcapgen/enip.ts. Addresses are private (192.168.0.0/24) and MACs locally administered.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Endpoint, type Host, Rng, tcpConversation, udpFrame } from '../support/frames.js';
import { writePcap, type Packet } from '../support/pcap-writer.js';
import { ROOT } from '../support/env.js';
import { cpf, encap, u16 } from './enip-frames.js';

const OUT = join(ROOT, 'pcaps', 'enip');
const S = 1_000_000_000n;
const MS = 1_000_000n;
const T0 = 1_767_225_600n * S; // 2026-01-01T00:00:00Z

const ENG: Host = { mac: '02:00:00:00:00:0a', ip: '192.168.0.10' }; // engineering workstation
const PLC: Host = { mac: '02:00:00:00:00:14', ip: '192.168.0.20' }; // controller
const BCAST: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '192.168.0.255' };
const at = (h: Host, port: number): Endpoint => ({ ...h, port });

// ---------------------------------------------------------------- EtherNet/IP and CIP builders

const SESSION = 0x0badcafe;

/** SendRRData carrying one unconnected CIP message (null address item + unconnected data item). */
function sendRR(cip: Buffer, context: bigint): Buffer {
  return encap(0x6f, Buffer.concat([Buffer.alloc(4), u16(10), cpf([0x0000, Buffer.alloc(0)], [0x00b2, cip])]), SESSION, context);
}

/** A Message Router request to class/instance[/attribute] with 8-bit logical segments (Vol. 1 App. C-1.4). */
function request(service: number, cls: number, inst: number, attr?: number, data = Buffer.alloc(0)): Buffer {
  const path = attr === undefined ? [0x20, cls, 0x24, inst] : [0x20, cls, 0x24, inst, 0x30, attr];
  return Buffer.concat([Buffer.from([service, path.length / 2, ...path]), data]);
}

function reply(service: number, status = 0, data = Buffer.alloc(0)): Buffer {
  return Buffer.concat([Buffer.from([service | 0x80, 0, status, 0]), data]);
}

/** Identity attributes 1..7 (Vol. 1 §5A-2.2): a 1756-L61 controller, revision 20.11. */
const NAME = Buffer.from('1756-L61/B LOGIX5561', 'latin1');
const IDENTITY = Buffer.concat([
  Buffer.from([0x01, 0x00, 0x0e, 0x00, 0x36, 0x00, 20, 11, 0x60, 0x30]), // vendor 1, PLC, code 54, rev 20.11, status
  Buffer.from([0xee, 0xff, 0xc0, 0x00]), // serial 0x00c0ffee
  Buffer.from([NAME.length]), NAME,
]);

function listIdentityReply(): Buffer {
  const sock = Buffer.alloc(16);
  sock.writeUInt16BE(2, 0); // AF_INET, network order (Vol. 2 §2-6.3.2)
  sock.writeUInt16BE(44818, 2);
  Buffer.from([192, 168, 0, 20]).copy(sock, 4);
  const item = Buffer.concat([u16(1), sock, IDENTITY, Buffer.from([0x03])]);
  return encap(0x63, cpf([0x000c, item]));
}

// ---------------------------------------------------------------- scenarios

type Frame = { tsNs: bigint; data: Buffer };

function packets(frames: Frame[]): Packet[] {
  return frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data }));
}

function write(name: string, frames: Frame[]): void {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, name), writePcap(packets(frames)).bytes);
  console.log(`${join('pcaps', 'enip', name)}: ${frames.length} packets`);
}

function session(start: bigint, seed: number, messages: Array<['client' | 'server', Buffer]>): Frame[] {
  return tcpConversation({
    client: at(ENG, 50123),
    server: at(PLC, 44818),
    startNs: start,
    rng: new Rng(seed),
    clientTtl: 128,
    messages: messages.map(([from, data]) => ({ from, data })),
  }).frames;
}

const register = encap(0x65, Buffer.from([1, 0, 0, 0]), 0, 1n);
const registered = encap(0x65, Buffer.from([1, 0, 0, 0]), SESSION, 1n);
const unregister = encap(0x66, Buffer.alloc(0), SESSION);

// 1. ListIdentity broadcast over UDP and the controller's unicast reply
write('list-identity.pcap', [
  { tsNs: T0, data: udpFrame(ENG, BCAST, 50000, 44818, encap(0x63, Buffer.alloc(0)), { id: 1 }) },
  { tsNs: T0 + 2n * MS, data: udpFrame(PLC, ENG, 44818, 50000, listIdentityReply(), { id: 2 }) },
]);

// 2. RegisterSession, SendRRData Get_Attribute_All of the Identity object, UnRegisterSession
write('identity-session.pcap', session(T0 + 1n * S, 1, [
  ['client', register],
  ['server', registered],
  ['client', sendRR(request(0x01, 0x01, 1), 2n)],
  ['server', sendRR(reply(0x01, 0, IDENTITY), 2n)],
  ['client', unregister],
]));

// 3. A Set_Attribute_Single write of a 16-bit value to attribute 5 of the vendor class 0x8E (a Logix
//    controller object, as addressed in openics-eip-software-download), then Stop and Start services
//    to it: a controller mode change
write('write-and-mode.pcap', session(T0 + 2n * S, 2, [
  ['client', register],
  ['server', registered],
  ['client', sendRR(request(0x10, 0x8e, 1, 5, Buffer.from([0x01, 0x00])), 3n)],
  ['server', sendRR(reply(0x10), 3n)],
  ['client', sendRR(request(0x07, 0x8e, 1), 4n)],
  ['server', sendRR(reply(0x07), 4n)],
  ['client', sendRR(request(0x06, 0x8e, 1), 5n)],
  ['server', sendRR(reply(0x06), 5n)],
  ['client', unregister],
]));

// 4. Negative: seeded random bytes and an HTTP request on TCP 44818; random bytes on UDP 44818
const rng = new Rng(44818);
const garbage = Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: plc\r\n\r\n', 'latin1'), rng.bytes(200)]);
write('garbage-44818.pcap', [
  ...session(T0 + 3n * S, 3, [['client', garbage], ['server', rng.bytes(64)]]),
  { tsNs: T0 + 4n * S, data: udpFrame(ENG, PLC, 50001, 44818, Buffer.concat([Buffer.from([0x99, 0x00]), rng.bytes(40)]), { id: 3 }) },
]);

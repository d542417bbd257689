// Writes the GE SRTP captures in pcaps/srtp/ (run: npx tsx test/pcapgen/srtp.ts). Deterministic
// (seeded Rng, fixed times); addresses are private (10.245.0.0/24), MACs locally administered.
// Packets are built field by field from the SRTP layout (DFRWS 2017 Tables 1-4; GFK-0529 chapter 3
// mailbox messages): a 56-byte header, little-endian, and a text buffer the PLC writes separately.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type ConversationOptions, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/srtp/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_326_400n * S; // 2024-01-04T00:00:00Z

export const STATION: Endpoint = { mac: '02:00:00:18:24:01', ip: '10.245.0.10', port: 50245 };
export const PLC: Endpoint = { mac: '02:00:00:18:24:02', ip: '10.245.0.20', port: 18245 };

/** Mailbox addresses as clients and the PLC's Ethernet interface fill them (CPU in slot 1). */
const TO_CPU = [0x10, 0x0e, 0x00, 0x00];
const FROM_CPU = [0x10, 0x0e, 0x00, 0x00];
const TO_CLIENT = [0x30, 0x3a, 0x00, 0x00];

interface Header { type: number; seq: number; text: number; mseq: number; mbox: number; src: number[]; dst: number[]; tail: number[] }

function header(h: Header): Buffer {
  const b = Buffer.alloc(56);
  b[0] = h.type;
  b.writeUInt16LE(h.seq, 2);
  b.writeUInt16LE(h.text, 4);
  b[9] = h.text > 0 ? 2 : 1; // observed 2 with a text buffer, 1 without
  b[17] = b[9]!;
  b[30] = h.mseq;
  b[31] = h.mbox;
  Buffer.from(h.src).copy(b, 32);
  Buffer.from(h.dst).copy(b, 36);
  Buffer.from(h.tail).copy(b, 40);
  return b;
}

const le16 = (n: number) => [n & 0xff, n >> 8];
export const init = () => Buffer.alloc(56);
export const initAck = () => { const b = Buffer.alloc(56); b[0] = 1; return b; };

/** Initial request (0xC0): service code at 42, 13 bytes of request data. */
export const request = (seq: number, code: number, data: number[] = []) =>
  header({ type: 2, seq, text: 0, mseq: seq & 0xff, mbox: 0xc0, src: [0, 0, 0, 0], dst: TO_CPU, tail: [1, 1, code, ...data] });

/** Initial request with a text buffer (0x80): buffer length at 42, packet 48/49, service code at 50. */
export const requestText = (seq: number, code: number, data: number[], text: Buffer) => Buffer.concat([
  header({ type: 2, seq, text: text.length, mseq: seq & 0xff, mbox: 0x80, src: [0, 0, 0, 0], dst: TO_CPU, tail: [1, 1, ...le16(text.length), 0, 0, 0, 0, 1, 1, code, ...data] }),
  text,
]);

/** PLC status bytes 50-55: control program, privilege level, sweep time (ms), status word (Table 3-8). */
export const piggyback = (privilege: number, state: number, flags = 0x0100, sweep = 5, program = -1) =>
  [program & 0xff, privilege, ...le16(sweep), ...le16((state << 12) | flags)];

/** Completion ACK (0xD4): status 42-43, inline data 44-49, PLC status 50-55. */
export const ack = (seq: number, status: number[], inline: number[] = []) =>
  header({ type: 3, seq, text: 0, mseq: seq & 0xff, mbox: 0xd4, src: FROM_CPU, dst: TO_CLIENT,
    tail: [1, 1, 0, 0, ...inline, ...Array<number>(6 - inline.length).fill(0), ...status] });

/** Completion ACK with a text buffer (0x94): the header and the buffer, written separately. */
export const ackText = (seq: number, status: number[], text: Buffer): [Buffer, Buffer] => [
  header({ type: 3, seq, text: text.length, mseq: seq & 0xff, mbox: 0x94, src: FROM_CPU, dst: TO_CLIENT,
    tail: [1, 1, ...le16(text.length), 0, 0, 0, 0, 1, 1, ...status] }),
  text,
];

/** Error NACK (0xD1): major error status at 42, minor at 43. */
export const nack = (seq: number, major: number, minor: number) =>
  header({ type: 3, seq, text: 0, mseq: seq & 0xff, mbox: 0xd1, src: FROM_CPU, dst: TO_CLIENT, tail: [1, 1, major, minor] });

const RUN = 0, STOP = 2; // PLC states Run I/O enabled, Stop I/O disabled
const ATTACHED = 0x0140; // programmer attached, RUN/STOP switch in RUN

export function sessionMessages(): ConversationMessage[] {
  const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
  const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });
  const rt = ([h, t]: [Buffer, Buffer]): ConversationMessage[] => [r(h), { from: 'server', data: t, delayUs: 150 }];
  const words = (...v: number[]) => Buffer.from(v.flatMap(le16));
  return [
    c(init()), r(initAck()),
    c(request(1, 0x43)), r(ack(1, piggyback(1, RUN))), // controller type and id: answer not decoded
    c(request(2, 0x00)), r(ack(2, piggyback(1, RUN))), // PLC short status
    c(request(3, 0x04, [0x08, ...le16(0), ...le16(8)])), ...rt(ackText(3, piggyback(1, RUN), words(120, 121, 0, 7, 65535, 42, 1, 2))),
    c(request(4, 0x04, [0x46, ...le16(0), ...le16(64)])), ...rt(ackText(4, piggyback(1, RUN), Buffer.from('a500ff0000000081', 'hex'))),
    c(request(5, 0x25)), r(ack(5, piggyback(1, RUN), [0x30, 0x15, 0x08, 0x04, 0x01, 0x24])),
    c(requestText(6, 0x07, [0x08, ...le16(100), ...le16(2)], words(500, 501))), r(ack(6, piggyback(1, RUN))), // write %R101-%R102
    c(request(7, 0x21)), r(nack(7, 0x05, 0xf5)), // privilege change refused: invalid password
    c(request(8, 0x21)), r(ack(8, piggyback(4, RUN))), // privilege now level 4
    c(request(9, 0x20)), r(ack(9, piggyback(4, RUN, ATTACHED))), // programmer logon
    c(request(10, 0x23)), r(ack(10, piggyback(4, STOP, ATTACHED))), // set PLC state: the PLC reports stop
    c(requestText(11, 0x3f, [], Buffer.alloc(48, 0x5a))), r(ack(11, piggyback(4, STOP, ATTACHED))), // program store
    c(request(12, 0x23)), r(ack(12, piggyback(4, RUN, ATTACHED))), // and back to run
    c(request(13, 0x38)), r(ack(13, piggyback(4, RUN, ATTACHED))), // return fault table
  ];
}

/** Not SRTP on 18245, and SRTP-shaped packets that are not valid: anomalies only, no SRTP PDU. */
export function negativeFlows(): ConversationOptions[] {
  const bad = (f: (b: Buffer) => void) => { const b = request(1, 0x00); f(b); return b; };
  const rng = new Rng(0x4745);
  return [
    // HTTP both ways on the SRTP port: the first byte starts no SRTP packet
    { client: { ...STATION, port: 50301 }, server: PLC, startNs: T0 + 60n * S, rng: new Rng(1), close: true, messages: [
      { from: 'client', data: Buffer.from('GET / HTTP/1.1\r\nHost: 10.245.0.20\r\n\r\n') },
      { from: 'server', data: Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n') },
    ] },
    // the first segment is not captured: the stream resumes on bytes that are no SRTP header
    { client: { ...STATION, port: 50302 }, server: PLC, startNs: T0 + 61n * S, rng: new Rng(2), close: true, segmentSize: 40, drop: [0], messages: [
      { from: 'client', data: rng.bytes(80) },
      { from: 'client', data: rng.bytes(120) },
    ] },
    // SRTP-framed but undecodable: a request mailbox type 0x55, then packet type 8 (FANUC, meaning unknown)
    { client: { ...STATION, port: 50303 }, server: PLC, startNs: T0 + 62n * S, rng: new Rng(3), close: true, messages: [
      { from: 'client', data: bad((b) => { b[31] = 0x55; }) },
      { from: 'client', data: bad((b) => { b[0] = 8; }) },
    ] },
  ];
}

function write(name: string, flows: ConversationOptions[]): void {
  const frames = flows.flatMap((o) => tcpConversation(o).frames).sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0));
  const w = writePcap(frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(OUT + name, w.bytes);
}

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  write('session.pcap', [{ client: STATION, server: PLC, startNs: T0, rng: new Rng(18245), clientIsn: 0x18245000, serverIsn: 0x28245000, messages: sessionMessages(), close: true }]);
  write('not-srtp.pcap', negativeFlows());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

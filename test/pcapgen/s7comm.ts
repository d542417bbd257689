// Writes the S7comm captures in pcaps/s7comm/ (run: npx tsx test/pcapgen/s7comm.ts). Deterministic
// (seeded Rng, fixed ISNs and times); addresses are private (10.102.0.0/24) and MACs locally
// administered; the device names and serial numbers are made up. PDUs are built field by field from
// RFC 1006 §6 (TPKT), ISO 8073 §13 (COTP class 0 CR/CC/DT/DR) and the public S7comm layout described
// in src/dissectors/s7comm/s7.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/s7comm/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_240_000n * S; // 2024-01-03T00:00:00Z

export const PG: Endpoint = { mac: '02:00:00:10:20:0a', ip: '10.102.0.10', port: 49400 };
export const PLC: Endpoint = { mac: '02:00:00:10:20:14', ip: '10.102.0.20', port: 102 };
export const PLC_ID = {
  orderNumber: '6ES7 315-2EH14-0AB0', firmware: [3, 2, 6] as const, plcName: 'PLANT-DEMO-PLC', moduleName: 'CPU 315-2 PN/DP',
  plantTag: 'LINE 2 MIXER', serial: 'S C-X0DEMO0012024', cpuType: 'CPU 315-2 PN/DP',
};

const text = (s: string, n: number, pad = 0x00) => { const b = Buffer.alloc(n, pad); b.write(s, 'latin1'); return b; };
const u16 = (...xs: number[]) => { const b = Buffer.alloc(xs.length * 2); xs.forEach((x, i) => b.writeUInt16BE(x, i * 2)); return b; };
const str = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, 'latin1')]);

/** TPKT (RFC 1006 §6) + COTP DT (class 0: LI 2, code 0xF0, EOT|NR) around user data. */
export function tpktDt(user: Buffer, eot = true): Buffer {
  const h = Buffer.from([3, 0, 0, 0, 2, 0xf0, eot ? 0x80 : 0x00]);
  h.writeUInt16BE(7 + user.length, 2);
  return Buffer.concat([h, user]);
}

/** TPKT + COTP CR (0xE0) or CC (0xD0) with TPDU size 1024 and the S7 TSAPs (PG 0x0100 -> rack 0 slot 2). */
export function tpktConnect(cc: boolean, dstRef: number, srcRef: number): Buffer {
  const cotp = Buffer.concat([Buffer.from([cc ? 0xd0 : 0xe0]), u16(dstRef, srcRef), Buffer.from([0x00, 0xc0, 1, 0x0a, 0xc1, 2, 0x01, 0x00, 0xc2, 2, 0x01, 0x02])]);
  const h = Buffer.from([3, 0, 0, 0, cotp.length]);
  h.writeUInt16BE(5 + cotp.length, 2);
  return Buffer.concat([h, cotp]);
}

/** TPKT + COTP DR (0x80), reason 0x80 (normal disconnect). */
export function tpktDisconnect(dstRef: number, srcRef: number): Buffer {
  return Buffer.concat([Buffer.from([3, 0, 0, 11, 6, 0x80]), u16(dstRef, srcRef), Buffer.from([0x80])]);
}

/** S7comm header (10 bytes, 12 with error class/code for Ack_Data) + parameter + data. */
export function s7(rosctr: 1 | 2 | 3 | 7, pduRef: number, param: Buffer, data: Buffer = Buffer.alloc(0)): Buffer {
  const ack = rosctr === 2 || rosctr === 3;
  const h = Buffer.alloc(ack ? 12 : 10);
  h[0] = 0x32;
  h[1] = rosctr;
  h.writeUInt16BE(pduRef, 4);
  h.writeUInt16BE(param.length, 6);
  h.writeUInt16BE(data.length, 8);
  return Buffer.concat([h, param, data]);
}

/** S7ANY item (syntax 0x10): transport size 0x02 BYTE, count, DB, area, bit address. */
export function anyItem(area: number, db: number, byte: number, count: number): Buffer {
  const b = Buffer.from([0x12, 0x0a, 0x10, 0x02, 0, 0, 0, 0, area, 0, 0, 0]);
  b.writeUInt16BE(count, 4);
  b.writeUInt16BE(db, 6);
  b.writeUIntBE(byte << 3, 9, 3); // byte address << 3 | bit
  return b;
}

/** Userdata parameter + data: request (type 4) or response (type 8, with data unit ref / last-unit flag). */
export function userdata(pduRef: number, o: { type: 4 | 8; group: number; sub: number; seq: number; unit?: number; more?: boolean }, payload: Buffer, ret = 0xff): Buffer {
  const tg = (o.type << 4) | o.group;
  const param = o.type === 4
    ? Buffer.from([0x00, 0x01, 0x12, 0x04, 0x11, tg, o.sub, o.seq])
    : Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, tg, o.sub, o.seq, o.unit ?? 0, o.more ? 1 : 0, 0, 0]);
  const data = Buffer.concat([Buffer.from([ret, 0x09]), u16(payload.length), payload]);
  return s7(7, pduRef, param, data);
}

/** SZL 0x0011 answer: module identification (index 1 module, 6 basic hardware, 7 firmware). */
function szl0011(): Buffer {
  const [maj, min, patch] = PLC_ID.firmware;
  const entry = (index: number, order: string, ausbg: number, ausbe: number) => Buffer.concat([u16(index), text(order, 20, 0x20), u16(0x00c0, ausbg, ausbe)]);
  const entries = [entry(1, PLC_ID.orderNumber, 4, 1), entry(6, PLC_ID.orderNumber, 4, 1), entry(7, '', 0x5600 | maj, (min << 8) | patch)];
  return Buffer.concat([u16(0x0011, 0x0000, 28, entries.length), ...entries]);
}

/** SZL 0x001C answer: component identification (names, plant tag, copyright, serial, CPU type). */
function szl001c(): Buffer {
  const entry = (index: number, s: string) => Buffer.concat([u16(index), text(s, 32)]);
  const entries = [
    entry(1, PLC_ID.plcName), entry(2, PLC_ID.moduleName), entry(3, PLC_ID.plantTag), entry(4, 'Original Siemens Equipment'),
    entry(5, PLC_ID.serial), entry(7, PLC_ID.cpuType),
  ];
  return Buffer.concat([u16(0x001c, 0x0000, 34, entries.length), ...entries]);
}

const SETUP_JOB = Buffer.from([0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0xf0]); // PDU length 240
const SETUP_ACK = Buffer.from([0xf0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0xf0]);
const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });
const connect = (): ConversationMessage[] => [
  c(tpktConnect(false, 0x0000, 0x0010)), r(tpktConnect(true, 0x0010, 0x0020)),
  c(tpktDt(s7(1, 0x0100, SETUP_JOB))), r(tpktDt(s7(3, 0x0100, SETUP_ACK))),
];

/** Identification and process data: SZL 0x0011, SZL 0x001C (answer in two userdata fragments), Read Var (split over two COTP DTs), Write Var. */
export function identifyMessages(): ConversationMessage[] {
  const readVar = s7(1, 0x0400, Buffer.concat([Buffer.from([0x04, 2]), anyItem(0x84, 1, 0, 2), anyItem(0x83, 0, 10, 1)]));
  const c1c = szl001c();
  const half = 120;
  return [
    ...connect(),
    c(tpktDt(userdata(0x0200, { type: 4, group: 4, sub: 1, seq: 0 }, u16(0x0011, 0x0000)))),
    r(tpktDt(userdata(0x0200, { type: 8, group: 4, sub: 1, seq: 0 }, szl0011()))),
    c(tpktDt(userdata(0x0300, { type: 4, group: 4, sub: 1, seq: 0 }, u16(0x001c, 0x0000)))),
    r(tpktDt(userdata(0x0300, { type: 8, group: 4, sub: 1, seq: 1, unit: 3, more: true }, c1c.subarray(0, half)))),
    // the PG asks for the rest (a follow-up request carries no SZL id)
    c(tpktDt(s7(7, 0x0301, Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, 0x44, 0x01, 0x01, 0x03, 0x00, 0x00, 0x00]), Buffer.from([0x0a, 0x00, 0x00, 0x00])))),
    r(tpktDt(userdata(0x0301, { type: 8, group: 4, sub: 1, seq: 1, unit: 3, more: false }, c1c.subarray(half)))),
    // Read Var: the TSDU in two DTs, EOT on the second (ISO 8073 segmentation)
    c(Buffer.concat([tpktDt(readVar.subarray(0, 16), false), tpktDt(readVar.subarray(16))])),
    r(tpktDt(s7(3, 0x0400, Buffer.from([0x04, 2]), Buffer.from([0xff, 0x04, 0x00, 0x10, 0x01, 0x2c, 0xff, 0x04, 0x00, 0x08, 0x05])))),
    c(tpktDt(s7(1, 0x0500, Buffer.concat([Buffer.from([0x05, 1]), anyItem(0x84, 1, 4, 1)]), Buffer.from([0x00, 0x04, 0x00, 0x08, 0x2a])))),
    r(tpktDt(s7(3, 0x0500, Buffer.from([0x05, 1]), Buffer.from([0xff])))),
    c(tpktDisconnect(0x0020, 0x0010)),
  ];
}

/** Mode-transition push (group 0): the new CPU mode in the subfunction byte (0 STOP, 2 RUN). */
const modePush = (mode: number) => s7(7, 0, Buffer.from([0x01, 0x00, 0x10, 0x10, 0x00, 0x00, mode, 0x00]));

/** PLC Stop (0x29, P_PROGRAM), then start by PI service P_PROGRAM (0x28), with the CPU's mode pushes. */
export function stopStartMessages(): ConversationMessage[] {
  return [
    ...connect(),
    c(tpktDt(s7(1, 0x0600, Buffer.concat([Buffer.from([0x29, 0, 0, 0, 0, 0]), str('P_PROGRAM')])))),
    r(tpktDt(s7(3, 0x0600, Buffer.from([0x29])))),
    r(tpktDt(modePush(0))),
    c(tpktDt(s7(1, 0x0700, Buffer.concat([Buffer.from([0x28, 0, 0, 0, 0, 0, 0, 0xfd]), u16(0), str('P_PROGRAM')])))),
    r(tpktDt(s7(3, 0x0700, Buffer.from([0x28])))),
    r(tpktDt(modePush(2))),
  ];
}

/** Program download of DB 1: Request download (PG), Download block and Download ended (Jobs from the PLC), _INSE. */
export function downloadMessages(): ConversationMessage[] {
  const file = str('_0A00001P');
  const head = (fn: number) => Buffer.concat([Buffer.from([fn, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]), file]);
  const mc7 = Buffer.alloc(36, 0x11);
  const block = Buffer.concat([Buffer.from([0x70, 0x70, 0x01, 0x01, 0x05, 0x0a, 0x00, 0x01]), mc7]);
  return [
    ...connect(),
    c(tpktDt(s7(1, 0x0800, Buffer.concat([head(0x1a), str('1000092000036')])))),
    r(tpktDt(s7(3, 0x0800, Buffer.from([0x1a])))),
    r(tpktDt(s7(1, 0x0001, head(0x1b)))),
    c(tpktDt(s7(3, 0x0001, Buffer.from([0x1b, 0x00]), Buffer.concat([u16(block.length, 0x00fb), block])))),
    r(tpktDt(s7(1, 0x0002, head(0x1c)))),
    c(tpktDt(s7(3, 0x0002, Buffer.from([0x1c])))),
    c(tpktDt(s7(1, 0x0900, Buffer.concat([Buffer.from([0x28, 0, 0, 0, 0, 0, 0, 0xfd]), u16(10), Buffer.from([0x01, 0x00]), Buffer.from('0A00001P', 'latin1'), str('_INSE')])))),
    r(tpktDt(s7(3, 0x0900, Buffer.from([0x28])))),
  ];
}

function write(name: string, conv: ReturnType<typeof tcpConversation>): void {
  const w = writePcap(conv.frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(OUT + name, w.bytes);
}

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  write('identify-read-write.pcap', tcpConversation({ client: PG, server: PLC, startNs: T0, rng: new Rng(102), clientIsn: 0x10200000, serverIsn: 0x20200000, messages: identifyMessages() }));
  write('plc-stop-start.pcap', tcpConversation({ client: { ...PG, port: 49401 }, server: PLC, startNs: T0 + 60n * S, rng: new Rng(103), clientIsn: 0x10210000, serverIsn: 0x20210000, messages: stopStartMessages() }));
  write('block-download.pcap', tcpConversation({ client: { ...PG, port: 49402 }, server: PLC, startNs: T0 + 120n * S, rng: new Rng(104), clientIsn: 0x10220000, serverIsn: 0x20220000, messages: downloadMessages() }));
  // Negative: HTTP text on 102 (no TPKT: the framer loses sync), then TPKT/COTP carrying neither S7comm
  // nor S7comm-plus and an undefined COTP TPDU code: anomalies only, no S7 PDUs.
  write('not-s7.pcap', tcpConversation({
    client: { ...PG, port: 49403 }, server: PLC, startNs: T0 + 180n * S, rng: new Rng(105), clientIsn: 0x10230000, serverIsn: 0x20230000,
    messages: [
      { from: 'client', data: Buffer.from('GET / HTTP/1.1\r\nHost: 10.102.0.20\r\n\r\n') },
      { from: 'server', data: Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n') },
    ],
  }));
  write('not-s7-in-cotp.pcap', tcpConversation({
    client: { ...PG, port: 49404 }, server: PLC, startNs: T0 + 240n * S, rng: new Rng(106), clientIsn: 0x10240000, serverIsn: 0x20240000,
    messages: [
      { from: 'client', data: tpktDt(Buffer.from('HELLO PLC', 'latin1')) },
      { from: 'server', data: Buffer.from([3, 0, 0, 11, 6, 0x30, 0, 0, 0, 0, 0]) },
    ],
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

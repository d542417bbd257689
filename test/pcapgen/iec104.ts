// Writes the IEC 60870-5-104 captures in pcaps/iec104/ (run: npx tsx test/pcapgen/iec104.ts).
// Deterministic (seeded Rng, fixed times); addresses are private (10.104.0.0/24) and MACs locally
// administered. APDUs are built field by field from IEC 60870-5-104 §5 (APCI) and -101 §7 (ASDU).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, tcpConversation, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/iec104/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_153_600n * S; // 2024-01-02T00:00:00Z

export const SCADA: Endpoint = { mac: '02:00:00:10:40:01', ip: '10.104.0.10', port: 49320 };
export const RTU: Endpoint = { mac: '02:00:00:10:40:02', ip: '10.104.0.20', port: 2404 };
export const COMMON_ADDRESS = 7;

/** U-format APDU (§5.3): one function bit in octet 1, the rest zero. */
export const u = (fn: 'startdt_act' | 'startdt_con' | 'testfr_act' | 'testfr_con' | 'stopdt_act' | 'stopdt_con') =>
  Buffer.from([0x68, 4, { startdt_act: 0x07, startdt_con: 0x0b, stopdt_act: 0x13, stopdt_con: 0x23, testfr_act: 0x43, testfr_con: 0x83 }[fn], 0, 0, 0]);

/** S-format APDU (§5.2): acknowledges receive sequence number nr. */
export const s = (nr: number) => Buffer.from([0x68, 4, 0x01, 0, (nr << 1) & 0xff, (nr >> 7) & 0xff]);

/** I-format APDU (§5.1) around an ASDU with one or more objects (SQ=0): [ioa, element bytes]. */
export function i(ns: number, nr: number, type: number, cause: number, objects: Array<[number, number[]]>, sqFlag = false): Buffer {
  const body: number[] = [type, (sqFlag ? 0x80 : 0) | objects.length, cause, 0, COMMON_ADDRESS & 0xff, COMMON_ADDRESS >> 8];
  for (const [ioa, el] of objects) body.push(ioa & 0xff, (ioa >> 8) & 0xff, ioa >> 16, ...el);
  return Buffer.from([0x68, 4 + body.length, (ns << 1) & 0xff, (ns >> 7) & 0xff, (nr << 1) & 0xff, (nr >> 7) & 0xff, ...body]);
}

/** CP56Time2a (101 §7.2.6.18): 2024-01-02 00:00:05.000 */
const TIME = [0x88, 0x13, 0, 0, 2, 1, 24];
const float = (v: number) => { const b = Buffer.alloc(4); b.writeFloatLE(v); return [...b]; };

/** A session: STARTDT, general interrogation with measurements, a single command, clock sync, TESTFR. */
export function sessionMessages(): ConversationMessage[] {
  const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
  const r = (data: Buffer): ConversationMessage => ({ from: 'server', data });
  return [
    c(u('startdt_act')), r(u('startdt_con')),
    c(i(0, 0, 100, 6, [[0, [0x14]]])),                                   // C_IC_NA_1 act, QOI 20
    r(i(0, 1, 100, 7, [[0, [0x14]]])),                                   // actcon
    r(i(1, 1, 1, 20, [[1001, [0x01]], [1002, [0x00]]])),                 // M_SP_NA_1 inrogen
    r(i(2, 1, 13, 20, [[2001, [...float(49.98), 0]], [2002, [...float(230.5), 0]]])), // M_ME_NC_1 inrogen
    r(i(3, 1, 100, 10, [[0, [0x14]]])),                                  // actterm
    c(s(4)),
    c(i(1, 4, 45, 6, [[3001, [0x81]]])),                                 // C_SC_NA_1 select ON
    r(i(4, 2, 45, 7, [[3001, [0x81]]])),
    c(i(2, 5, 45, 6, [[3001, [0x01]]])),                                 // execute ON
    r(i(5, 3, 45, 7, [[3001, [0x01]]])),
    r(i(6, 3, 45, 10, [[3001, [0x01]]])),
    r(i(7, 3, 30, 3, [[1001, [0x01, ...TIME]]])),                        // M_SP_TB_1 spontaneous
    c(i(3, 8, 103, 6, [[0, TIME]])),                                     // C_CS_NA_1 clock sync act
    r(i(8, 4, 103, 7, [[0, TIME]])),
    c(s(9)),
    c(u('testfr_act')), r(u('testfr_con')),
  ];
}

function write(name: string, conv: ReturnType<typeof tcpConversation>): void {
  const w = writePcap(conv.frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data })));
  writeFileSync(OUT + name, w.bytes);
}

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  write('session.pcap', tcpConversation({ client: SCADA, server: RTU, startNs: T0, rng: new Rng(104), clientIsn: 0x10400000, serverIsn: 0x20400000, messages: sessionMessages(), close: true }));
  // Negative: a text protocol spoken on 2404 (Zeek's "non-X traffic on X's port" test): no I/S/U PDUs.
  write('not-iec104.pcap', tcpConversation({
    client: { ...SCADA, port: 49321 }, server: RTU, startNs: T0 + 60n * S, rng: new Rng(105), clientIsn: 0x10410000, serverIsn: 0x20410000, close: true,
    messages: [
      { from: 'client', data: Buffer.from('GET / HTTP/1.1\r\nHost: 10.104.0.20\r\n\r\n') },
      { from: 'server', data: Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n') },
    ],
  }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();

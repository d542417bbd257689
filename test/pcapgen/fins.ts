// Writes the Omron FINS captures in pcaps/fins/ (run: npx tsx test/pcapgen/fins.ts). Deterministic
// (seeded Rng, fixed ISNs and times); addresses are private (10.96.0.0/24), MACs locally
// administered. Frames are built field by field from Omron W342 §5 (FINS header, command and
// response formats) and the CJ1W-ETN21 manual §7-4-2 (FINS/TCP header); the controller model and
// version strings are those of nmap's omron-info example output.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Rng, tcpConversation, udpFrame, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap, type Packet } from '../support/pcap-writer.js';

const OUT = fileURLToPath(new URL('../../pcaps/fins/', import.meta.url));
const S = 1_000_000_000n;
const T0 = 1_704_326_400n * S; // 2024-01-04T00:00:00Z

export const HMI: Endpoint = { mac: '02:00:00:96:00:0a', ip: '10.96.0.10', port: 9600 };
export const PLC: Endpoint = { mac: '02:00:00:96:00:14', ip: '10.96.0.20', port: 9600 };
export const PLC2: Endpoint = { mac: '02:00:00:96:00:15', ip: '10.96.0.21', port: 9610 };
export const ENG: Endpoint = { mac: '02:00:00:96:00:32', ip: '10.96.0.50', port: 50960 };
export const ROGUE: Endpoint = { mac: '02:00:00:96:00:63', ip: '10.96.0.99', port: 50999 };
/** FINS node addresses (DA1/SA1): the HMI is node 10, the PLCs 20 and 21, the engineering station 51. */
export const NODE = { hmi: 10, plc: 20, plc2: 21, eng: 51 } as const;

const hexb = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (s: string, n: number, pad: number) => { const b = Buffer.alloc(n, pad); b.write(s, 'latin1'); return b; };

/** A FINS frame: ICF (gateway bit, response bit), RSV 0, GCT 2, DNA DA1 DA2, SNA SA1 SA2, SID, MRC SRC, [end code], data. */
export function finsFrame(o: { response?: boolean; dst: number; src: number; sid: number; code: number; end?: number; data?: Buffer; dstUnit?: number; srcUnit?: number }): Buffer {
  const h = Buffer.from([o.response ? 0xc0 : 0x80, 0, 2, 0, o.dst, o.dstUnit ?? 0, 0, o.src, o.srcUnit ?? 0, o.sid, o.code >> 8, o.code & 0xff]);
  const end = o.response ? Buffer.from([(o.end ?? 0) >> 8, (o.end ?? 0) & 0xff]) : Buffer.alloc(0);
  return Buffer.concat([h, end, o.data ?? Buffer.alloc(0)]);
}

/** A FINS/TCP message: "FINS", length (bytes after the length field), command, error code, body. */
export function finsTcp(command: number, body: Buffer = Buffer.alloc(0), error = 0): Buffer {
  const h = Buffer.alloc(16);
  h.write('FINS', 0, 'latin1');
  h.writeUInt32BE(8 + body.length, 4);
  h.writeUInt32BE(command, 8);
  h.writeUInt32BE(error, 12);
  return Buffer.concat([h, body]);
}
const u32 = (...xs: number[]) => { const b = Buffer.alloc(4 * xs.length); xs.forEach((x, i) => b.writeUInt32BE(x, 4 * i)); return b; };

/** CONTROLLER DATA READ response data: model, version, 40 bytes for system use, 12 bytes of area data. */
export const CONTROLLER_DATA = Buffer.concat([text('CJ2M-CPU32', 20, 0x20), text('02.01', 20, 0), Buffer.alloc(40), hexb('0014 17 8000 08 01 0000 00 0000')]);

/** A command from `from` (node) to `to` and its response, as [command, response] frames. */
function exchange(from: number, to: number, sid: number, code: number, data: string, rsp: string, end = 0): [Buffer, Buffer] {
  return [
    finsFrame({ dst: to, src: from, sid, code, data: hexb(data) }),
    finsFrame({ response: true, dst: from, src: to, sid, code, end, data: hexb(rsp) }),
  ];
}

/** The HMI's FINS/UDP conversation with the PLC: identity, status, reads, writes, clock, forcing, and one write the PLC sends. */
export function udpExchanges(): Array<[Buffer, Buffer, boolean]> {
  const h = NODE.hmi, p = NODE.plc;
  const x = (sid: number, code: number, data: string, rsp: string, end = 0): [Buffer, Buffer, boolean] => [...exchange(h, p, sid, code, data, rsp, end), true];
  return [
    [finsFrame({ dst: p, src: h, sid: 1, code: 0x0501, data: hexb('00') }), finsFrame({ response: true, dst: h, src: p, sid: 1, code: 0x0501, data: CONTROLLER_DATA }), true],
    x(2, 0x0601, '', `01 04 0000 0000 0000 0000 ${'00'.repeat(16)}`), // Run, RUN mode
    x(3, 0x0101, '82 0064 00 0004', '1388 1770 1b58 0000'), // DM100-103
    x(4, 0x0104, '30 0000 00  82 000a 00  b2 0005 00', '30 01  82 04d2  b2 0003'), // CIO 0.00, DM10, HR5
    x(5, 0x0102, '82 00c8 00 0002 0064 00c8', ''), // DM200-201 := 100, 200
    x(6, 0x0103, '82 012c 00 000a 0000', ''), // DM300-309 := 0
    x(7, 0x0102, 'b3 0000 00 0001 ffff', '', 0x2101), // AR0 is read-only
    x(8, 0x0701, '', '24 01 04 08 30 00 04'),
    x(9, 0x0702, '24 01 04 08 30 15 04', ''),
    x(10, 0x0620, '01', '0000 0032  0000 0050  0000 0028'), // 5.0 / 8.0 / 4.0 ms
    x(11, 0x2102, '0000 0001', '0014 0001 0001  00f7 0000 30 15 04 08 24 01'), // battery error logged
    x(12, 0x0c01, 'ffff', `00 ${NODE.eng.toString(16).padStart(2, '0')} 00`, 0x3001), // access right held by the engineering station
    x(13, 0x2301, '0001  0001 30 0064 03', ''), // force set CIO 100.03
    x(14, 0x2302, '', ''),
    // the PLC writes to the HMI (a SEND instruction): FINS runs both ways on one UDP flow
    [finsFrame({ dst: h, src: p, sid: 0x40, code: 0x0102, data: hexb('82 0000 00 0001 abcd') }), finsFrame({ response: true, dst: p, src: h, sid: 0x40, code: 0x0102 }), false],
  ];
}

function udpSession(): Packet[] {
  const out: Packet[] = [];
  let t = T0;
  for (const [cmd, rsp, fromHmi] of udpExchanges()) {
    const [a, b] = fromHmi ? [HMI, PLC] : [PLC, HMI];
    out.push({ ts: at(t), data: udpFrame(a, b, 9600, 9600, cmd) });
    out.push({ ts: at(t + 3_000_000n), data: udpFrame(b, a, 9600, 9600, rsp) });
    t += 500_000_000n;
  }
  return out;
}

/** A capture time in ns as the writer's { sec, nsec } (a bare bigint would be read as µs). */
const at = (ns: bigint) => ({ sec: Number(ns / S), nsec: Number(ns % S) });
const toPackets = (frames: Array<{ tsNs: bigint; data: Buffer }>): Packet[] => frames.map((f) => ({ ts: at(f.tsNs), data: f.data }));
const req = (data: Buffer, delayUs?: number): ConversationMessage => ({ from: 'client', data, ...(delayUs ? { delayUs } : {}) });
const rsp = (data: Buffer, delayUs?: number): ConversationMessage => ({ from: 'server', data, ...(delayUs ? { delayUs } : {}) });

/** A FINS/TCP command and response pair between the engineering station and the PLC. */
function tcpPair(sid: number, code: number, data: string, rspData: string | Buffer, from: number = NODE.eng, to: number = NODE.plc): ConversationMessage[] {
  return [
    req(finsTcp(2, finsFrame({ dst: to, src: from, sid, code, data: hexb(data) }))),
    rsp(finsTcp(2, finsFrame({ response: true, dst: from, src: to, sid, code, data: typeof rspData === 'string' ? hexb(rspData) : rspData }))),
  ];
}

function tcpSession(): Packet[] {
  const program = Buffer.alloc(64, 0x5a); // stands for compiled ladder; never decoded
  // 1. The engineering station: node address exchange (allocated node 51), identity, access right,
  //    STOP, upload, program clear and download, a file to the memory card, error clear, RUN. A
  //    second connection from the same station and node makes the PLC confirm this one.
  const eng = tcpConversation({
    client: ENG, server: PLC, startNs: T0 + 30n * S, rng: new Rng(9600), clientIsn: 0x09600000, serverIsn: 0x19600000, close: true,
    messages: [
      req(finsTcp(0, u32(0))), rsp(finsTcp(1, u32(NODE.eng, NODE.plc))),
      ...tcpPair(1, 0x0501, '00', CONTROLLER_DATA),
      ...tcpPair(2, 0x0c01, 'ffff', ''),
      ...tcpPair(3, 0x0402, 'ffff', ''),
      ...tcpPair(4, 0x0306, 'ffff 00000000 0040', Buffer.concat([hexb('ffff 00000000 8040'), program])),
      ...tcpPair(5, 0x0308, 'ffff 10', ''),
      ...tcpPair(6, 0x0307, `ffff 00000000 8040 ${program.toString('hex')}`, 'ffff 00000000 8040'),
      ...tcpPair(7, 0x2203, `8000 0001 ${text('AUTOEXEC.OBJ', 12, 0x20).toString('hex')} 00000000 0010 ${'00'.repeat(16)} 0000`, ''),
      ...tcpPair(8, 0x2101, 'ffff', ''),
      ...tcpPair(9, 0x0401, 'ffff 04', ''),
      ...tcpPair(10, 0x0c03, 'ffff', ''),
      rsp(finsTcp(6), 400_000), // connection confirmation: another client claims node 51
    ],
  });
  // 2. The same station opens a second connection with the same node address: refused (0x21).
  const dup = tcpConversation({
    client: { ...ENG, port: ENG.port + 1 }, server: PLC, startNs: T0 + 30n * S + 300_000_000n, rng: new Rng(9601), clientIsn: 0x09610000, serverIsn: 0x19610000, close: true,
    // refused once the PLC has confirmed the first connection (its confirmation goes out meanwhile)
    messages: [req(finsTcp(0, u32(NODE.eng))), rsp(finsTcp(1, u32(NODE.eng, NODE.plc), 0x21), 300_000)],
  });
  // 3. A client that sends its node address again on an established connection: the PLC answers
  //    with a frame send error notification (command not supported) and closes.
  const again = tcpConversation({
    client: { ...HMI, port: 50961 }, server: PLC, startNs: T0 + 40n * S, rng: new Rng(9602), clientIsn: 0x09620000, serverIsn: 0x19620000, close: true,
    messages: [req(finsTcp(0, u32(0))), rsp(finsTcp(1, u32(12, NODE.plc))), req(finsTcp(0, u32(12))), rsp(finsTcp(3, Buffer.alloc(0), 0x03))],
  });
  // 4. The HMI reads a second PLC that serves FINS/TCP on 9610: no binding, found by the probe.
  const other = tcpConversation({
    client: { ...HMI, port: 50962 }, server: PLC2, startNs: T0 + 50n * S, rng: new Rng(9603), clientIsn: 0x09630000, serverIsn: 0x19630000, close: true,
    messages: [
      req(finsTcp(0, u32(NODE.hmi))), rsp(finsTcp(1, u32(NODE.hmi, NODE.plc2))),
      ...tcpPair(1, 0x0101, 'b0 0064 00 0002', '00ff 0001', NODE.hmi, NODE.plc2),
    ],
  });
  return toPackets([eng, dup, again, other].flatMap((c) => c.frames).sort((a, b) => (a.tsNs < b.tsNs ? -1 : a.tsNs > b.tsNs ? 1 : 0)));
}

/** Bytes that are not FINS on port 9600, over UDP and TCP, and garbage after a gap in the capture. */
function notFins(): Packet[] {
  const t = T0 + 120n * S;
  const udp: Packet[] = [
    { ts: at(t), data: udpFrame(ROGUE, PLC, 9600, 9600, Buffer.from('GET / HTTP/1.0\r\n\r\n', 'latin1')) }, // ICF 0x47: reserved bits
    { ts: at(t + 1_000_000n), data: udpFrame(ROGUE, PLC, 9600, 9600, hexb('80 00 02 00 14')) }, // cut inside the header
    { ts: at(t + 2_000_000n), data: udpFrame(ROGUE, PLC, 9600, 9600, hexb('80 07 02 00 14 00 00 63 00 01 05 01')) }, // RSV 7
  ];
  const http = tcpConversation({
    client: ROGUE, server: PLC, startNs: t + S, rng: new Rng(9604), clientIsn: 0x09640000, serverIsn: 0x19640000, close: true,
    messages: [req(Buffer.from('GET / HTTP/1.1\r\nHost: 10.96.0.20\r\n\r\n', 'latin1'))],
  });
  const garbage = new Rng(9605).bytes(144);
  garbage[0] = garbage[48] = garbage[96] = 0x00; // not an "F": no 48-byte piece can pass for a FINS/TCP header
  const broken = tcpConversation({
    client: { ...ROGUE, port: 51000 }, server: PLC, startNs: t + 2n * S, rng: new Rng(9606), clientIsn: 0x09650000, serverIsn: 0x19650000, close: true,
    segmentSize: 48,
    messages: [
      req(finsTcp(5)), // undefined FINS/TCP command
      req(finsTcp(2, hexb('be 00 02 00 14 00 00 63 00 01 01 01 82 0000 00 0001'))), // reserved ICF bits in the frame
      req(finsTcp(2, hexb('80 00 02 00 14'))), // a frame cut inside its header
      req(garbage), // then garbage: the stream loses its framing...
    ],
    drop: [4], // ...and the capture misses its second segment: the third comes after a gap
  });
  return [...udp, ...toPackets(http.frames), ...toPackets(broken.frames)];
}

export const CAPTURES: Record<string, () => Packet[]> = {
  'udp-session.pcap': udpSession,
  'tcp-session.pcap': tcpSession,
  'not-fins.pcap': notFins,
};

export function main(): void {
  mkdirSync(OUT, { recursive: true });
  for (const [name, make] of Object.entries(CAPTURES)) writeFileSync(OUT + name, writePcap(make()).bytes);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

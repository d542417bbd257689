// Writes the DNP3 scenario captures in pcaps/dnp3/ (run: npx tsx test/pcapgen/dnp3.ts; deterministic).
// Frames are built field by field from IEEE 1815-2012 (link clause 9, transport clause 8, application
// clause 4); addresses are private (192.168.100.0/24) and MACs locally administered.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dnp3Crc } from '../../src/dissectors/dnp3.js';
import { Rng, tcpConversation, udpFrame, type ConversationMessage, type Endpoint } from '../support/frames.js';
import { writePcap, type Packet } from '../support/pcap-writer.js';

const hexb = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** One link frame: 0x0564, LENGTH, control, destination, source (LE), header CRC, data in 16-octet blocks + CRC. */
export function linkFrame(o: { control: number; destination: number; source: number; data?: Buffer }): Buffer {
  const data = o.data ?? Buffer.alloc(0);
  if (data.length > 250) throw new Error('a link frame carries at most 250 user data octets');
  const head = Buffer.alloc(10);
  head[0] = 0x05; head[1] = 0x64; head[2] = 5 + data.length; head[3] = o.control;
  head.writeUInt16LE(o.destination, 4);
  head.writeUInt16LE(o.source, 6);
  head.writeUInt16LE(dnp3Crc(head, 0, 8), 8);
  const parts: Buffer[] = [head];
  for (let i = 0; i < data.length; i += 16) {
    const block = data.subarray(i, i + 16);
    const crc = Buffer.alloc(2);
    crc.writeUInt16LE(dnp3Crc(block, 0, block.length), 0);
    parts.push(block, crc);
  }
  return Buffer.concat(parts);
}

/**
 * An application fragment as link frames: transport segments of up to 249 octets, FIR on the first,
 * FIN on the last, sequence counting from `seq`. Primary unconfirmed user data (function 4); DIR set
 * when the master sends.
 */
export function appFrames(o: { fromMaster: boolean; destination: number; source: number; apdu: Buffer; seq?: number }): Buffer[] {
  const out: Buffer[] = [];
  let seq = o.seq ?? 0;
  for (let i = 0; i < o.apdu.length || i === 0; i += 249) {
    const chunk = o.apdu.subarray(i, i + 249);
    const th = (i === 0 ? 0x40 : 0) | (i + 249 >= o.apdu.length ? 0x80 : 0) | (seq & 0x3f);
    seq++;
    out.push(linkFrame({ control: (o.fromMaster ? 0x80 : 0) | 0x44, destination: o.destination, source: o.source, data: Buffer.concat([Buffer.from([th]), chunk]) }));
    if (o.apdu.length === 0) break;
  }
  return out;
}

/** Application fragments (clause 4): AC (FIR|FIN|CON|UNS|SEQ), function code, IIN on responses, objects. */
export const APDU = {
  readClass0: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 01 3c 01 06`),
  readClass123: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 01 3c 02 06 3c 03 06 3c 04 06`),
  // g1v2 points 0-7 (flags), g30v1 points 0-59 (flag + int32): 3 transport segments
  integrityResponse: (seq: number, iin1: number) =>
    Buffer.concat([hexb(`${(0xc0 | seq).toString(16)} 81 ${iin1.toString(16).padStart(2, '0')} 00 01 02 00 00 07`), Buffer.alloc(8, 0x01),
      hexb('1e 01 00 00 3b'), Buffer.alloc(60 * 5, 0x01)]),
  // write g80v1 index 7 = 0: clear IIN1.7 device restart
  clearRestart: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 02 50 01 00 07 07 00`),
  nullResponse: (seq: number, iin1 = 0) => hexb(`${(0xc0 | seq).toString(16)} 81 ${iin1.toString(16).padStart(2, '0')} 00`),
  // g2v2 two events with 2-octet index prefixes (qualifier 0x28)
  eventResponse: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 81 00 00 02 02 28 02 00 0300 81 e8030000 0000 0500 01 e9030000 0000`),
  // g12v1 CROB, qualifier 0x28 count 1, index 3: latch on, count 1, on 100 ms, off 0, status 0
  directOperate: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 05 0c 01 28 01 00 0300 03 01 64000000 00000000 00`),
  directOperateResponse: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 81 00 00 0c 01 28 01 00 0300 03 01 64000000 00000000 00`),
  coldRestart: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 0d`),
  // g52v2 time delay fine, qualifier 0x07 count 1: 2000 ms
  coldRestartResponse: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 81 00 00 34 02 07 01 d007`),
  enableUnsolicited: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 14 3c 02 06 3c 03 06 3c 04 06`),
  // unsolicited (UNS|CON) with g32v1 one event (index 1, flag, int32)
  unsolicited: (seq: number) => hexb(`${(0xf0 | seq).toString(16)} 82 02 00 20 01 28 01 00 0100 01 10270000`),
  confirmUnsolicited: (seq: number) => hexb(`${(0xd0 | seq).toString(16)} 00`),
  // g0v254 "all device attributes", qualifier 0x06
  readAttributes: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 01 00 fe 06`),
  // g0v252 manufacturer, g0v250 product and model, g0v242 software version: qualifier 0x00 0-0, VSTR (type 1)
  attributesResponse: (seq: number) => Buffer.concat([hexb(`${(0xc0 | seq).toString(16)} 81 00 00`),
    ...([[0xfc, 'Example Devices'], [0xfa, 'RTU-5000'], [0xf2, '2.4.1']] as const).map(([v, text]) =>
      Buffer.concat([Buffer.from([0x00, v, 0x00, 0x00, 0x00, 0x01, text.length]), Buffer.from(text, 'latin1')]))]),
  recordCurrentTime: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 18`),
  // g50v3 last recorded time, qualifier 0x07 count 1, 48-bit ms since 1970 (2024-01-01T00:00:00Z)
  writeTime: (seq: number) => hexb(`${(0xc0 | seq).toString(16)} 02 32 03 07 01 00 a0 c1 c4 8c 01`),
};

const MASTER_ADDR = 1;
const OUTSTATION_ADDR = 10;
const master: Endpoint = { mac: '02:00:00:00:01:0a', ip: '192.168.100.10', port: 49200 };
const outstation: Endpoint = { mac: '02:00:00:00:01:14', ip: '192.168.100.20', port: 20000 };
const T0 = 1_704_067_200n * 1_000_000_000n; // 2024-01-01T00:00:00Z

const fromMaster = (apdu: Buffer): Buffer => Buffer.concat(appFrames({ fromMaster: true, destination: OUTSTATION_ADDR, source: MASTER_ADDR, apdu }));
const fromOutstation = (apdu: Buffer): Buffer => Buffer.concat(appFrames({ fromMaster: false, destination: MASTER_ADDR, source: OUTSTATION_ADDR, apdu }));
const req = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const rsp = (data: Buffer): ConversationMessage => ({ from: 'server', data });

const toPackets = (frames: Array<{ tsNs: bigint; data: Buffer }>): Packet[] =>
  frames.map((f) => ({ ts: { sec: Number(f.tsNs / 1_000_000_000n), nsec: Number(f.tsNs % 1_000_000_000n) }, data: f.data }));

/** A master polling an outstation over TCP: link status, integrity poll, restart handling, control, unsolicited, attributes, time sync. */
export function tcpPoll(): Packet[] {
  const c = tcpConversation({
    client: master, server: outstation, startNs: T0, rng: new Rng(1815),
    messages: [
      req(linkFrame({ control: 0xc9, destination: OUTSTATION_ADDR, source: MASTER_ADDR })), // request link status
      rsp(linkFrame({ control: 0x0b, destination: MASTER_ADDR, source: OUTSTATION_ADDR })), // link status
      req(fromMaster(APDU.readClass0(0))),
      rsp(fromOutstation(APDU.integrityResponse(0, 0x80))), // IIN1.7 device restart
      req(fromMaster(APDU.clearRestart(1))),
      rsp(fromOutstation(APDU.nullResponse(1))),
      req(fromMaster(APDU.readClass123(2))),
      rsp(fromOutstation(APDU.eventResponse(2))),
      req(fromMaster(APDU.directOperate(3))),
      rsp(fromOutstation(APDU.directOperateResponse(3))),
      req(fromMaster(APDU.enableUnsolicited(4))),
      rsp(fromOutstation(APDU.nullResponse(4))),
      rsp(fromOutstation(APDU.unsolicited(0))),
      req(fromMaster(APDU.confirmUnsolicited(0))),
      req(fromMaster(APDU.readAttributes(5))),
      rsp(fromOutstation(APDU.attributesResponse(5))),
      req(fromMaster(APDU.recordCurrentTime(6))),
      rsp(fromOutstation(APDU.nullResponse(6))),
      req(fromMaster(APDU.writeTime(7))),
      rsp(fromOutstation(APDU.nullResponse(7))),
      req(fromMaster(APDU.coldRestart(8))),
      rsp(fromOutstation(APDU.coldRestartResponse(8))),
    ],
  });
  return toPackets(c.frames);
}

/** DNP3 over UDP 20000 both ways: link status, then an integrity poll and its two-segment response. */
export function udpRead(): Packet[] {
  const m = { ...master, port: 20000 };
  const o = { ...outstation, ip: '192.168.100.21', mac: '02:00:00:00:01:15' };
  const msgs: Array<[boolean, Buffer]> = [
    [true, linkFrame({ control: 0xc9, destination: OUTSTATION_ADDR, source: MASTER_ADDR })],
    [false, linkFrame({ control: 0x0b, destination: MASTER_ADDR, source: OUTSTATION_ADDR })],
    [true, fromMaster(APDU.readClass123(0))],
    [false, fromOutstation(APDU.integrityResponse(0, 0x90))], // restart + need time, 2 link frames in one datagram
  ];
  return msgs.map(([mine, data], i) => ({
    ts: { sec: 1_704_067_260, nsec: i * 5_000_000 },
    data: mine ? udpFrame(m, o, 20000, 20000, data) : udpFrame(o, m, 20000, 20000, data),
  }));
}

/** Damaged DNP3 on port 20000; the only PDUs are the valid reads and their responses. */
export function negative(): Packet[] {
  const good = fromMaster(APDU.readClass0(0));
  const badHeader = Buffer.from(good);
  badHeader[8]! ^= 0xff; // header CRC no longer matches
  const badData = Buffer.from(fromMaster(APDU.readClass123(1)));
  badData[12]! ^= 0x01; // flips a bit in the first data block
  // a middle transport segment (no FIR) with nothing before it
  const orphan = linkFrame({ control: 0xc4, destination: OUTSTATION_ADDR, source: MASTER_ADDR, data: hexb('03 c2 01 3c 01 06') });
  const c = tcpConversation({
    client: { ...master, port: 49201 }, server: outstation, startNs: T0 + 120n * 1_000_000_000n, rng: new Rng(20000),
    messages: [
      req(good), rsp(fromOutstation(APDU.nullResponse(0))),
      req(badHeader), // bad_link_crc, then the rest of the frame desynchronises the stream
      req(badData), // resynchronised by the probe: the header is fine, a data block is not
      req(Buffer.from('GET / HTTP/1.1\r\nHost: 192.168.100.20\r\n\r\n')), // not DNP3: desync
      req(orphan),
      req(fromMaster(APDU.readClass0(2))), rsp(fromOutstation(APDU.nullResponse(2))),
    ],
  });
  const u = { ...master, port: 20000 };
  const o = { ...outstation, ip: '192.168.100.21', mac: '02:00:00:00:01:15' };
  const udp: Packet[] = [
    { ts: { sec: 1_704_067_400, nsec: 0 }, data: udpFrame(u, o, 20000, 20000, Buffer.from('not a dnp3 datagram')) },
    { ts: { sec: 1_704_067_400, nsec: 1_000_000 }, data: udpFrame(u, o, 20000, 20000, badData) },
  ];
  return [...toPackets(c.frames), ...udp];
}

export const CAPTURES: Record<string, () => Packet[]> = {
  'dnp3/tcp-poll.pcap': tcpPoll,
  'dnp3/udp-read.pcap': udpRead,
  'dnp3/negative.pcap': negative,
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = fileURLToPath(new URL('../../pcaps/', import.meta.url));
  mkdirSync(`${out}dnp3`, { recursive: true });
  for (const [name, make] of Object.entries(CAPTURES)) {
    writeFileSync(`${out}${name}`, writePcap(make()).bytes);
    console.log(`wrote pcaps/${name}`);
  }
}

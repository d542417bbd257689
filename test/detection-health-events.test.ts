// A Modbus server that stops answering, and timeline events no other test checks, through the real
// pipeline (issue 6; spec §4.2 #9 "8 attempts / 5 min", §4.5 Unresponsive, §3 BACK_TO_NORMAL,
// FIRMWARE_CHANGED and PROFINET_DPC_VALUE_SET). Unanswered requests are counted per requester, answering
// device and protocol in capture time: `unresponsiveRequests` of them, at least 2 s apart from the first
// to the last (a pipelined burst is not silence) and within `unresponsiveSeconds`.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/store/config-schema.js';
import { appFrames } from './pcapgen/dnp3.js';
import { CONTROLLER, DEVICE1, dcp, dcpBlock } from './pcapgen/l2.js';
import { ethernet, ipv4Addr, udpFrame, type ConversationMessage, type Endpoint } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { HMI, MASTER, OUTSTATION, PLC, runDetection, tcpPackets } from './support/detection-run.js';

afterAll(() => removeTempDirs());

const T0 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z, µs
const SEC = 1_000_000;

type Settings = typeof DEFAULT_SETTINGS.detection;

async function detect(packets: Packet[], settings: Settings = DEFAULT_SETTINGS.detection) {
  return runDetection(packets, { settings });
}

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[], seed = 502): Packet[] {
  return tcpPackets(client, server, messages, BigInt(T0) * 1000n, seed);
}
const c = (data: Buffer, delayUs?: number): ConversationMessage => ({ from: 'client', data, ...(delayUs ? { delayUs } : {}) });
const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });

/** Capture time (µs) of the packet that carries `payload` (the only one that does). */
function timeOf(packets: Packet[], payload: Buffer): number {
  const hits = packets.filter((p) => p.data.indexOf(payload) >= 0);
  expect(hits).toHaveLength(1);
  return hits[0]!.ts as number;
}

// ---- Modbus/TCP: MBAP header (Messaging on TCP/IP §3.1.3) + Read Holding Registers (§6.3)
const mbap = (tid: number, pdu: number[]): Buffer => Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, 1, ...pdu]);
const READ_HR = (tid: number) => mbap(tid, [0x03, 0x00, 0x00, 0x00, 0x02]);
const HR_REPLY = (tid: number) => mbap(tid, [0x03, 0x04, 0x00, 0x2a, 0x00, tid & 0xff]);
/** `n` read requests `gapUs` apart (the first 1 s after the handshake). */
const unanswered = (n: number, gapUs: number, from = 1) => Array.from({ length: n }, (_, k) => c(READ_HR(from + k), k === 0 ? SEC : gapUs));

const MODBUS = 'Suspicion of Unresponsive MODBUS Device';
const GENERIC = 'Device is Suspected to be Disconnected (Unresponsive)';

describe('Suspicion of Unresponsive MODBUS Device (Operational; 8 unanswered requests / 5 min)', () => {
  it('the 8th unanswered request, 1 s apart: the Modbus title (not the generic one), from the master to the silent slave', async () => {
    const packets = conversation(HMI, PLC, unanswered(8, SEC));
    const r = await detect(packets);
    const hits = r.titled(MODBUS);
    expect(hits).toHaveLength(1);
    const a = hits[0]!;
    expect({ engine: a.catalog.engine, severity: a.catalog.severity, src: a.hit.src?.ip, dst: a.hit.dst?.ip, count: a.count })
      .toEqual({ engine: 'Operational', severity: 'Minor', src: HMI.ip, dst: PLC.ip, count: 1 });
    expect(a.hit.protocol).toBe('Modbus');
    expect(a.hit.message).toContain(`Device ${PLC.ip} is suspected to be disconnected`);
    expect(a.hit.message).toContain('8 Modbus requests');
    expect(a.hit.ts).toBe(timeOf(packets, READ_HR(8))); // raised on the 8th request, in capture time
    expect(r.titled(GENERIC)).toEqual([]);
    expect(r.typed('BACK_TO_NORMAL')).toEqual([]); // it never answered
  });

  it('its next answer puts it back to normal on the timeline, at the answer\'s capture time', async () => {
    const packets = conversation(HMI, PLC, [...unanswered(8, SEC), c(READ_HR(9), SEC), s(HR_REPLY(9))]);
    const r = await detect(packets);
    expect(r.titled(MODBUS)).toHaveLength(1);
    expect(r.typed('BACK_TO_NORMAL')).toEqual([{
      ts: timeOf(packets, HR_REPLY(9)), type: 'BACK_TO_NORMAL', title: 'Back to Normal', severity: 'INFO',
      content: `Device ${PLC.ip} was found responsive, after being suspected as disconnected`,
    }]);
  });

  it('counts across connections: one unanswered request per new TCP connection (per master, slave and protocol)', async () => {
    const packets = Array.from({ length: 8 }, (_, k) => conversation({ ...HMI, port: 50300 + k }, PLC, [c(READ_HR(k + 1))], 10 + k)
      .map((p) => ({ ...p, ts: (p.ts as number) + k * SEC }))).flat();
    const hits = (await detect(packets)).titled(MODBUS);
    expect(hits.map((a) => [a.hit.src?.ip, a.hit.dst?.ip])).toEqual([[HMI.ip, PLC.ip]]);
  });

  it('not when every request is answered (and no BACK_TO_NORMAL either)', async () => {
    const r = await detect(conversation(HMI, PLC, Array.from({ length: 12 }, (_, k) => [c(READ_HR(k + 1), SEC), s(HR_REPLY(k + 1))]).flat()));
    expect(r.titled(MODBUS)).toEqual([]);
    expect(r.typed('BACK_TO_NORMAL')).toEqual([]);
  });

  it('not after 7 unanswered requests; an answer then is no return to normal', async () => {
    const r = await detect(conversation(HMI, PLC, [...unanswered(7, SEC), s(HR_REPLY(7))]));
    expect(r.titled(MODBUS)).toEqual([]);
    expect(r.typed('BACK_TO_NORMAL')).toEqual([]);
  });

  it('an answer resets the count: 7 unanswered, one answered, 7 unanswered again raise nothing', async () => {
    const r = await detect(conversation(HMI, PLC, [...unanswered(7, SEC), s(HR_REPLY(7)), ...unanswered(7, SEC, 8)]));
    expect(r.titled(MODBUS)).toEqual([]);
  });

  it('not for 8 pipelined requests within 2 s of the first (a burst, not silence)', async () => {
    const r = await detect(conversation(HMI, PLC, unanswered(8, 200_000))); // 1.4 s from first to last
    expect(r.titled(MODBUS)).toEqual([]);
  });

  it('not when the 8 are spread over more than unresponsiveSeconds of capture time', async () => {
    // 7 s from the first to the 8th; a 6 s window misses it, a 10 s window catches it
    const packets = conversation(HMI, PLC, unanswered(8, SEC));
    expect((await detect(packets, { ...DEFAULT_SETTINGS.detection, unresponsiveSeconds: 6 })).titled(MODBUS)).toEqual([]);
    expect((await detect(packets, { ...DEFAULT_SETTINGS.detection, unresponsiveSeconds: 10 })).titled(MODBUS)).toHaveLength(1);
  });

  it('follows unresponsiveRequests: 3 unanswered raise it when the setting is 3', async () => {
    const packets = conversation(HMI, PLC, unanswered(3, 1.5 * SEC));
    expect((await detect(packets)).titled(MODBUS)).toEqual([]);
    expect((await detect(packets, { ...DEFAULT_SETTINGS.detection, unresponsiveRequests: 3 })).titled(MODBUS)).toHaveLength(1);
  });

  it('a silent DNP3 outstation raises the generic title instead, never the Modbus one', async () => {
    const read = (seq: number) => Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: Buffer.from([0xc0 | seq, 0x01, 0x3c, 0x01, 0x06]) }));
    const r = await detect(conversation(MASTER, OUTSTATION, Array.from({ length: 8 }, (_, k) => c(read(k), SEC)), 1815));
    expect(r.titled(MODBUS)).toEqual([]);
    expect(r.titled(GENERIC).map((a) => [a.hit.src?.ip, a.hit.dst?.ip, a.hit.protocol])).toEqual([[MASTER.ip, OUTSTATION.ip, 'DNP3']]);
  });
});

// ---- FIRMWARE_CHANGED: EtherNet/IP ListIdentity replies (CIP Vol. 2 §2-4.3.2) stating a revision
const ENG: Endpoint = { mac: '02:00:00:00:00:0a', ip: '192.168.0.10', port: 50123 };
const CLX: Endpoint = { mac: '02:00:00:00:00:14', ip: '192.168.0.20', port: 44818 };

/** A ListIdentity reply (encapsulation command 0x63) with one CIP Identity item: revision and serial. */
function listIdentityReply(major: number, minor: number, serial: number): Buffer {
  const name = Buffer.from('1756-L61/B LOGIX5561', 'latin1');
  const sock = Buffer.alloc(16);
  sock.writeUInt16BE(2, 0);
  sock.writeUInt16BE(44818, 2);
  ipv4Addr(CLX.ip).copy(sock, 4);
  const ser = Buffer.alloc(4);
  ser.writeUInt32LE(serial);
  const id = Buffer.concat([Buffer.from([0x01, 0x00, 0x0e, 0x00, 0x36, 0x00, major, minor, 0x60, 0x30]), ser, Buffer.from([name.length]), name, Buffer.from([0x03])]);
  const item = Buffer.concat([Buffer.from([0x01, 0x00]), sock, id]);
  const data = Buffer.concat([Buffer.from([1, 0, 0x0c, 0x00, item.length & 255, item.length >> 8]), item]);
  const h = Buffer.alloc(24);
  h.writeUInt16LE(0x63, 0);
  h.writeUInt16LE(data.length, 2);
  return Buffer.concat([h, data]);
}
/** Replies one minute apart: [major, minor]. */
const identities = (...revs: Array<[number, number]>): Packet[] =>
  revs.map(([major, minor], i) => ({ ts: T0 + i * 60 * SEC, data: udpFrame(CLX, ENG, 44818, 50000, listIdentityReply(major, minor, 0xc0ffee)) }));

describe('FIRMWARE_CHANGED timeline event (spec §3 #50)', () => {
  it('the reply that states a new revision adds it, at that reply\'s capture time, naming the device and both revisions', async () => {
    const r = await detect(identities([20, 11], [20, 11], [20, 12]));
    const ev = r.typed('FIRMWARE_CHANGED');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ ts: T0 + 120 * SEC, type: 'FIRMWARE_CHANGED', title: 'PLC Firmware Changed', severity: 'NOTICE' });
    expect(ev[0]!.content).toContain(CLX.ip);
    expect(ev[0]!.content).toMatch(/from 20\.11 to 20\.12/);
  });

  it('not when the device states the same revision again', async () => {
    const r = await detect(identities([20, 11], [20, 11], [20, 11]));
    expect(r.typed('FIRMWARE_CHANGED')).toEqual([]);
  });
});

// ---- PROFINET_DPC_VALUE_SET: DCP Set requests (IEC 61158-6-10 §4.3) on EtherType 0x8892, priority 6
const pn = (ts: number, dst: string, src: string, payload: Buffer): Packet =>
  ({ ts, data: ethernet({ dst, src, etherType: 0x8892, payload, tags: [{ vid: 0, pcp: 6 }] }) });
/** A Set request (service 4, type 0) from the controller to device 1, on the Get/Set frame id 0xfefd. */
const setRequest = (ts: number, xid: number, ...blocks: Buffer[]): Packet => pn(ts, DEVICE1, CONTROLLER, dcp(0xfefd, 4, 0, xid, blocks));
const qualified = (q: number, value: Buffer) => Buffer.concat([Buffer.from([q >> 8, q & 255]), value]);
const NAME = (n: string) => dcpBlock(2, 2, qualified(1, Buffer.from(n)));
const IP = (ip: string) => dcpBlock(1, 2, qualified(1, Buffer.concat([ipv4Addr(ip), ipv4Addr('255.255.255.0'), ipv4Addr('192.168.0.1')])));

describe('PROFINET_DPC_VALUE_SET timeline event (spec §3 #45)', () => {
  it('a Set that assigns a station name: at the request\'s capture time, naming the controller and the device', async () => {
    const r = await detect([setRequest(T0 + 5 * SEC, 1, NAME('io-dev-7'))]);
    expect(r.typed('PROFINET_DPC_VALUE_SET')).toEqual([{
      ts: T0 + 5 * SEC, type: 'PROFINET_DPC_VALUE_SET', title: 'Profinet SET operation', severity: 'NOTICE',
      content: `PROFINET DCP Set from ${CONTROLLER} assigns station name "io-dev-7" to ${DEVICE1}`,
    }]);
  });

  it('a Set that assigns an IP address names the address and the device', async () => {
    const ev = (await detect([setRequest(T0 + 7 * SEC, 2, IP('192.168.0.22'))])).typed('PROFINET_DPC_VALUE_SET');
    expect(ev.map((e) => e.ts)).toEqual([T0 + 7 * SEC]);
    expect(ev[0]!.content).toContain('IP address 192.168.0.22');
    expect(ev[0]!.content).toContain(`to ${DEVICE1}`);
  });

  it('not for a Set that only flashes the LED (Control/Signal), nor for a Set response', async () => {
    const r = await detect([
      setRequest(T0, 3, dcpBlock(5, 3, qualified(0, Buffer.from([0x01, 0x00])))),
      pn(T0 + 500, CONTROLLER, DEVICE1, dcp(0xfefd, 4, 1, 3, [dcpBlock(5, 4, Buffer.from([2, 2, 0]))])),
    ]);
    expect(r.typed('PROFINET_DPC_VALUE_SET')).toEqual([]);
  });
});

// Controller operations and failed commands through the real pipeline (issue 6; spec §4.1 #7 and #64
// Policy, §4.2 #13 Anomaly, §4.3 #4 Protocol Violation, §4.5 #2, #11, #27, #30, #31 Operational):
// firmware versions a device states over time, DNP3 restart requests per outstation in 10-minute and
// 1-hour windows (IEEE 1815-2012 function codes 13/14), PROFINET DCP factory resets and negative Set
// responses (IEC 61158-6-10 §4.3), MMS domain downloads (ISO 9506-2), BACnet Error and Reject PDUs
// (ASHRAE 135 clause 20.1) and EtherNet/IP encapsulation status codes (CIP Vol. 2 §2-3.3).
import { afterAll, describe, expect, it } from 'vitest';
import { bip, confirmed, errorPdu, OBJ, PID, readProperty, readPropertyAck, rejectPdu, SVC, T as BT } from './pcapgen/bacnet.js';
import { appFrames } from './pcapgen/dnp3.js';
import { CONTROLLER, DCP_MULTICAST, DEVICE1, dcp, dcpBlock } from './pcapgen/l2.js';
import {
  aare, aarq, confirmedReq, confirmedResp, cpaPpdu, cpType, dataTransfer, domainName, IED, CLIENT as MMS_CLIENT,
  initiateRequest, initiateResponse, listOfVariable, sessionAccept, sessionConnect, tlv, tpktConnect, vis,
} from './pcapgen/mms.js';
import { tpktDt } from './pcapgen/s7comm.js';
import { ethernet, udpFrame, type ConversationMessage, type Endpoint, type Host } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { runDetection, tcpPackets } from './support/detection-run.js';

afterAll(() => removeTempDirs());

const T0 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z, µs
const MIN = 60_000_000;

async function detect(packets: Packet[], baseline: string[] = []) {
  return (await runDetection(packets, { baseline })).titled;
}

type Hits = ReturnType<Awaited<ReturnType<typeof detect>>>;

/** The single alert of a title, as the catalog (engine, severity) and the rule (endpoints) give it. */
function one(hits: Hits) {
  expect(hits).toHaveLength(1);
  const a = hits[0]!;
  return { engine: a.catalog.engine, severity: a.catalog.severity, src: a.hit.src?.ip ?? a.hit.src?.mac ?? null, dst: a.hit.dst?.ip ?? a.hit.dst?.mac ?? null, count: a.count };
}

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[], seed = 1): Packet[] {
  return tcpPackets(client, server, messages, BigInt(T0) * 1000n, seed);
}
const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });

// ---------------------------------------------------------------- EtherNet/IP (CIP Vol. 2)

const ENG: Endpoint = { mac: '02:00:00:00:00:0a', ip: '192.168.0.10', port: 50123 };
const PLC: Endpoint = { mac: '02:00:00:00:00:14', ip: '192.168.0.20', port: 44818 };

/** Encapsulation header (§2-3.1): command, length, session, status, 8-byte context, options 0. */
function encap(command: number, data: Buffer, session = 0, status = 0): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16LE(command, 0);
  h.writeUInt16LE(data.length, 2);
  h.writeUInt32LE(session, 4);
  h.writeUInt32LE(status, 8);
  h.writeBigUInt64LE(1n, 12);
  return Buffer.concat([h, data]);
}

/** A ListIdentity reply (§2-4.3.2) with one CIP Identity item: revision major.minor and a serial number. */
function listIdentityReply(major: number, minor: number, serial: number): Buffer {
  const name = Buffer.from('1756-L61/B LOGIX5561', 'latin1');
  const sock = Buffer.alloc(16);
  sock.writeUInt16BE(2, 0);
  sock.writeUInt16BE(44818, 2);
  Buffer.from([192, 168, 0, 20]).copy(sock, 4);
  const ser = Buffer.alloc(4);
  ser.writeUInt32LE(serial);
  const id = Buffer.concat([Buffer.from([0x01, 0x00, 0x0e, 0x00, 0x36, 0x00, major, minor, 0x60, 0x30]), ser, Buffer.from([name.length]), name, Buffer.from([0x03])]);
  const item = Buffer.concat([Buffer.from([0x01, 0x00]), sock, id]);
  const head = Buffer.alloc(6);
  head.writeUInt16LE(1, 0); // one item
  head.writeUInt16LE(0x000c, 2);
  head.writeUInt16LE(item.length, 4);
  return encap(0x63, Buffer.concat([head, item]));
}

/** ListIdentity replies the controller sends one minute apart: [major, minor, serial]. */
const identities = (...revs: Array<[number, number, number]>): Packet[] =>
  revs.map(([major, minor, serial], i) => ({ ts: T0 + i * MIN, data: udpFrame(PLC, ENG, 44818, 50000, listIdentityReply(major, minor, serial)) }));

// ---------------------------------------------------------------- BACnet/IP (ASHRAE 135)

const WS: Host = { mac: '02:00:5e:00:00:0a', ip: '192.0.2.10' };
const DEV: Host = { mac: '02:00:5e:00:00:16', ip: '192.0.2.22' };
const bacnet = (frames: Array<[Host, Host, Buffer]>): Packet[] =>
  frames.map(([from, to, payload], i) => ({ ts: T0 + i * 10_000, data: udpFrame(from, to, 47808, 47808, payload) }));
const readFirmware = (invokeId: number, rev: string): Array<[Host, Host, Buffer]> => [
  [WS, DEV, bip(readProperty(invokeId, OBJ.DEVICE, 1202, PID.FIRMWARE_REVISION), { expectingReply: true })],
  [DEV, WS, bip(readPropertyAck(invokeId, OBJ.DEVICE, 1202, PID.FIRMWARE_REVISION, BT.appString(rev)))],
];

describe('Firmware Version Changed (Policy engine)', () => {
  const TITLE = 'Firmware Version Changed';

  it('a controller that stated one revision over EtherNet/IP, later another: from the device, no destination', async () => {
    const hits = (await detect(identities([20, 11, 0xc0ffee], [20, 11, 0xc0ffee], [20, 12, 0xc0ffee])))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Policy Violation', severity: 'Major', src: PLC.ip, dst: null });
    expect(hits[0]!.hit.message).toContain('20.11');
    expect(hits[0]!.hit.message).toContain('20.12');
  });

  it('a BACnet device object whose Firmware_Revision changes between two reads', async () => {
    const hits = (await detect(bacnet([...readFirmware(1, '6.02a'), ...readFirmware(2, '6.03')])))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Policy Violation', severity: 'Major', src: DEV.ip, dst: null });
  });

  it('not for the same revision stated again, nor for two modules (serials) behind one address', async () => {
    const same = await detect(identities([20, 11, 0xc0ffee], [20, 11, 0xc0ffee]));
    expect(same(TITLE)).toEqual([]);
    const modules = await detect(identities([20, 11, 0xc0ffee], [30, 2, 0xbadf00d], [20, 11, 0xc0ffee], [30, 2, 0xbadf00d]));
    expect(modules(TITLE)).toEqual([]);
  });
});

// ---------------------------------------------------------------- DNP3 restarts (IEEE 1815-2012)

const MASTER: Host = { mac: '02:00:00:00:01:0a', ip: '192.168.100.10' };
const OUTSTATION: Host = { mac: '02:00:00:00:01:14', ip: '192.168.100.20' };
/** A restart request (13 cold, 14 warm) from master address 1 to outstation 10, over UDP 20000, at `ts`. */
const restart = (ts: number, fc: 13 | 14, seq: number): Packet => ({
  ts, data: udpFrame(MASTER, OUTSTATION, 20000, 20000, Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: Buffer.from([0xc0 | (seq & 15), fc]) }))),
});
/** `n` cold restarts `gapUs` apart. */
const restarts = (n: number, gapUs: number): Packet[] => Array.from({ length: n }, (_, i) => restart(T0 + i * gapUs, 13, i));

describe('Outstation Restarts Frequently (Operational engine; 2 restarts / 10 min)', () => {
  const TITLE = 'Outstation Restarts Frequently';

  it('a cold and then a warm restart of one outstation five minutes apart', async () => {
    const hits = (await detect([restart(T0, 13, 0), restart(T0 + 5 * MIN, 14, 1)]))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Operational', severity: 'Minor', src: MASTER.ip, dst: OUTSTATION.ip, count: 1 });
  });

  it('not for one restart, nor for two that are a second more than ten minutes apart', async () => {
    expect((await detect([restart(T0, 13, 0)]))(TITLE)).toEqual([]);
    expect((await detect([restart(T0, 13, 0), restart(T0 + 10 * MIN + 1_000_000, 13, 1)]))(TITLE)).toEqual([]);
  });
});

describe('Excessive Restart Rate of an Outstation (Anomaly engine; 10 restarts / 1 h)', () => {
  const TITLE = 'Excessive Restart Rate of an Outstation';

  it('ten restarts within an hour, six minutes apart', async () => {
    const hits = (await detect(restarts(10, 6 * MIN)))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Anomaly', severity: 'Major', src: MASTER.ip, dst: OUTSTATION.ip, count: 1 });
  });

  it('not for nine within an hour, nor for ten spread over 63 minutes', async () => {
    expect((await detect(restarts(9, 6 * MIN)))(TITLE)).toEqual([]);
    expect((await detect(restarts(10, 7 * MIN)))(TITLE)).toEqual([]);
  });
});

// ---------------------------------------------------------------- PROFINET DCP (IEC 61158-6-10)

/** DCP frames go straight over Ethernet (EtherType 0x8892) with an 802.1Q priority-6 tag. */
const pn = (ts: number, dst: string, src: string, payload: Buffer): Packet =>
  ({ ts, data: ethernet({ dst, src, etherType: 0x8892, payload, tags: [{ vid: 0, pcp: 6 }] }) });
/** A Set request (service 4, type 0) on the Get/Set frame id from the controller to device 1. */
const setRequest = (xid: number, ...blocks: Buffer[]): Packet => pn(T0 + xid * 1000, DEVICE1, CONTROLLER, dcp(0xfefd, 4, 0, xid, blocks));
/** Its answer (type 1) with a Control/Response block: the option/suboption set and BlockError. */
const setResponse = (xid: number, option: number, suboption: number, error: number, type = 1): Packet =>
  pn(T0 + xid * 1000 + 500, CONTROLLER, DEVICE1, dcp(0xfefd, 4, type, xid, [dcpBlock(5, 4, Buffer.from([option, suboption, error]))]));
const qualifier = (q: number, value = Buffer.alloc(0)) => Buffer.concat([Buffer.from([q >> 8, q & 255]), value]);

describe('Profinet Device Factory Reset (Operational engine)', () => {
  const TITLE = 'Profinet Device Factory Reset';

  it('a Set request with the Reset to Factory block (5/6), from the controller to the device', async () => {
    const hits = (await detect([setRequest(1, dcpBlock(5, 6, qualifier(2))), setResponse(1, 5, 6, 0)]))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Operational', severity: 'Warning', src: CONTROLLER, dst: DEVICE1 });
    expect(hits[0]!.hit.src?.ip ?? null).toBeNull();
  });

  it('also with the older Reset Factory Settings block (5/5)', async () => {
    expect(one((await detect([setRequest(2, dcpBlock(5, 5, qualifier(0)))]))(TITLE))).toMatchObject({ src: CONTROLLER, dst: DEVICE1 });
  });

  it('not for a Set that flashes the LED or assigns a name, nor for an Identify', async () => {
    const r = await detect([
      setRequest(3, dcpBlock(5, 3, qualifier(0, Buffer.from([0x01, 0x00])))), setResponse(3, 5, 3, 0),
      setRequest(4, dcpBlock(2, 2, qualifier(1, Buffer.from('io-dev-7')))), setResponse(4, 2, 2, 0),
      pn(T0 + 9000, DCP_MULTICAST, CONTROLLER, dcp(0xfefe, 5, 0, 5, [dcpBlock(0xff, 0xff, Buffer.alloc(0))], 1)),
    ]);
    expect(r(TITLE)).toEqual([]);
  });
});

describe('Profinet DCP Command Failed (Operational engine)', () => {
  const TITLE = 'Profinet DCP Command Failed';

  it('a Set response whose Control/Response block carries a BlockError: from the device to the controller', async () => {
    const hits = (await detect([setRequest(1, dcpBlock(2, 2, qualifier(1, Buffer.from('io-dev-7')))), setResponse(1, 2, 2, 6)]))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Operational', severity: 'Major', src: DEVICE1, dst: CONTROLLER });
    expect(hits[0]!.hit.message).toContain('in operation, SET not possible');
  });

  it('a response that says the request is not supported (ServiceType bit 2)', async () => {
    expect(one((await detect([setRequest(2, dcpBlock(2, 2, qualifier(1, Buffer.from('x1')))), setResponse(2, 2, 2, 0, 0x05)]))(TITLE)))
      .toMatchObject({ src: DEVICE1, dst: CONTROLLER });
  });

  it('not for a response with BlockError 0 (no error)', async () => {
    expect((await detect([setRequest(3, dcpBlock(2, 2, qualifier(1, Buffer.from('io-dev-7')))), setResponse(3, 2, 2, 0)]))(TITLE)).toEqual([]);
  });
});

// ---------------------------------------------------------------- MMS (ISO 9506-2 over ISO-on-TCP)

const dt = (mmsPdu: Buffer) => tpktDt(dataTransfer(mmsPdu));
const associate: ConversationMessage[] = [
  c(tpktConnect(false, 0x0000, 0x0021)), s(tpktConnect(true, 0x0021, 0x4100)),
  c(tpktDt(sessionConnect(cpType(aarq(initiateRequest()))))), s(tpktDt(sessionAccept(cpaPpdu(aare(initiateResponse()))))),
];
/** initiateDownloadSequence (service 26): domain name, capability list, sharable FALSE. */
const download = [
  c(dt(confirmedReq(11, 26, Buffer.concat([tlv(0x80, Buffer.from('DEMOIEDPROG', 'latin1')), tlv(0xa1, vis('DR7K-CFG')), tlv(0x82, Buffer.from([0x00]))])))),
  s(dt(confirmedResp(11, 26, null))),
];
const mms = (messages: ConversationMessage[]) => conversation(MMS_CLIENT, IED, [...associate, ...messages], 610);

describe('Unauthorized MMS Program Access (Policy engine)', () => {
  const TITLE = 'Unauthorized MMS Program Access';

  it('a client that starts a domain download to an IED, unlearned: from the client to the IED', async () => {
    const hits = (await detect(mms(download)))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Policy Violation', severity: 'Major', src: MMS_CLIENT.ip, dst: IED.ip });
    expect(hits[0]!.hit.learn).toEqual([`program:${MMS_CLIENT.ip}>${IED.ip}`]);
  });

  it('not when that pair is in the learned baseline, nor for a read of a variable', async () => {
    expect((await detect(mms(download), [`program:${MMS_CLIENT.ip}>${IED.ip}`]))(TITLE)).toEqual([]);
    const read = [c(dt(confirmedReq(3, 4, tlv(0xa1, listOfVariable(domainName('DEMOIEDLD0', 'LLN0$ST$Mod$stVal')))))),
      s(dt(confirmedResp(3, 4, tlv(0xa1, tlv(0x85, Buffer.from([1]))))))];
    expect((await detect(mms(read)))(TITLE)).toEqual([]);
  });
});

// ---------------------------------------------------------------- BACnet failures

describe('BACnet Error and Reject PDUs', () => {
  const FAILED = 'BACNet Operation Failed';
  const ILLEGAL = 'Illegal BACNet message';
  // ReadProperty of a property the device lacks: Error class property (2), code unknown-property (32)
  const failed = bacnet([
    [WS, DEV, bip(readProperty(5, OBJ.DEVICE, 1202, 9999), { expectingReply: true })],
    [DEV, WS, bip(errorPdu(5, SVC.READ_PROPERTY, 2, 32))],
  ]);
  // confirmed service 35 is not defined: Reject reason unrecognized-service (9)
  const rejected = bacnet([
    [WS, DEV, bip(confirmed(14, 35), { expectingReply: true })],
    [DEV, WS, bip(rejectPdu(14, 9))],
  ]);

  it('BACNet Operation Failed (Operational): an Error PDU, from the server to the requester', async () => {
    const r = await detect(failed);
    expect(one(r(FAILED))).toMatchObject({ engine: 'Operational', severity: 'Major', src: DEV.ip, dst: WS.ip });
    expect(r(ILLEGAL)).toEqual([]);
  });

  it('Illegal BACNet message (Protocol Violation): a Reject, from the requester that sent the invalid request to the device', async () => {
    const r = await detect(rejected);
    expect(one(r(ILLEGAL))).toMatchObject({ engine: 'Protocol Violation', severity: 'Major', src: WS.ip, dst: DEV.ip });
    expect(r(FAILED)).toEqual([]);
  });

  it('neither for a successful ReadProperty', async () => {
    const r = await detect(bacnet(readFirmware(1, '6.02a')));
    expect(r(FAILED)).toEqual([]);
    expect(r(ILLEGAL)).toEqual([]);
  });
});

// ---------------------------------------------------------------- EtherNet/IP encapsulation failures

describe('EtherNet/IP Encapsulation Protocol Command Failed (Operational engine)', () => {
  const TITLE = 'EtherNet/IP Encapsulation Protocol Command Failed';
  const register = encap(0x65, Buffer.from([1, 0, 0, 0]));

  it('a RegisterSession reply with status 0x69 (unsupported protocol revision): from the controller to the client', async () => {
    const hits = (await detect(conversation(ENG, PLC, [c(register), s(encap(0x65, Buffer.from([1, 0, 0, 0]), 0, 0x69))])))(TITLE);
    expect(one(hits)).toMatchObject({ engine: 'Operational', severity: 'Major', src: PLC.ip, dst: ENG.ip });
    expect(hits[0]!.hit.message).toContain('Unsupported protocol revision');
  });

  it('not for a reply with status 0 (success)', async () => {
    expect((await detect(conversation(ENG, PLC, [c(register), s(encap(0x65, Buffer.from([1, 0, 0, 0]), 0x0badcafe, 0))])))(TITLE)).toEqual([]);
  });
});

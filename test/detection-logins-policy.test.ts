// Failed sign-in alerts (Anomaly engine, spec §4.2 #11 and #19; Policy engine §4.1 #9) and the Policy
// engine's baseline alerts (§4.1 #19, #23, #39, #80; learning mode §5.6) through the real pipeline.
// Failed sign-ins are FTP 530 replies (RFC 959 §4.2) and HTTP 401 responses (RFC 9110 §15.5.2),
// counted per client and server in a fixed window (loginAttempts per loginWindowSeconds). Policy
// alerts are only raised with learning off; what the baseline holds is not raised.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/store/config-schema.js';
import { type ConversationMessage, type Endpoint, ethernet, udpFrame } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { runDetection, tcpPackets } from './support/detection-run.js';
import { encap, u16 } from './pcapgen/enip-frames.js';
import { tpktConnect, tpktDt } from './pcapgen/s7comm.js';
import { dcp, dcpBlock, DCP_MULTICAST } from './pcapgen/l2.js';

afterAll(() => removeTempDirs());

const T0 = 1_700_000_000_000_000_000n; // ns
const SEC = 1_000_000_000n;
const OFF = { on: false, until: null };

interface RunOptions { baseline?: string[]; learning?: { on: boolean; until: number | null } }

async function detect(packets: Packet[], o: RunOptions = {}) {
  return runDetection(packets, { learning: o.learning ?? OFF, baseline: o.baseline });
}

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[], startNs = T0, seed = 1): Packet[] {
  return tcpPackets(client, server, messages, startNs, seed);
}

const c = (s: string, delayUs?: number): ConversationMessage => ({ from: 'client', data: Buffer.from(s, 'latin1'), delayUs });
const s = (s: string): ConversationMessage => ({ from: 'server', data: Buffer.from(s, 'latin1') });

// ---------------------------------------------------------------- failed sign-ins

const OP = { mac: '02:00:00:31:00:0a', ip: '10.31.0.10', port: 50321 };
const FTPD = { mac: '02:00:00:31:00:15', ip: '10.31.0.21', port: 21 };
const WEB = { mac: '02:00:00:31:00:50', ip: '10.31.0.80', port: 80 };

/** FTP control session: greeting, then `n` USER/PASS pairs each refused with 530 (RFC 959 §5.4). */
function ftpFailures(n: number, gapBeforeLastUs?: number): Packet[] {
  const m: ConversationMessage[] = [s('220 FTP server ready\r\n')];
  for (let i = 0; i < n; i++) {
    m.push(c('USER operator\r\n', i === n - 1 ? gapBeforeLastUs : undefined), s('331 Password required\r\n'), c(`PASS guess${i}\r\n`), s('530 Login incorrect.\r\n'));
  }
  return conversation(OP, FTPD, m);
}

/** `n` HTTP requests with Basic credentials, each answered 401 (RFC 9110 §11.6.1, §15.5.2). */
function httpFailures(n: number, gapBeforeLastUs?: number): Packet[] {
  const m: ConversationMessage[] = [];
  for (let i = 0; i < n; i++) {
    const auth = Buffer.from(`admin:guess${i}`).toString('base64');
    m.push(c(`GET /config HTTP/1.1\r\nHost: plc\r\nAuthorization: Basic ${auth}\r\n\r\n`, i === n - 1 ? gapBeforeLastUs : undefined),
      s('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm="plc"\r\nContent-Length: 0\r\n\r\n'));
  }
  return conversation(OP, WEB, m);
}

function expectOne(list: Array<{ hit: { src: { ip: string | null } | null; dst: { ip: string | null } | null; protocol: string | null }; catalog: { engine: string; severity: string } }>,
  engine: string, severity: string, src: string, dst: string | null, protocol: string | null) {
  expect(list).toHaveLength(1);
  const a = list[0]!;
  expect(a.catalog.engine).toBe(engine);
  expect(a.catalog.severity).toBe(severity);
  expect(a.hit.src?.ip).toBe(src);
  if (dst === null) expect(a.hit.dst).toBeNull();
  else expect(a.hit.dst?.ip).toBe(dst);
  expect(a.hit.protocol).toBe(protocol);
}

describe('FTP Login Failed (Policy, 2 failures)', () => {
  it('is raised at the second 530 reply, from the client to the FTP server', async () => {
    const r = await detect(ftpFailures(2));
    expectOne(r.titled('FTP Login Failed'), 'Policy Violation', 'Major', OP.ip, FTPD.ip, 'FTP');
    expect(r.events.filter((e) => e.type === 'FTP_AUTHENTICATION_FAILURE')).toHaveLength(1);
  });

  it('not after one failure (the timeline event still records it), nor while learning', async () => {
    const one = await detect(ftpFailures(1));
    expect(one.titled('FTP Login Failed')).toEqual([]);
    expect(one.events.filter((e) => e.type === 'FTP_AUTHENTICATION_FAILURE')).toHaveLength(1);
    const learning = await detect(ftpFailures(2), { learning: { on: true, until: null } });
    expect(learning.titled('FTP Login Failed')).toEqual([]);
  });

  it('not for HTTP 401 failures', async () => {
    const r = await detect(httpFailures(3));
    expect(r.titled('FTP Login Failed')).toEqual([]);
  });
});

describe('Excessive Login Attempts (Anomaly, 20 failures / 60 s)', () => {
  const limit = DEFAULT_SETTINGS.detection.loginAttempts;

  it('20 refused Telnet sign-ins ("Login incorrect") raise it, from the client to the Telnet server', async () => {
    const TELNETD = { mac: '02:00:00:31:00:17', ip: '10.31.0.23', port: 23 };
    const m: ConversationMessage[] = [s('\xff\xfd\x18\xff\xfb\x01'), s('\r\nrtu-7 login: ')];
    for (let i = 0; i < limit; i++) m.push(c('admin\r\n'), s('Password: '), c(`guess${i}\r\n`), s('\r\nLogin incorrect\r\nrtu-7 login: '));
    const r = await detect(conversation(OP, TELNETD, m));
    expectOne(r.titled('Excessive Login Attempts'), 'Anomaly', 'Critical', OP.ip, TELNETD.ip, 'Telnet');
    // the same session with the sign-ins accepted counts nothing
    const ok: ConversationMessage[] = [s('\r\nrtu-7 login: ')];
    for (let i = 0; i < limit; i++) ok.push(c('admin\r\n'), s('Password: '), c('secret\r\n'), s('\r\nLast login: Mon\r\n$ exit\r\nrtu-7 login: '));
    expect((await detect(conversation(OP, TELNETD, ok))).titled('Excessive Login Attempts')).toEqual([]);
  });

  it('failures are counted per protocol: 10 HTTP 401s and 10 FTP 530s to one host are not 20', async () => {
    const BOTH = { ...FTPD };
    const http = conversation(OP, { ...BOTH, port: 80 }, Array.from({ length: 10 }, (_, i) => [
      c(`GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic ${Buffer.from(`a:${i}`).toString('base64')}\r\n\r\n`),
      s('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n')]).flat(), T0, 2);
    const ftp = conversation({ ...OP, port: 50999 }, BOTH, [s('220 ready\r\n'), ...Array.from({ length: 10 }, (_, i) => [c('USER a\r\n'), s('331 Password required\r\n'), c(`PASS ${i}\r\n`), s('530 Login incorrect.\r\n')]).flat()], T0 + SEC, 3);
    const r = await detect([...http, ...ftp].sort((x, y) => Number(x.ts) - Number(y.ts)));
    expect(r.titled('Excessive Login Attempts')).toEqual([]);
    expect(r.titled('FTP Login Failed')).toHaveLength(1); // the FTP failures themselves still count
  });

  it('20 HTTP 401s from one client to one server raise it once', async () => {
    const r = await detect(httpFailures(limit));
    expectOne(r.titled('Excessive Login Attempts'), 'Anomaly', 'Critical', OP.ip, WEB.ip, 'HTTP');
    expect(r.titled('Excessive Login Attempts')[0]!.count).toBe(1);
  });

  it('20 FTP 530s raise it too', async () => {
    const r = await detect(ftpFailures(limit));
    expectOne(r.titled('Excessive Login Attempts'), 'Anomaly', 'Critical', OP.ip, FTPD.ip, 'FTP');
  });

  it('not at 19, nor when the 20th comes after the window', async () => {
    const below = await detect(httpFailures(limit - 1));
    expect(below.titled('Excessive Login Attempts')).toEqual([]);
    const late = await detect(httpFailures(limit, (DEFAULT_SETTINGS.detection.loginWindowSeconds + 5) * 1_000_000));
    expect(late.titled('Excessive Login Attempts')).toEqual([]);
    // the same 20 without the pause do raise it (the pause is what kept it quiet)
    expect((await detect(httpFailures(limit, 1_000_000))).titled('Excessive Login Attempts')).toHaveLength(1);
  });

  it('successful answers are not counted', async () => {
    const m: ConversationMessage[] = [];
    for (let i = 0; i < limit + 5; i++) m.push(c('GET / HTTP/1.1\r\nHost: plc\r\n\r\n'), s('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n'));
    const r = await detect(conversation(OP, WEB, m));
    expect(r.titled('Excessive Login Attempts')).toEqual([]);
  });
});

describe('Password Guessing Attempt Detected (Anomaly, 100 failures / 60 s)', () => {
  it('100 FTP 530s raise it, with Excessive Login Attempts before it', async () => {
    const r = await detect(ftpFailures(100));
    expectOne(r.titled('Password Guessing Attempt Detected'), 'Anomaly', 'Critical', OP.ip, FTPD.ip, 'FTP');
    expect(r.titled('Excessive Login Attempts')).toHaveLength(1);
  });

  it('99 raise only Excessive Login Attempts', async () => {
    const r = await detect(ftpFailures(99));
    expect(r.titled('Password Guessing Attempt Detected')).toEqual([]);
    expect(r.titled('Excessive Login Attempts')).toHaveLength(1);
  });
});

// ---------------------------------------------------------------- new devices

describe('New Asset Detected (Policy)', () => {
  const A = { mac: '02:00:00:32:00:01', ip: '10.32.0.1' };
  const B = { mac: '02:00:00:32:00:02', ip: '10.32.0.2' };
  const PUB = { mac: '02:00:00:32:00:99', ip: '198.51.100.7' };
  const frames = (from: Array<{ mac: string; ip: string }>): Packet[] =>
    from.map((h, i) => ({ ts: 1_700_000_000_000_000 + i * 1000, data: udpFrame(h, h === A ? B : A, 40000 + i, 9999, Buffer.from('hello')) }));

  it('a plant-range sender not in the baseline is raised, with its address as the source', async () => {
    const r = await detect(frames([A]));
    expectOne(r.titled('New Asset Detected'), 'Policy Violation', 'Major', A.ip, null, null);
    expect(r.events.some((e) => e.type === 'DEVICE_CREATE' && e.content.includes(A.ip))).toBe(true);
  });

  it('not for a device in the baseline, nor while learning', async () => {
    const r = await detect(frames([A, B]), { baseline: [`device:${A.ip}`] });
    expect(r.titled('New Asset Detected').map((a) => a.hit.src?.ip)).toEqual([B.ip]);
    const learning = await detect(frames([A, B]), { learning: { on: true, until: null } });
    expect(learning.titled('New Asset Detected')).toEqual([]);
  });

  it('not for a sender on a public address (not an OT subnet)', async () => {
    const r = await detect(frames([PUB]));
    expect(r.titled('New Asset Detected')).toEqual([]);
  });

  it('a layer-2 only device (Profinet DCP) is raised by its MAC', async () => {
    const ctl = '02:00:00:32:00:c1';
    const identify = dcp(0xfefe, 5, 0, 0x1001, [dcpBlock(0xff, 0xff, Buffer.alloc(0))], 0x80);
    const pkt = { ts: 1_700_000_000_000_000, data: ethernet({ dst: DCP_MULTICAST, src: ctl, etherType: 0x8892, payload: identify }) };
    const r = await detect([pkt]);
    const got = r.titled('New Asset Detected');
    expect(got).toHaveLength(1);
    expect(got[0]!.hit.src).toEqual({ ip: null, mac: ctl });
    expect((await detect([pkt], { baseline: [`device:${ctl}`] })).titled('New Asset Detected')).toEqual([]);
  });
});

// ---------------------------------------------------------------- new activity: EtherNet/IP and CIP

const ENG = { mac: '02:00:00:33:00:0a', ip: '192.168.33.10', port: 50123 };
const PLC = { mac: '02:00:00:33:00:14', ip: '192.168.33.20', port: 44818 };

/** SendRRData (0x6F) with a null address item and one unconnected data item (Vol. 2 §2-6). */
const sendRR = (cip: Buffer, context: bigint) =>
  encap(0x6f, Buffer.concat([Buffer.alloc(4), u16(10), u16(2), u16(0), u16(0), u16(0xb2), u16(cip.length), cip]), 0x1234, context);
/** Message Router request to class/instance/attribute with 8-bit logical segments (Vol. 1 App. C-1.4). */
const cipRequest = (service: number, cls: number, inst: number, attr: number) => Buffer.from([service, 3, 0x20, cls, 0x24, inst, 0x30, attr]);
const cipReply = (service: number, data: Buffer) => Buffer.concat([Buffer.from([service | 0x80, 0, 0, 0]), data]);

const REGISTER = 0x65, SEND_RR = 0x6f, GET_ATTRIBUTE_SINGLE = 0x0e;
const enipSession = () => conversation(ENG, PLC, [
  { from: 'client', data: encap(REGISTER, Buffer.from([1, 0, 0, 0]), 0, 1n) },
  { from: 'server', data: encap(REGISTER, Buffer.from([1, 0, 0, 0]), 0x1234, 1n) },
  { from: 'client', data: sendRR(cipRequest(GET_ATTRIBUTE_SINGLE, 0x01, 1, 7), 2n) },
  { from: 'server', data: sendRR(cipReply(GET_ATTRIBUTE_SINGLE, Buffer.from('\x05PLC-1', 'latin1')), 2n) },
]);
const ENIP_OPS = [REGISTER, SEND_RR].map((f) => `op:enip:${ENG.ip}>${PLC.ip}:${f}`);
// a CIP operation is the service on an object class (here class 1, Identity)
const CIP_OP = `op:cip:${ENG.ip}>${PLC.ip}:${GET_ATTRIBUTE_SINGLE}:class=1`;

describe('New Activity Detected - EtherNet/IP Protocol Command and - CIP Class Service (Policy)', () => {
  it('commands and services outside the baseline are raised, from the client to the controller', async () => {
    const r = await detect(enipSession());
    const enip = r.titled('New Activity Detected - EtherNet/IP Protocol Command');
    expectOne(enip, 'Policy Violation', 'Major', ENG.ip, PLC.ip, 'EtherNet/IP');
    expect(enip[0]!.count).toBe(2); // RegisterSession and SendRRData: one condition per pair
    expect(enip[0]!.hit.learn).toEqual([ENIP_OPS[0]]);
    const cip = r.titled('New Activity Detected - CIP Class Service');
    expectOne(cip, 'Policy Violation', 'Major', ENG.ip, PLC.ip, 'CIP');
    expect(cip[0]!.hit.learn).toEqual([CIP_OP]);
  });

  it('what the baseline holds is not raised: EtherNet/IP learned, CIP not', async () => {
    const r = await detect(enipSession(), { baseline: ENIP_OPS });
    expect(r.titled('New Activity Detected - EtherNet/IP Protocol Command')).toEqual([]);
    expect(r.titled('New Activity Detected - CIP Class Service')).toHaveLength(1);
  });

  it('with both learned nothing is raised; while learning nothing is raised', async () => {
    const r = await detect(enipSession(), { baseline: [...ENIP_OPS, CIP_OP] });
    expect(r.titled('New Activity Detected - EtherNet/IP Protocol Command')).toEqual([]);
    expect(r.titled('New Activity Detected - CIP Class Service')).toEqual([]);
    const learning = await detect(enipSession(), { learning: { on: true, until: null } });
    expect(learning.alerts.filter((a) => a.hit.title.startsWith('New Activity Detected'))).toEqual([]);
  });

  it('a learned operation between other peers does not cover this pair', async () => {
    const r = await detect(enipSession(), { baseline: [`op:cip:192.168.33.99>${PLC.ip}:${GET_ATTRIBUTE_SINGLE}`] });
    expect(r.titled('New Activity Detected - CIP Class Service')).toHaveLength(1);
  });

  it('a service learned on one object class does not cover another class', async () => {
    const other = conversation(ENG, PLC, [
      { from: 'client', data: encap(REGISTER, Buffer.from([1, 0, 0, 0]), 0, 1n) },
      { from: 'server', data: encap(REGISTER, Buffer.from([1, 0, 0, 0]), 0x1234, 1n) },
      { from: 'client', data: sendRR(cipRequest(GET_ATTRIBUTE_SINGLE, 0x8e, 1, 1), 2n) },
      { from: 'server', data: sendRR(cipReply(GET_ATTRIBUTE_SINGLE, Buffer.from([1, 0])), 2n) },
    ]);
    const r = await detect(other, { baseline: [...ENIP_OPS, CIP_OP] });
    const cip = r.titled('New Activity Detected - CIP Class Service');
    expect(cip).toHaveLength(1);
    expect(cip[0]!.hit.learn).toEqual([`op:cip:${ENG.ip}>${PLC.ip}:${GET_ATTRIBUTE_SINGLE}:class=142`]);
    expect(cip[0]!.hit.message).toContain('object class 0x8e');
  });

  it('an EtherNet/IP command and a CIP service with the same number are judged apart on one connection', async () => {
    // ListServices is encapsulation command 0x04; Set_Attribute_List is CIP service 0x04
    const LIST_SERVICES = 0x04, SET_ATTRIBUTE_LIST = 0x04;
    const session = conversation(ENG, PLC, [
      { from: 'client', data: encap(LIST_SERVICES, Buffer.alloc(0), 0, 1n) },
      { from: 'server', data: encap(LIST_SERVICES, Buffer.from([1, 0, 0x00, 0x01, 20, 0, 1, 0, 0x20, 0, ...Buffer.from('Communications\0\0', 'latin1')]), 0, 1n) },
      { from: 'client', data: sendRR(cipRequest(SET_ATTRIBUTE_LIST, 0x01, 1, 7), 2n) },
      { from: 'server', data: sendRR(cipReply(SET_ATTRIBUTE_LIST, Buffer.alloc(0)), 2n) },
    ]);
    const r = await detect(session, { baseline: [LIST_SERVICES, SEND_RR].map((f) => `op:enip:${ENG.ip}>${PLC.ip}:${f}`) });
    expect(r.titled('New Activity Detected - EtherNet/IP Protocol Command')).toEqual([]);
    const cip = r.titled('New Activity Detected - CIP Class Service');
    expect(cip).toHaveLength(1);
    expect(cip[0]!.hit.learn).toEqual([`op:cip:${ENG.ip}>${PLC.ip}:${SET_ATTRIBUTE_LIST}:class=1`]);
  });
});

// ---------------------------------------------------------------- S7comm-plus

const PG = { mac: '02:00:00:34:00:0a', ip: '10.34.0.10', port: 49500 };
const CPU = { mac: '02:00:00:34:00:14', ip: '10.34.0.20', port: 102 };
const GET_VARIABLE = 0x04fc;

/** S7comm-plus V1 PDU: header, opcode, reserved, function, reserved, sequence, body, trailer (see src/dissectors/s7comm/plus.ts). */
function s7plus(opcode: number, fn: number, seq: number): Buffer {
  const body = Buffer.alloc(13);
  body[0] = opcode;
  body.writeUInt16BE(fn, 3);
  body.writeUInt16BE(seq, 7);
  return Buffer.concat([Buffer.from([0x72, 0x01, 0x00, body.length]), body, Buffer.from([0x72, 0x01, 0x00, 0x00])]);
}
const s7plusSession = () => conversation(PG, CPU, [
  { from: 'client', data: tpktConnect(false, 0x0000, 0x0010) },
  { from: 'server', data: tpktConnect(true, 0x0010, 0x0020) },
  { from: 'client', data: tpktDt(s7plus(0x31, GET_VARIABLE, 1)) },
  { from: 'server', data: tpktDt(s7plus(0x32, GET_VARIABLE, 1)) },
]);

describe('Unauthorized Siemens S7 Plus Operation (Policy)', () => {
  it('a Get Variable request outside the baseline is raised, from the PG to the CPU', async () => {
    const r = await detect(s7plusSession());
    const got = r.titled('Unauthorized Siemens S7 Plus Operation');
    expectOne(got, 'Policy Violation', 'Major', PG.ip, CPU.ip, 'S7 Plus');
    expect(got[0]!.hit.learn).toEqual([`op:s7commplus:${PG.ip}>${CPU.ip}:${GET_VARIABLE}`]);
  });

  it('not when the operation is in the baseline, nor while learning', async () => {
    const known = await detect(s7plusSession(), { baseline: [`op:s7commplus:${PG.ip}>${CPU.ip}:${GET_VARIABLE}`] });
    expect(known.titled('Unauthorized Siemens S7 Plus Operation')).toEqual([]);
    const learning = await detect(s7plusSession(), { learning: { on: true, until: null } });
    expect(learning.titled('Unauthorized Siemens S7 Plus Operation')).toEqual([]);
  });
});

// Timeline events of controller operations and HTTP sign-ins that no other test checks, through the
// real pipeline (issue 6; spec §3 #7 MMS_PROGRAM_DEVICE, #19 MMS_PROGRAM_OPERATION, #20
// HTTP_BASIC_AUTHENTICATION, #61 ENIP_CONTROLLER_GENERIC_RESET, #63 ENIP_CONTROLLER_GENERIC_START;
// titles and severities as fixtures/events/types.json gives them). Each event carries the capture time
// of the request that caused it and names the sender and the receiver; an HTTP Basic sign-in names the
// user but never the password (RFC 7617 credentials are only base64, so the event must not repeat them).
import { afterAll, describe, expect, it } from 'vitest';
import {
  aare, aarq, confirmedReq, confirmedReqPrim, confirmedResp, cpaPpdu, cpType, dataTransfer, domainName, IED, CLIENT as MMS_CLIENT,
  initiateRequest, initiateResponse, listOfVariable, sessionAccept, sessionConnect, tlv, tpktConnect, vis,
} from './pcapgen/mms.js';
import { tpktDt } from './pcapgen/s7comm.js';
import { type ConversationMessage, type Endpoint } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { runDetection, tcpPackets } from './support/detection-run.js';
import { encap, u16 } from './pcapgen/enip-frames.js';

afterAll(() => removeTempDirs());

const T0 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z, µs
const SEC = 1_000_000;

async function detect(packets: Packet[]) {
  return runDetection(packets);
}

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[], seed = 7): Packet[] {
  return tcpPackets(client, server, messages, BigInt(T0) * 1000n, seed);
}
/** A client message sent some seconds into the connection, so its time differs from the handshake's. */
const c = (data: Buffer, delayUs = 3 * SEC): ConversationMessage => ({ from: 'client', data, delayUs });
const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });

/** Capture time (µs) of the packet that carries `payload` (the only one that does). */
function timeOf(packets: Packet[], payload: Buffer): number {
  const hits = packets.filter((p) => p.data.indexOf(payload) >= 0);
  expect(hits).toHaveLength(1);
  return hits[0]!.ts as number;
}

// ---------------------------------------------------------------- MMS (ISO 9506-2 over ISO-on-TCP)

const dt = (mmsPdu: Buffer) => tpktDt(dataTransfer(mmsPdu));
const associate: ConversationMessage[] = [
  c(tpktConnect(false, 0x0000, 0x0021), 0), s(tpktConnect(true, 0x0021, 0x4100)),
  c(tpktDt(sessionConnect(cpType(aarq(initiateRequest())))), 0), s(tpktDt(sessionAccept(cpaPpdu(aare(initiateResponse()))))),
];
const mms = (messages: ConversationMessage[]) => conversation(MMS_CLIENT, IED, [...associate, ...messages], 610);
const DOM = 'DEMOIEDPROG';
/** initiateDownloadSequence (service 26): domain name, capability list, sharable FALSE. */
const INIT_DOWNLOAD = dt(confirmedReq(11, 26, Buffer.concat([tlv(0x80, Buffer.from(DOM, 'latin1')), tlv(0xa1, vis('DR7K-CFG')), tlv(0x82, Buffer.from([0x00]))])));
/** Program invocation control (services 40 start, 41 stop, 43 reset): SEQUENCE { programInvocationName [0] }. */
const piControl = (invokeId: number, svc: number) => dt(confirmedReq(invokeId, svc, tlv(0x80, Buffer.from('MainApplication', 'latin1'))));

describe('MMS_PROGRAM_DEVICE timeline event (spec §3 #7 "PLC Program Update")', () => {
  it('a domain download: at the initiateDownloadSequence\'s capture time, from the client to the IED, once per connection', async () => {
    const packets = mms([
      c(INIT_DOWNLOAD), s(dt(confirmedResp(11, 26, null))),
      // the IED pulls the segment (a program request from the server), then the sequence ends: the same download
      s(dt(confirmedReqPrim(1, 27, Buffer.from(DOM, 'latin1')))),
      c(dt(confirmedResp(1, 27, Buffer.concat([tlv(0x80, Buffer.alloc(48, 0x5a)), tlv(0x81, Buffer.from([0x00]))])))),
    ]);
    const r = await detect(packets);
    expect(r.typed('MMS_PROGRAM_DEVICE')).toEqual([{
      ts: timeOf(packets, INIT_DOWNLOAD), type: 'MMS_PROGRAM_DEVICE', title: 'PLC Program Update', severity: 'NOTICE',
      content: `Program update detected, sent from ${MMS_CLIENT.ip} to ${IED.ip}`,
    }]);
    expect(r.typed('PROGRAM_DEVICE')).toEqual([]); // the MMS type, not the generic one
  });

  it('not for a read of a variable, nor for a domain upload (that is PROGRAM_UPLOAD_DEVICE)', async () => {
    const read = await detect(mms([c(dt(confirmedReq(3, 4, tlv(0xa1, listOfVariable(domainName('DEMOIEDLD0', 'LLN0$ST$Mod$stVal')))))),
      s(dt(confirmedResp(3, 4, tlv(0xa1, tlv(0x85, Buffer.from([1]))))))]));
    expect(read.typed('MMS_PROGRAM_DEVICE')).toEqual([]);
    const upload = await detect(mms([c(dt(confirmedReqPrim(5, 29, Buffer.from(DOM, 'latin1'))))])); // initiateUploadSequence
    expect(upload.typed('PROGRAM_UPLOAD_DEVICE')).toHaveLength(1);
    expect(upload.typed('MMS_PROGRAM_DEVICE')).toEqual([]);
  });
});

describe('MMS_PROGRAM_OPERATION timeline event (spec §3 #19 "MMS Program Operation")', () => {
  it('a stop and then a start of a program invocation: one event each, at its request\'s capture time, naming client and IED', async () => {
    const STOP = piControl(20, 41), START = piControl(21, 40);
    const packets = mms([c(STOP), s(dt(confirmedResp(20, 41, null))), c(START), s(dt(confirmedResp(21, 40, null)))]);
    const ev = (await detect(packets)).typed('MMS_PROGRAM_OPERATION');
    expect(ev.map((e) => ({ ts: e.ts, title: e.title, severity: e.severity }))).toEqual([
      { ts: timeOf(packets, STOP), title: 'MMS Program Operation', severity: 'NOTICE' },
      { ts: timeOf(packets, START), title: 'MMS Program Operation', severity: 'NOTICE' },
    ]);
    expect(ev[0]!.content).toBe(`PLC stop command sent from ${MMS_CLIENT.ip} to ${IED.ip} (MMS stop)`);
    expect(ev[1]!.content).toBe(`PLC start command sent from ${MMS_CLIENT.ip} to ${IED.ip} (MMS start)`);
  });

  it('a reset of a program invocation', async () => {
    const RESET = piControl(22, 43);
    const packets = mms([c(RESET), s(dt(confirmedResp(22, 43, null)))]);
    expect((await detect(packets)).typed('MMS_PROGRAM_OPERATION')).toEqual([{
      ts: timeOf(packets, RESET), type: 'MMS_PROGRAM_OPERATION', title: 'MMS Program Operation', severity: 'NOTICE',
      content: `Controller reset command sent from ${MMS_CLIENT.ip} to ${IED.ip} (MMS reset)`,
    }]);
  });

  it('not for reading a program invocation\'s attributes (service 45), nor for a domain download', async () => {
    const r = await detect(mms([
      c(dt(confirmedReqPrim(23, 45, Buffer.from('MainApplication', 'latin1')))), s(dt(confirmedResp(23, 45, null))),
      c(INIT_DOWNLOAD), s(dt(confirmedResp(11, 26, null))),
    ]));
    expect(r.typed('MMS_PROGRAM_DEVICE')).toHaveLength(1); // the capture did reach the rule
    expect(r.typed('MMS_PROGRAM_OPERATION')).toEqual([]);
  });
});

// ---------------------------------------------------------------- HTTP Basic (RFC 7617, RFC 9112)

const HMI: Endpoint = { mac: '02:00:00:80:00:0a', ip: '10.80.0.10', port: 50210 };
const WEB: Endpoint = { mac: '02:00:00:80:00:14', ip: '10.80.0.20', port: 80 };
const USER = 'operator', PASSWORD = 'Tr0ub4dor&3-hmi';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`, 'utf8').toString('base64');
const get = (path: string, auth?: string) =>
  Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${WEB.ip}\r\nUser-Agent: hmi-client/2.1\r\n${auth ? `Authorization: ${auth}\r\n` : ''}\r\n`, 'latin1');
const OK = Buffer.from('HTTP/1.1 200 OK\r\nServer: plc-web/1.0\r\nContent-Length: 2\r\n\r\nok', 'latin1');

describe('HTTP_BASIC_AUTHENTICATION timeline event (spec §3 #20)', () => {
  it('a request with Basic credentials: at its capture time, naming the user, client and server, once per connection', async () => {
    const FIRST = get('/status', `Basic ${BASIC}`);
    const packets = conversation(HMI, WEB, [c(FIRST), s(OK), c(get('/trend', `Basic ${BASIC}`)), s(OK)], 80);
    const r = await detect(packets);
    const ev = r.typed('HTTP_BASIC_AUTHENTICATION');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ ts: timeOf(packets, FIRST), type: 'HTTP_BASIC_AUTHENTICATION', title: 'HTTP Basic Authentication', severity: 'NOTICE' });
    expect(ev[0]!.content).toBe(`Cleartext HTTP credentials for user "${USER}" were sent from ${HMI.ip} to ${WEB.ip}`);
    expect(r.typed('CLEARTEXT_AUTHENTICATION')).toEqual([]); // HTTP has its own type
  });

  it('the password appears in no event and no alert, neither plain nor base64-encoded', async () => {
    const r = await detect(conversation(HMI, WEB, [c(get('/status', `Basic ${BASIC}`)), s(OK)], 81));
    expect(r.typed('HTTP_BASIC_AUTHENTICATION')).toHaveLength(1);
    const text = JSON.stringify([r.events, r.alerts]);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(BASIC);
  });

  it('not for a request without Authorization, nor for a Bearer token', async () => {
    const r = await detect(conversation(HMI, WEB, [c(get('/status')), s(OK), c(get('/trend', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x')), s(OK)], 82));
    expect(r.typed('HTTP_BASIC_AUTHENTICATION')).toEqual([]);
  });
});

// ---------------------------------------------------------------- EtherNet/IP and CIP (CIP Vol. 1, Vol. 2)

const ENG: Endpoint = { mac: '02:00:00:00:00:0a', ip: '192.168.0.10', port: 50123 };
const PLC: Endpoint = { mac: '02:00:00:00:00:14', ip: '192.168.0.20', port: 44818 };
const SESSION = 0x0badcafe;
/** SendRRData (Vol. 2 §2-4.7): a null address item and an unconnected data item with one CIP message. */
const sendRR = (cip: Buffer, context: bigint) =>
  encap(0x6f, Buffer.concat([Buffer.alloc(4), u16(10), u16(2), u16(0), u16(0), u16(0xb2), u16(cip.length), cip]), SESSION, context);
/** A Message Router request to class/instance with 8-bit logical segments (Vol. 1 App. C-1.4). */
const request = (service: number, cls: number, inst: number) => Buffer.from([service, 2, 0x20, cls, 0x24, inst]);
const reply = (service: number) => Buffer.from([service | 0x80, 0, 0, 0]);
/** RegisterSession, then each [service, class] request with its reply, a few seconds apart. */
function cip(...calls: Array<[number, number]>): { packets: Packet[]; requests: Buffer[] } {
  const requests = calls.map(([svc, cls], i) => sendRR(request(svc, cls, 1), BigInt(i + 2)));
  const packets = conversation(ENG, PLC, [
    c(encap(0x65, Buffer.from([1, 0, 0, 0]), 0, 1n), 0), s(encap(0x65, Buffer.from([1, 0, 0, 0]), SESSION, 1n)),
    ...calls.flatMap(([svc], i) => [c(requests[i]!), s(sendRR(reply(svc), BigInt(i + 2)))]),
  ], 44818);
  return { packets, requests };
}
const IDENTITY = 0x01, LOGIX_CONTROLLER = 0x8e;

describe('ENIP_CONTROLLER_GENERIC_RESET timeline event (spec §3 #61 "Controller Reset")', () => {
  it('a CIP Reset (service 0x05) of the Identity object: at the request\'s capture time, from the client to the controller', async () => {
    const { packets, requests } = cip([0x01, IDENTITY], [0x05, IDENTITY]);
    expect((await detect(packets)).typed('ENIP_CONTROLLER_GENERIC_RESET')).toEqual([{
      ts: timeOf(packets, requests[1]!), type: 'ENIP_CONTROLLER_GENERIC_RESET', title: 'Controller Reset', severity: 'NOTICE',
      content: `Controller reset command sent from ${ENG.ip} to ${PLC.ip} (CIP Reset)`,
    }]);
  });

  it('not for reading the Identity object (Get_Attribute_All) nor for a Stop', async () => {
    const r = await detect(cip([0x01, IDENTITY], [0x07, LOGIX_CONTROLLER]).packets);
    expect(r.typed('ENIP_CONTROLLER_GENERIC_STOP')).toHaveLength(1); // the capture did reach the rule
    expect(r.typed('ENIP_CONTROLLER_GENERIC_RESET')).toEqual([]);
  });
});

describe('ENIP_CONTROLLER_GENERIC_START timeline event (spec §3 #63 "Controller Start")', () => {
  it('a Stop and then a Start (service 0x06): the start event at the Start\'s capture time, from the client to the controller', async () => {
    const { packets, requests } = cip([0x07, LOGIX_CONTROLLER], [0x06, LOGIX_CONTROLLER]);
    const r = await detect(packets);
    expect(r.typed('ENIP_CONTROLLER_GENERIC_START')).toEqual([{
      ts: timeOf(packets, requests[1]!), type: 'ENIP_CONTROLLER_GENERIC_START', title: 'Controller Start', severity: 'NOTICE',
      content: `PLC start command sent from ${ENG.ip} to ${PLC.ip} (CIP Start)`,
    }]);
    expect(r.typed('ENIP_CONTROLLER_GENERIC_STOP').map((e) => e.ts)).toEqual([timeOf(packets, requests[0]!)]);
  });

  it('not for a Stop alone', async () => {
    const r = await detect(cip([0x07, LOGIX_CONTROLLER]).packets);
    expect(r.typed('ENIP_CONTROLLER_GENERIC_STOP')).toHaveLength(1);
    expect(r.typed('ENIP_CONTROLLER_GENERIC_START')).toEqual([]);
  });
});

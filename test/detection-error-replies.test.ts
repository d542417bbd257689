// Error replies through the real pipeline (issue 6; spec §4.3 Protocol Violation #14, #15, #17, #19,
// #21 and §4.5 Operational #10, #22, #25, #29): Modbus exception codes (Modbus Application Protocol
// v1.1b3 §7), IEC 60870-5-104 negative causes of transmission (IEC 60870-5-101 §7.2.3), CIP general
// status (CIP Vol. 1 Appendix B), MMS confirmed-ErrorPDU (ISO 9506-2 §7.4), OPC UA ServiceFault and
// response StatusCodes (Part 4 §7.29, §7.34) and the DNP3 configuration-corrupt indication IIN2.5
// (IEEE 1815-2012 §4.3).
import { afterAll, describe, expect, it } from 'vitest';
import { appFrames } from './pcapgen/dnp3.js';
import { i as iFrame, u as uFrame } from './pcapgen/iec104.js';
import {
  aare, aarq, confirmedError, confirmedReq, confirmedResp, cpaPpdu, cpType, dataTransfer, domainName, IED, CLIENT as MMS_CLIENT,
  initiateRequest, initiateResponse, listOfVariable, sessionAccept, sessionConnect, tlv, tpktConnect,
} from './pcapgen/mms.js';
import { CLIENT as UA_CLIENT, SERVER as UA_SERVER, secure, sessionMessages } from './pcapgen/opcua.js';
import { tpktDt } from './pcapgen/s7comm.js';
import { type ConversationMessage, type Endpoint } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { HMI, MASTER, OUTSTATION, PLC, RTU, SCADA, runDetection, tcpPackets } from './support/detection-run.js';

afterAll(() => removeTempDirs());

const T0 = 1_704_067_200n * 1_000_000_000n; // 2024-01-01T00:00:00Z
const ENG: Endpoint = { mac: '02:00:00:00:00:0a', ip: '192.168.0.10', port: 50123 };
const LOGIX: Endpoint = { mac: '02:00:00:00:00:14', ip: '192.168.0.20', port: 44818 };

async function detect(packets: Packet[]) {
  return runDetection(packets);
}
type Result = Awaited<ReturnType<typeof detect>>;

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[]): Packet[] {
  return tcpPackets(client, server, messages, T0, 7);
}
const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });

/** The single alert with this title: its engine, severity and endpoints as the catalog and the rule give them. */
function one(r: Result, title: string) {
  const hits = r.titled(title);
  expect(hits, title).toHaveLength(1);
  const a = hits[0]!;
  return { engine: a.catalog.engine, severity: a.catalog.severity, src: a.hit.src?.ip ?? null, dst: a.hit.dst?.ip ?? null, count: a.count };
}
const among = (r: Result, titles: string[]) => r.alerts.map((a) => a.hit.title).filter((t) => titles.includes(t)).sort();

// ---- Modbus/TCP: MBAP header (Messaging on TCP/IP §3.1.3) + PDU; Read Holding Registers and its answers
const mbap = (tid: number, pdu: number[]): Buffer => Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, 1, ...pdu]);
const READ_HR = (tid: number) => mbap(tid, [0x03, 0x00, 0x00, 0x00, 0x02]);
const EXCEPTION = (tid: number, code: number) => mbap(tid, [0x83, code]);
const MODBUS_TITLES = [
  'Modbus Exception', 'Slave Device Received Illegal Function Code', 'Slave Device Received Illegal Data Address Parameter',
  'Slave Device Received Illegal Data Value Parameter', 'Slave Device Unrecoverable Failure',
];

describe('Modbus exception responses (Modbus Application Protocol v1.1b3 §7)', () => {
  it('exception 3 Illegal Data Value: Slave Device Received Illegal Data Value Parameter, from the master to the slave', async () => {
    const r = await detect(conversation(HMI, PLC, [c(READ_HR(1)), s(EXCEPTION(1, 3))]));
    expect(one(r, 'Slave Device Received Illegal Data Value Parameter')).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: HMI.ip, dst: PLC.ip, count: 1 });
    expect(among(r, MODBUS_TITLES)).toEqual(['Slave Device Received Illegal Data Value Parameter']);
  });

  it('an exception without a title of its own (6 Server Device Busy) raises Modbus Exception between the two devices', async () => {
    const r = await detect(conversation(HMI, PLC, [c(READ_HR(1)), s(EXCEPTION(1, 6))]));
    const a = one(r, 'Modbus Exception');
    expect({ engine: a.engine, severity: a.severity, count: a.count }).toEqual({ engine: 'Protocol Violation', severity: 'Major', count: 1 });
    // "Secondary returned an exception" (spec §4.3 #14): from the slave that answered, unlike the
    // titled exceptions ("destination received invalid request"), which go from the master
    expect([a.src, a.dst]).toEqual([PLC.ip, HMI.ip]);
    expect(among(r, MODBUS_TITLES)).toEqual(['Modbus Exception']);
    expect(r.titled('Modbus Exception')[0]!.hit.protocol).toBe('Modbus');
  });

  it('an undefined exception code (0x13) raises Modbus Exception too', async () => {
    const r = await detect(conversation(HMI, PLC, [c(READ_HR(1)), s(EXCEPTION(1, 0x13))]));
    expect(among(r, MODBUS_TITLES)).toEqual(['Modbus Exception']);
  });

  it('not for a normal response', async () => {
    const ok = await detect(conversation(HMI, PLC, [c(READ_HR(1)), s(mbap(1, [0x03, 0x04, 0x00, 0x2a, 0x00, 0x07]))]));
    expect(among(ok, MODBUS_TITLES)).toEqual([]);
  });
});

// ---- IEC 60870-5-104: C_SC_NA_1 (45) single command, activation (cause 6), answered by the RTU
const SELECT = (ns: number, nr: number) => iFrame(ns, nr, 45, 6, [[3001, [0x81]]]);
const answer = (ns: number, nr: number, cot: number) => iFrame(ns, nr, 45, cot, [[3001, [0x81]]]);
const NEG = 0x40; // P/N bit of the cause of transmission octet (101 §7.2.3)
const COT_TITLES: Record<number, string> = {
  44: 'Slave Device Received Illegal ASDU Type',
  45: 'Slave Device Received Illegal Command Cause of Transmission',
  46: 'Slave Device Received Illegal Common Address',
  47: 'Slave Device Received Illegal Information Object Address',
};
const iec = (cots: number[]) => conversation(SCADA, RTU, [
  c(uFrame('startdt_act')), s(uFrame('startdt_con')),
  ...cots.flatMap((cot, k) => [c(SELECT(k, k)), s(answer(k, k + 1, cot))]),
]);

describe('IEC 60870-5-104 negative causes of transmission (IEC 60870-5-101 §7.2.3)', () => {
  for (const cot of [44, 46, 47]) {
    it(`cause ${cot}: ${COT_TITLES[cot]}, from the controlling station to the RTU that refused`, async () => {
      const r = await detect(iec([NEG | cot]));
      expect(one(r, COT_TITLES[cot]!)).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: SCADA.ip, dst: RTU.ip, count: 1 });
      expect(among(r, Object.values(COT_TITLES))).toEqual([COT_TITLES[cot]]);
      expect(r.titled(COT_TITLES[cot]!)[0]!.hit.protocol).toBe('IEC 60870-5-104');
    });
  }

  it('not for a positive or a negative activation confirmation (cause 7) or an activation termination (10)', async () => {
    const r = await detect(iec([7, NEG | 7, 10]));
    expect(among(r, Object.values(COT_TITLES))).toEqual([]);
  });
});

// ---- DNP3: one application fragment per message; master at link address 1, outstation at 10
const READ_CLASS0 = Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: Buffer.from([0xc0, 0x01, 0x3c, 0x01, 0x06]) }));
const dnpRsp = (iin1: number, iin2: number): Buffer =>
  Buffer.concat(appFrames({ fromMaster: false, destination: 1, source: 10, apdu: Buffer.from([0xc0, 0x81, iin1, iin2]) }));
const CORRUPT = "Outstation's Corrupted Configuration Detected";

describe("Outstation's Corrupted Configuration Detected (IEEE 1815-2012 §4.3, IIN2.5)", () => {
  it('IIN2.5 set in a response: from the outstation to the master', async () => {
    const r = await detect(conversation(MASTER, OUTSTATION, [c(READ_CLASS0), s(dnpRsp(0x00, 0x20))]));
    expect(one(r, CORRUPT)).toEqual({ engine: 'Operational', severity: 'Major', src: OUTSTATION.ip, dst: MASTER.ip, count: 1 });
  });

  it('not for every other IIN bit set (IIN1 all, IIN2 all but 2.5)', async () => {
    const r = await detect(conversation(MASTER, OUTSTATION, [c(READ_CLASS0), s(dnpRsp(0xff, 0xdf))]));
    expect(r.titled('Event Buffer Overflow in Outstation')).toHaveLength(1); // the indications were decoded
    expect(r.titled(CORRUPT)).toEqual([]);
  });
});

// ---- EtherNet/IP: SendRRData (CIP Vol. 2 §2-4.7) carrying Get_Attribute_Single (0x0E) to Assembly 100 attribute 3
function encap(command: number, data: Buffer, session = 0x1a2b3c4d): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16LE(command, 0);
  h.writeUInt16LE(data.length, 2);
  h.writeUInt32LE(session, 4);
  h.writeBigUInt64LE(1n, 12); // sender context: the reply echoes it
  return Buffer.concat([h, data]);
}
/** SendRRData: interface handle 0, timeout 10 s, a null address item and an unconnected data item. */
function rrData(cip: Buffer): Buffer {
  const head = Buffer.from([0, 0, 0, 0, 0x0a, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0xb2, 0x00, cip.length & 0xff, cip.length >> 8]);
  return encap(0x6f, Buffer.concat([head, cip]));
}
const GET_ATTR = rrData(Buffer.from([0x0e, 0x03, 0x20, 0x04, 0x24, 0x64, 0x30, 0x03]));
/** Reply: service | 0x80, reserved, general status, no additional status words, then the data. */
const reply = (status: number, data: number[] = []) => rrData(Buffer.from([0x8e, 0x00, status, 0x00, ...data]));
const REGISTER = [c(encap(0x65, Buffer.from([1, 0, 0, 0]), 0)), s(encap(0x65, Buffer.from([1, 0, 0, 0])))];
const CIP_FAILED = 'EtherNet/IP CIP Service Request Failed';

describe('EtherNet/IP CIP Service Request Failed (CIP Vol. 1 Appendix B general status)', () => {
  it('status 0x14 (attribute not supported): from the controller to the client', async () => {
    const r = await detect(conversation(ENG, LOGIX, [...REGISTER, c(GET_ATTR), s(reply(0x14))]));
    expect(one(r, CIP_FAILED)).toEqual({ engine: 'Operational', severity: 'Major', src: LOGIX.ip, dst: ENG.ip, count: 1 });
    expect(r.titled('EtherNet/IP Encapsulation Protocol Command Failed')).toEqual([]); // the encapsulation succeeded
  });

  it('not for success (0x00) or a partial transfer (0x06, more data follows)', async () => {
    const r = await detect(conversation(ENG, LOGIX, [...REGISTER, c(GET_ATTR), s(reply(0x00, [1, 2, 3, 4])), c(GET_ATTR), s(reply(0x06, [1, 2]))]));
    expect(r.titled(CIP_FAILED)).toEqual([]);
  });
});

// ---- MMS over ISO-on-TCP: association, then a Read (service 4) of one domain variable
const dt = (mmsPdu: Buffer) => tpktDt(dataTransfer(mmsPdu));
const ASSOCIATE: ConversationMessage[] = [
  c(tpktConnect(false, 0x0000, 0x0021)), s(tpktConnect(true, 0x0021, 0x4100)),
  c(tpktDt(sessionConnect(cpType(aarq(initiateRequest()))))), s(tpktDt(sessionAccept(cpaPpdu(aare(initiateResponse()))))),
];
const MMS_READ = (id: number) => c(dt(confirmedReq(id, 4, tlv(0xa1, listOfVariable(domainName('DEMOIEDLD0', 'LLN0$ST$Mod$stVal'))))));
const MMS_FAILED = 'MMS Service Request Failed';

describe('MMS Service Request Failed (ISO 9506-2 confirmed-ErrorPDU)', () => {
  it('a Read answered with a ServiceError (definition: object-undefined): from the server to the client', async () => {
    const r = await detect(conversation(MMS_CLIENT, IED, [...ASSOCIATE, MMS_READ(3), s(dt(confirmedError(3, 2, 1)))]));
    expect(one(r, MMS_FAILED)).toEqual({ engine: 'Operational', severity: 'Major', src: IED.ip, dst: MMS_CLIENT.ip, count: 1 });
    expect(r.titled(MMS_FAILED)[0]!.hit.message).toContain('answered a read request from 10.61.0.10 with an error: definition: object-undefined');
  });

  it('not for a Read answered with its value', async () => {
    const r = await detect(conversation(MMS_CLIENT, IED, [...ASSOCIATE, MMS_READ(3), s(dt(confirmedResp(3, 4, tlv(0xa1, tlv(0x85, Buffer.from([1]))))))]));
    expect(r.titled(MMS_FAILED)).toEqual([]);
  });
});

// ---- OPC UA: the policy-None session of the captures, with the Read (the 9th message) answered otherwise
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); return b; };
/** ResponseHeader (Part 4 §7.29): timestamp, request handle 3, serviceResult, no diagnostics, no strings, no additional header. */
const responseHeader = (result: number) => Buffer.concat([Buffer.alloc(8), u32(3), u32(result), Buffer.from([0x00]), u32(0), Buffer.from([0, 0, 0])]);
const READ_RESPONSE = 634, SERVICE_FAULT = 397;
function uaSession(readAnswer?: Buffer): Packet[] {
  const messages = sessionMessages(`opc.tcp://${UA_SERVER.ip}:${UA_SERVER.port}`);
  expect(messages[9]!.from).toBe('server');
  if (readAnswer) messages[9] = s(readAnswer);
  return conversation(UA_CLIENT, UA_SERVER, messages);
}
const UA_FAILED = 'OPC UA Service Request Failed';

describe('OPC UA Service Request Failed (Part 4 §7.34 ServiceFault, §7.29 serviceResult)', () => {
  it('a ServiceFault with BadSessionIdInvalid: from the server to the client', async () => {
    const r = await detect(uaSession(secure('MSG', 4, 4, SERVICE_FAULT, responseHeader(0x80250000))));
    expect(one(r, UA_FAILED)).toEqual({ engine: 'Operational', severity: 'Major', src: UA_SERVER.ip, dst: UA_CLIENT.ip, count: 1 });
    expect(r.titled(UA_FAILED)[0]!.hit.message).toContain('BadSessionIdInvalid');
  });

  it('a ReadResponse whose serviceResult is Bad (BadTimeout)', async () => {
    const r = await detect(uaSession(secure('MSG', 4, 4, READ_RESPONSE, Buffer.concat([responseHeader(0x800a0000), u32(0), u32(0)]))));
    expect(one(r, UA_FAILED)).toEqual({ engine: 'Operational', severity: 'Major', src: UA_SERVER.ip, dst: UA_CLIENT.ip, count: 1 });
  });

  it('not for the session as captured (Good) nor a serviceResult that is only Uncertain (0x40000000)', async () => {
    expect((await detect(uaSession())).titled(UA_FAILED)).toEqual([]);
    const r = await detect(uaSession(secure('MSG', 4, 4, READ_RESPONSE, Buffer.concat([responseHeader(0x40000000), u32(0), u32(0)]))));
    expect(r.titled(UA_FAILED)).toEqual([]);
  });
});

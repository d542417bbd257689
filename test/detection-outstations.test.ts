// What outstations and slaves answer, and what a master asks of them, through the real pipeline (issue 6;
// spec §4.3 Protocol Violation, §4.5 Operational, §4.2 thresholds): DNP3 internal indications and
// obsolete or reserved function codes (IEEE 1815-2012 clause 4), IEC 60870-5-104 negative causes of
// transmission (IEC 60870-5-101 §7.2.3), Modbus exceptions (Modbus Application Protocol v1.1b3 §7), the
// exception pattern per answering device, malformed PDUs per session and connections to port 0.
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../src/store/config-schema.js';
import { appFrames } from './pcapgen/dnp3.js';
import { i as iFrame, u as uFrame } from './pcapgen/iec104.js';
import { udpFrame, type ConversationMessage, type Endpoint } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { HMI, MASTER, OUTSTATION, PLC, RTU, SCADA, runDetection, tcpPackets } from './support/detection-run.js';

afterAll(() => removeTempDirs());

const T0 = 1_704_067_200n * 1_000_000_000n; // 2024-01-01T00:00:00Z

type Settings = typeof DEFAULT_SETTINGS.detection;

async function detect(packets: Packet[], settings: Settings = DEFAULT_SETTINGS.detection) {
  return runDetection(packets, { settings });
}

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[]): Packet[] {
  return tcpPackets(client, server, messages, T0, 1815);
}
const c = (data: Buffer, delayUs?: number): ConversationMessage => ({ from: 'client', data, ...(delayUs ? { delayUs } : {}) });
const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });

/** The single alert with this title: its engine, severity and endpoints as the catalog and the rule give them. */
function one(r: Awaited<ReturnType<typeof detect>>, title: string) {
  const hits = r.titled(title);
  expect(hits, title).toHaveLength(1);
  const a = hits[0]!;
  return { engine: a.catalog.engine, severity: a.catalog.severity, src: a.hit.src?.ip ?? null, dst: a.hit.dst?.ip ?? null, count: a.count };
}

// ---- DNP3: one application fragment per message; master at link address 1, outstation at 10
const dnpReq = (fc: number, seq = 0): Buffer =>
  Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: Buffer.from([0xc0 | seq, fc]) }));
const dnpRsp = (iin1: number, iin2: number, seq = 0): Buffer =>
  Buffer.concat(appFrames({ fromMaster: false, destination: 1, source: 10, apdu: Buffer.from([0xc0 | seq, 0x81, iin1, iin2]) }));
const READ_CLASS0 = (seq: number) => Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: Buffer.from([0xc0 | seq, 0x01, 0x3c, 0x01, 0x06]) }));

const IIN_TITLES = [
  'Function Code Not Supported by Outstation', 'Unknown Object Sent to Outstation', 'Incorrect Parameter Sent to Outstation',
  'Suspicion of Hardware Problems in Outstation', 'Usage of Reserved Status Flags (IIN)',
];

describe('DNP3 internal indications in an outstation response (IEEE 1815 clause 4)', () => {
  // [IIN1, IIN2, title, engine, severity, alert from the master (the request was at fault) or from the outstation]
  const cases: Array<[number, number, string, string, string, 'master' | 'outstation']> = [
    [0x00, 0x01, 'Function Code Not Supported by Outstation', 'Protocol Violation', 'Major', 'master'], // IIN2.0
    [0x00, 0x02, 'Unknown Object Sent to Outstation', 'Protocol Violation', 'Major', 'master'], // IIN2.1
    [0x00, 0x04, 'Incorrect Parameter Sent to Outstation', 'Protocol Violation', 'Major', 'master'], // IIN2.2
    [0x40, 0x00, 'Suspicion of Hardware Problems in Outstation', 'Operational', 'Major', 'outstation'], // IIN1.6 device trouble
    [0x00, 0x40, 'Usage of Reserved Status Flags (IIN)', 'Protocol Violation', 'Warning', 'outstation'], // IIN2.6 reserved
    [0x00, 0x80, 'Usage of Reserved Status Flags (IIN)', 'Protocol Violation', 'Warning', 'outstation'], // IIN2.7 reserved
  ];
  for (const [iin1, iin2, title, engine, severity, from] of cases) {
    it(`IIN ${iin1.toString(16).padStart(2, '0')} ${iin2.toString(16).padStart(2, '0')}: ${title}, and no other IIN alert`, async () => {
      const r = await detect(conversation(MASTER, OUTSTATION, [c(READ_CLASS0(0)), s(dnpRsp(iin1, iin2))]));
      const [src, dst] = from === 'master' ? [MASTER.ip, OUTSTATION.ip] : [OUTSTATION.ip, MASTER.ip];
      expect(one(r, title)).toEqual({ engine, severity, src, dst, count: 1 });
      expect(r.alerts.map((a) => a.hit.title).filter((t) => IIN_TITLES.includes(t))).toEqual([title]);
    });
  }

  it('not for the indications an outstation sets in normal operation', async () => {
    // IIN1: restart, need time, local control, class 1-3 events; IIN2.4 already executing
    const r = await detect(conversation(MASTER, OUTSTATION, [c(READ_CLASS0(0)), s(dnpRsp(0xbe, 0x10))]));
    expect(r.alerts.map((a) => a.hit.title).filter((t) => IIN_TITLES.includes(t))).toEqual([]);
  });
});

describe('DNP3 obsolete and reserved function codes from the master (IEEE 1815 clause 4)', () => {
  it('Initialize Data (15) and Save Configuration (19), from the master to the outstation', async () => {
    const r = await detect(conversation(MASTER, OUTSTATION, [c(dnpReq(15, 0)), s(dnpRsp(0, 0, 0)), c(dnpReq(19, 1)), s(dnpRsp(0, 0, 1))]));
    const want = { engine: 'Protocol Violation', severity: 'Minor', src: MASTER.ip, dst: OUTSTATION.ip, count: 1 };
    expect(one(r, 'Initiation of an Obsolete Function Code (Initialize Data)')).toEqual(want);
    expect(one(r, 'Initiation of an Obsolete Function Code (Save Config)')).toEqual(want);
    expect(r.titled('Usage of a Reserved Function Code')).toEqual([]);
  });

  it('not for the neighbouring current functions (14 Warm Restart, 16 Initialize Application, 18, 20)', async () => {
    const r = await detect(conversation(MASTER, OUTSTATION, [14, 16, 18, 20].flatMap((fc, k) => [c(dnpReq(fc, k)), s(dnpRsp(0, 0, k))])));
    expect(r.alerts.map((a) => a.hit.title).filter((t) => t.startsWith('Initiation of an Obsolete'))).toEqual([]);
  });

  it('reserved codes 34, 128 and 200 raise Usage of a Reserved Function Code, once per pair with a count', async () => {
    const r = await detect(conversation(MASTER, OUTSTATION, [34, 128, 200].map((fc, k) => c(dnpReq(fc, k)))));
    expect(one(r, 'Usage of a Reserved Function Code')).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: MASTER.ip, dst: OUTSTATION.ip, count: 3 });
    expect(r.titled('Usage of a Reserved Function Code')[0]!.hit.protocol).toBe('DNP3');
  });

  it('not for the last defined request codes (31 Activate Config, 33 Authentication Request No Ack)', async () => {
    const r = await detect(conversation(MASTER, OUTSTATION, [c(dnpReq(31, 0)), s(dnpRsp(0, 0, 0)), c(dnpReq(33, 1))]));
    expect(r.titled('Usage of a Reserved Function Code')).toEqual([]);
  });
});

// ---- Modbus/TCP: MBAP header (Messaging on TCP/IP §3.1.3) + PDU
const mbap = (tid: number, pdu: number[]): Buffer => Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, 1, ...pdu]);
const READ_HR = (tid: number) => mbap(tid, [0x03, 0x00, 0x00, 0x00, 0x04]);
const EXCEPTION = (tid: number, code: number) => mbap(tid, [0x83, code]);

describe('Modbus (Modbus Application Protocol v1.1b3)', () => {
  it('exception 4 Server Device Failure: Slave Device Unrecoverable Failure, from the master to the slave', async () => {
    const r = await detect(conversation(HMI, PLC, [c(READ_HR(1)), s(EXCEPTION(1, 4))]));
    expect(one(r, 'Slave Device Unrecoverable Failure')).toEqual({ engine: 'Operational', severity: 'Major', src: HMI.ip, dst: PLC.ip, count: 1 });
  });

  it('not for the other exceptions (2 Illegal Data Address, 6 Server Device Busy)', async () => {
    const r = await detect(conversation(HMI, PLC, [c(READ_HR(1)), s(EXCEPTION(1, 2)), c(READ_HR(2)), s(EXCEPTION(2, 6))]));
    expect(r.titled('Slave Device Received Illegal Data Address Parameter')).toHaveLength(1); // the exceptions were seen
    expect(r.titled('Slave Device Unrecoverable Failure')).toEqual([]);
  });

  it('reserved function code 41 raises Usage of a Reserved Function Code; user-defined 65 does not (§5.1)', async () => {
    const r = await detect(conversation(HMI, PLC, [c(mbap(1, [41, 0x00, 0x01]))]));
    expect(one(r, 'Usage of a Reserved Function Code')).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: HMI.ip, dst: PLC.ip, count: 1 });
    expect(r.titled('Usage of a Reserved Function Code')[0]!.hit.protocol).toBe('Modbus');
    const user = await detect(conversation(HMI, PLC, [c(mbap(1, [65, 0x00, 0x01]))]));
    expect(user.titled('Usage of a Reserved Function Code')).toEqual([]);
  });
});

// ---- IEC 60870-5-104: C_SC_NA_1 (45) single command, activation (cause 6), answered by the RTU
const SELECT = (ns: number, nr: number) => iFrame(ns, nr, 45, 6, [[3001, [0x81]]]);
const answer = (ns: number, nr: number, cot: number) => iFrame(ns, nr, 45, cot, [[3001, [0x81]]]);
const NEG = 0x40; // P/N bit of the cause of transmission octet (101 §7.2.3)

describe('IEC 60870-5-104 causes of transmission from the controlled station', () => {
  it('cause 45 (unknown cause of transmission): Slave Device Received Illegal Command Cause of Transmission', async () => {
    const r = await detect(conversation(SCADA, RTU, [c(uFrame('startdt_act')), s(uFrame('startdt_con')), c(SELECT(0, 0)), s(answer(0, 1, NEG | 45))]));
    expect(one(r, 'Slave Device Received Illegal Command Cause of Transmission')).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: SCADA.ip, dst: RTU.ip, count: 1 });
  });

  it('not for a (negative) activation confirmation or the other negative causes 44, 46, 47', async () => {
    const r = await detect(conversation(SCADA, RTU, [
      c(uFrame('startdt_act')), s(uFrame('startdt_con')),
      ...[7, NEG | 7, NEG | 44, NEG | 46, NEG | 47].flatMap((cot, k) => [c(SELECT(k, k)), s(answer(k, k + 1, cot))]),
    ]));
    expect(r.titled('Slave Device Received Illegal ASDU Type')).toHaveLength(1); // cause 44 was decoded and seen
    expect(r.titled('Slave Device Received Illegal Command Cause of Transmission')).toEqual([]);
  });
});

describe('Abnormal Exception Pattern in Slave (spec §4.2: 20 exceptions / 1 h per answering device)', () => {
  const negatives = (n: number) => [
    c(uFrame('startdt_act')), s(uFrame('startdt_con')),
    ...Array.from({ length: n }, (_, k) => [c(SELECT(k, k)), s(answer(k, k + 1, NEG | 7))]).flat(),
  ];

  it('the 20th negative confirmation from one RTU raises it once, from that RTU', async () => {
    const r = await detect(conversation(SCADA, RTU, negatives(25)));
    expect(one(r, 'Abnormal Exception Pattern in Slave')).toEqual({ engine: 'Anomaly', severity: 'Minor', src: RTU.ip, dst: null, count: 1 });
  });

  it('not after 19', async () => {
    const r = await detect(conversation(SCADA, RTU, negatives(19)));
    expect(r.titled('Abnormal Exception Pattern in Slave')).toEqual([]);
  });

  it('not when the 20 are spread over more than the window (settings.exceptionWindowSeconds)', async () => {
    // 20 within 40 s, but a 10 s window: no window holds 20
    const r = await detect(conversation(SCADA, RTU, negatives(20).map((m) => (m.from === 'client' ? { ...m, delayUs: 2_000_000 } : m))),
      { ...DEFAULT_SETTINGS.detection, exceptionWindowSeconds: 10 });
    expect(r.titled('Abnormal Exception Pattern in Slave')).toEqual([]);
  });
});

describe('Excessive Malformed Packets In a Single Session (spec §4.2: 2 malformed / 10 min)', () => {
  // C_SC_NA_1 with one octet more than its one object holds (101 §7.2.2): the APCI length covers it
  const padded = (ns: number, nr: number) => { const b = Buffer.concat([SELECT(ns, nr), Buffer.from([0])]); b[1]! += 1; return b; };
  const session = (bad: number[], gapUs = 2000) => [
    c(uFrame('startdt_act')), s(uFrame('startdt_con')),
    ...[0, 1, 2].flatMap((k) => [c(bad.includes(k) ? padded(k, k) : SELECT(k, k), k === 2 ? gapUs : undefined), s(answer(k, k + 1, 7))]),
  ];

  it('the second malformed PDU raises it, from the sender of the malformed PDUs', async () => {
    const r = await detect(conversation(SCADA, RTU, session([0, 2])));
    expect(one(r, 'Excessive Malformed Packets In a Single Session')).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: SCADA.ip, dst: RTU.ip, count: 1 });
  });

  it('not for one malformed PDU, nor for two more than the window apart', async () => {
    const single = await detect(conversation(SCADA, RTU, session([0])));
    expect(single.titled('Excessive Malformed Packets In a Single Session')).toEqual([]);
    // a 5 s window and 6 s between them (a short window keeps the flow itself from idling out)
    const apart = await detect(conversation(SCADA, RTU, session([0, 2], 6_000_000)), { ...DEFAULT_SETTINGS.detection, malformedWindowSeconds: 5 });
    expect(apart.titled('Excessive Malformed Packets In a Single Session')).toEqual([]);
  });
});

describe('an HTTP head past the framer bound counts as malformed, not as traffic foreign to port 80', () => {
  const WEB: Endpoint = { mac: '02:00:00:00:50:50', ip: '10.0.1.80', port: 80 };
  const longGet = Buffer.from(`GET / HTTP/1.1\r\nHost: plc\r\nX-Fill: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 'latin1');
  const okGet = Buffer.from('GET / HTTP/1.1\r\nHost: plc\r\n\r\n', 'latin1');
  const reply = Buffer.from('HTTP/1.1 204 No Content\r\n\r\n', 'latin1');

  it('two such heads in one session raise Excessive Malformed Packets; one raises nothing, and never Unexpected Traffic', async () => {
    const two = await detect(conversation(HMI, WEB, [c(okGet), s(reply), c(longGet), c(okGet, 1000), s(reply), c(longGet)]));
    expect(one(two, 'Excessive Malformed Packets In a Single Session')).toEqual({ engine: 'Protocol Violation', severity: 'Major', src: HMI.ip, dst: WEB.ip, count: 1 });
    const single = await detect(conversation(HMI, WEB, [c(longGet)]));
    expect(single.alerts.map((a) => a.hit.title).filter((t) => t.startsWith('Excessive') || t.startsWith('Unexpected'))).toEqual([]);
    expect(two.titled('Unexpected Traffic for Standard Port')).toEqual([]);
  });
});

describe('Illegal Connection Attempt on Port 0', () => {
  const A = { mac: '02:00:00:00:03:01', ip: '10.0.3.1' }, B = { mac: '02:00:00:00:03:02', ip: '10.0.3.2' };
  const dgram = (dstPort: number): Packet[] => [{ ts: { sec: 1_704_067_200, nsec: 0 }, data: udpFrame(A, B, 40000, dstPort, Buffer.from('probe')) }];

  it('a UDP datagram and a TCP connection to port 0, from the client to the server', async () => {
    const want = { engine: 'Protocol Violation', severity: 'Minor', src: A.ip, dst: B.ip, count: 1 };
    expect(one(await detect(dgram(0)), 'Illegal Connection Attempt on Port 0')).toEqual(want);
    const tcp = await detect(conversation({ ...A, port: 40001 }, { ...B, port: 0 }, [c(Buffer.from('hello'))]));
    expect(one(tcp, 'Illegal Connection Attempt on Port 0')).toEqual(want);
  });

  it('not to port 1', async () => {
    expect((await detect(dgram(1))).titled('Illegal Connection Attempt on Port 0')).toEqual([]);
  });

  it('traffic from port 0 names its sender as the source (port 0 makes that side the flow\'s server)', async () => {
    const from0: Packet[] = [{ ts: { sec: 1_704_067_200, nsec: 0 }, data: udpFrame(A, B, 0, 5000, Buffer.from('probe')) }];
    const got = one(await detect(from0), 'Illegal Connection Attempt on Port 0');
    expect([got.src, got.dst]).toEqual([A.ip, B.ip]);
  });
});

describe('exceptions of Modbus and DNP3 count towards the pattern too', () => {
  it('25 Modbus exception responses from one slave raise Abnormal Exception Pattern in Slave once, from the slave', async () => {
    const pairs = Array.from({ length: 25 }, (_, k) => [c(READ_HR(k + 1)), s(EXCEPTION(k + 1, 2))]).flat();
    const r = await detect(conversation(HMI, PLC, pairs));
    expect(one(r, 'Abnormal Exception Pattern in Slave')).toEqual({ engine: 'Anomaly', severity: 'Minor', src: PLC.ip, dst: null, count: 1 });
    expect(r.titled('Slave Device Received Illegal Data Address Parameter')[0]!.count).toBe(25);
    const few = await detect(conversation(HMI, PLC, pairs.slice(0, 38)));
    expect(few.titled('Abnormal Exception Pattern in Slave')).toEqual([]);
  });

  it('20 DNP3 responses refusing the request (IIN2.2 parameter error) raise it; the indications of normal operation do not', async () => {
    const refused = Array.from({ length: 20 }, (_, k) => [c(READ_CLASS0(k % 16)), s(dnpRsp(0x00, 0x04, k % 16))]).flat();
    expect(one(await detect(conversation(MASTER, OUTSTATION, refused)), 'Abnormal Exception Pattern in Slave').src).toBe(OUTSTATION.ip);
    const normal = Array.from({ length: 20 }, (_, k) => [c(READ_CLASS0(k % 16)), s(dnpRsp(0x90, 0x00, k % 16))]).flat();
    expect((await detect(conversation(MASTER, OUTSTATION, normal))).titled('Abnormal Exception Pattern in Slave')).toEqual([]);
  });

  it('an exception function code in a request (0x83) is Illegal MODBUS Operation (Exception Raised by Master), not a reserved code', async () => {
    const r = await detect(conversation(HMI, PLC, [c(mbap(1, [0x83, 0x00, 0x00, 0x00, 0x01]))]));
    expect(one(r, 'Illegal MODBUS Operation (Exception Raised by Master)')).toMatchObject({ src: HMI.ip, dst: PLC.ip, count: 1 });
    expect(r.titled('Illegal MODBUS Operation (Exception Raised by Master)')[0]!.hit.message).toContain('function code #131');
    expect(r.titled('Usage of a Reserved Function Code')).toEqual([]);
  });
});

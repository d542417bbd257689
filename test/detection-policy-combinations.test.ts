// Policy engine "new traffic combination" alerts per protocol (spec §4.1 #40, #51, #56, #59 and the
// other per-protocol rows; learning mode §5.6) and the LLDP new-device alert, through the real pipeline.
// A request from a client to a server whose function code / service is not in the learned baseline
// (entries `op:<proto>:<src>><dst>:<code>`) raises the protocol's title once per pair, counting each
// further new code of the pair; a code is judged once per flow. What the baseline holds is not raised;
// while learning nothing is raised and the entries are learned. PROFINET DCP and LLDP have no flow:
// their endpoints are MAC addresses (layer 2).
import { afterAll, describe, expect, it } from 'vitest';
import { appFrames } from './pcapgen/dnp3.js';
import { sessionMessages as iec104Session } from './pcapgen/iec104.js';
import { bip, OBJ, PID, readProperty, readPropertyAck, SVC, unconfirmed } from './pcapgen/bacnet.js';
import { browseMessages } from './pcapgen/mms.js';
import { sessionMessages as opcuaSession } from './pcapgen/opcua.js';
import { stopStartMessages } from './pcapgen/s7comm.js';
import { ack as srtpAck, init as srtpInit, initAck as srtpInitAck, piggyback, request as srtpRequest } from './pcapgen/srtp.js';
import { dcp, dcpBlock, DCP_MULTICAST, LLDP_MULTICAST, tlv } from './pcapgen/l2.js';
import { ethernet, mac as macBytes, udpFrame, type ConversationMessage, type Endpoint } from './support/frames.js';
import { type Packet } from './support/pcap-writer.js';
import { removeTempDirs } from './support/env.js';
import { runDetection, tcpPackets } from './support/detection-run.js';

afterAll(() => removeTempDirs());

const T0 = 1_704_067_200n * 1_000_000_000n; // 2024-01-01T00:00:00Z, ns
const T0_US = 1_704_067_200_000_000;
const LEARNING = { on: true, until: null };

interface RunOptions { baseline?: string[]; learning?: { on: boolean; until: number | null } }

async function detect(packets: Packet[], o: RunOptions = {}) {
  return runDetection(packets, o);
}

function conversation(client: Endpoint, server: Endpoint, messages: ConversationMessage[], seed = 1): Packet[] {
  return tcpPackets(client, server, messages, T0, seed);
}
const c = (data: Buffer): ConversationMessage => ({ from: 'client', data });
const s = (data: Buffer): ConversationMessage => ({ from: 'server', data });

/** An endpoint as the alert names it: its IP, else its MAC. */
const who = (e: { ip: string | null; mac: string | null } | null) => (e ? e.ip ?? e.mac : null);

/** The single alert with this title, as the catalog and the rule give it. */
function one(r: Awaited<ReturnType<typeof detect>>, title: string) {
  const hits = r.titled(title);
  expect(hits, title).toHaveLength(1);
  const a = hits[0]!;
  return { engine: a.catalog.engine, severity: a.catalog.severity, src: who(a.hit.src), dst: who(a.hit.dst), protocol: a.hit.protocol, learn: a.hit.learn, count: a.count };
}

const CLIENT: Endpoint = { mac: '02:00:00:41:00:0a', ip: '10.41.0.10', port: 49300 };
const server = (port: number): Endpoint => ({ mac: '02:00:00:41:00:14', ip: '10.41.0.20', port });
const op = (proto: string, code: number) => `op:${proto}:${CLIENT.ip}>${server(0).ip}:${code}`;

// ---- the captures: one session per protocol, client 10.41.0.10 to server 10.41.0.20

/** DNP3 (IEEE 1815 clause 4): Read, answered; Read again (same code, same flow); Write. */
const dnpReq = (fc: number, seq: number, objects: number[] = []) =>
  Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: Buffer.from([0xc0 | seq, fc, ...objects]) }));
const dnpRsp = (seq: number) => Buffer.concat(appFrames({ fromMaster: false, destination: 1, source: 10, apdu: Buffer.from([0xc0 | seq, 0x81, 0, 0]) }));
const dnp3 = () => conversation(CLIENT, server(20000), [
  c(dnpReq(1, 0, [0x3c, 0x01, 0x06])), s(dnpRsp(0)),
  c(dnpReq(1, 1, [0x3c, 0x02, 0x06])), s(dnpRsp(1)),
  c(dnpReq(2, 2, [0x50, 0x01, 0x00, 0x07, 0x07, 0x00])), s(dnpRsp(2)),
]);

/** BACnet/IP (ASHRAE 135 clause 21): a broadcast Who-Is (unconfirmed: no request), ReadProperty and its ack. */
const bacnet = (): Packet[] => {
  const ws = { mac: CLIENT.mac, ip: CLIENT.ip }, dev = { mac: server(0).mac, ip: server(0).ip };
  const bcast = { mac: 'ff:ff:ff:ff:ff:ff', ip: '10.41.0.255' };
  return [
    [ws, bcast, bip(unconfirmed(SVC.WHO_IS), { broadcast: true })],
    [ws, dev, bip(readProperty(1, OBJ.DEVICE, 1201, PID.OBJECT_NAME), { expectingReply: true })],
    [dev, ws, bip(readPropertyAck(1, OBJ.DEVICE, 1201, PID.OBJECT_NAME, Buffer.from([0x75, 0x04, 0x00, 0x41, 0x48, 0x55])))],
  ].map(([from, to, p], i) => ({ ts: T0_US + i * 10_000, data: udpFrame(from as typeof ws, to as typeof ws, 47808, 47808, p as Buffer) }));
};

// [title, display protocol, capture, every request code the client sends (in order), count of the alert]
const FLOW_CASES: Array<[string, string, string, () => Packet[], number[], number]> = [
  // Read is asked twice on one flow: judged once; Write is a second new code of the pair
  ['Unpermitted Usage of DNP3 Function Code', 'dnp3', 'DNP3', dnp3, [1, 2], 2],
  // C_IC_NA_1 interrogation, C_SC_NA_1 select and execute (one type), C_CS_NA_1 clock sync (IEC 60870-5-101 §7.2.1)
  ['Unpermitted Usage of ASDU Types', 'iec104', 'IEC 60870-5-104', () => conversation(CLIENT, server(2404), iec104Session()), [100, 45, 103], 3],
  ['Unauthorized BACNet Object Access', 'bacnet', 'BACnet', bacnet, [SVC.READ_PROPERTY], 1],
  // COTP CR on the IED's TSAPs (224), Identify (2), GetNameList (1), Read (4), Write (5) (ISO 9506-2)
  ['Unauthorized MMS Service', 'mms', 'MMS', () => conversation(CLIENT, server(102), browseMessages()), [0xe0, 2, 1, 4, 5], 5],
  // OpenSecureChannel, CreateSession, ActivateSession, Read, Browse, CloseSession, CloseSecureChannel (OPC UA Part 4/6)
  ['Unauthorized OPC UA Request/Response', 'opcua', 'OPC UA', () => conversation(CLIENT, server(4840), opcuaSession('opc.tcp://10.41.0.20:4840')), [446, 461, 467, 631, 527, 473, 452], 7],
  // every S7comm request counts: COTP CR (224), Setup Communication (0xf0), PLC Stop (0x29), PI Start (0x28)
  ['Unauthorized Siemens S7 Execution of Control Function', 's7comm', 'S7', () => conversation(CLIENT, server(102), stopStartMessages()), [0xe0, 0xf0, 0x29, 0x28], 4],
];

describe('new traffic combinations on a flow (Policy)', () => {
  for (const [title, proto, display, capture, codes, count] of FLOW_CASES) {
    const entries = codes.map((code) => op(proto, code));

    it(`${title}: raised from the client to the server, naming the first new ${display} code`, async () => {
      const r = await detect(capture());
      expect(one(r, title)).toEqual({ engine: 'Policy Violation', severity: 'Major', src: CLIENT.ip, dst: server(0).ip, protocol: display, learn: [entries[0]], count });
      expect(r.titled(title)[0]!.hit.message).toContain(`(${codes[0]}) towards ${server(0).ip}`);
    });

    it(`${title}: each code is its own entry; all of them in the baseline, or learning, raise nothing`, async () => {
      if (entries.length > 1) {
        const rest = await detect(capture(), { baseline: [entries[0]!] });
        expect(one(rest, title)).toMatchObject({ learn: [entries[1]], count: count - 1 });
      }
      expect((await detect(capture(), { baseline: entries })).titled(title)).toEqual([]);
      const learning = await detect(capture(), { learning: LEARNING });
      expect(learning.titled(title)).toEqual([]);
      expect(learning.learned).toEqual(expect.arrayContaining(entries));
    });
  }

  it('the answers and unconfirmed services of a flow are not requests: no combination from the server', async () => {
    const r = await detect([...dnp3(), ...bacnet()]);
    expect(r.alerts.filter((a) => a.hit.protocol !== null && who(a.hit.src) !== CLIENT.ip && a.catalog.engine === 'Policy Violation')).toEqual([]);
    // the Who-Is went to the broadcast address: no BACnet combination towards it
    expect(r.titled('Unauthorized BACNet Object Access').map((a) => who(a.hit.dst))).toEqual([server(0).ip]);
  });

  it('an entry learned for another client does not cover this one', async () => {
    const r = await detect(dnp3(), { baseline: [1, 2].map((f) => `op:dnp3:10.41.0.99>${server(0).ip}:${f}`) });
    expect(one(r, 'Unpermitted Usage of DNP3 Function Code').learn).toEqual([op('dnp3', 1)]);
  });
});

// ---- GE SRTP: the service's category picks one of three titles (spec §4.1 #56-58)

const SRTP_OPEN_FILE = 0x19, SRTP_READ_FILE = 0x1d, SRTP_READ_SYSTEM_MEMORY = 0x04, SRTP_SHORT_STATUS = 0x00;
const srtp = () => conversation(CLIENT, server(18245), [
  c(srtpInit()), s(srtpInitAck()),
  ...[SRTP_OPEN_FILE, SRTP_READ_FILE, SRTP_READ_SYSTEM_MEMORY, SRTP_SHORT_STATUS].flatMap((code, k) => [
    c(srtpRequest(k + 1, code, code === SRTP_READ_SYSTEM_MEMORY ? [0x08, 0, 0, 8, 0] : [])), s(srtpAck(k + 1, piggyback(1, 0))),
  ]),
]);
const FILE_ENTRIES = [op('srtp', SRTP_OPEN_FILE), op('srtp', SRTP_READ_FILE)];

describe('Unauthorized GE SRTP File Access (Policy)', () => {
  it('file services (Open File, Read File) raise it once for the pair, apart from the other categories', async () => {
    const r = await detect(srtp());
    expect(one(r, 'Unauthorized GE SRTP File Access')).toEqual({
      engine: 'Policy Violation', severity: 'Major', src: CLIENT.ip, dst: server(0).ip, protocol: 'GE SRTP', learn: [FILE_ENTRIES[0]], count: 2,
    });
    expect(one(r, 'Unauthorized GE SRTP System Memory Operation').learn).toEqual([op('srtp', SRTP_READ_SYSTEM_MEMORY)]);
    expect(one(r, 'Unauthorized GE SRTP Protocol Command').learn).toEqual([op('srtp', SRTP_SHORT_STATUS)]);
  });

  it('not when the file services are in the baseline (the other categories still are raised), nor while learning', async () => {
    const known = await detect(srtp(), { baseline: FILE_ENTRIES });
    expect(known.titled('Unauthorized GE SRTP File Access')).toEqual([]);
    expect(known.titled('Unauthorized GE SRTP System Memory Operation')).toHaveLength(1);
    const learning = await detect(srtp(), { learning: LEARNING });
    expect(learning.titled('Unauthorized GE SRTP File Access')).toEqual([]);
    expect(learning.learned).toEqual(expect.arrayContaining(FILE_ENTRIES));
  });
});

// ---- layer 2: PROFINET DCP (IEC 61158-6-10 §4.3) and LLDP (IEEE 802.1AB §8), no flow

const CONTROLLER = '02:00:00:41:8e:01', IO_DEVICE = '02:00:00:41:8e:21', SWITCH = '02:00:00:41:d0:01';
const IDENTIFY_ENTRY = `op:pndcp:${CONTROLLER}>${DCP_MULTICAST}:5`;
const l2 = (i: number, dst: string, src: string, etherType: number, payload: Buffer): Packet =>
  ({ ts: T0_US + i * 10_000, data: ethernet({ dst, src, etherType, payload }) });
/** Identify All from the controller (service 5, request) and a device's Identify response. */
const profinet = () => [
  l2(0, DCP_MULTICAST, CONTROLLER, 0x8892, dcp(0xfefe, 5, 0, 0x1001, [dcpBlock(0xff, 0xff, Buffer.alloc(0))], 0x80)),
  l2(1, CONTROLLER, IO_DEVICE, 0x8892, dcp(0xfeff, 5, 1, 0x1001, [dcpBlock(2, 2, Buffer.from([0, 0, ...Buffer.from('io-dev-1')]))])),
];

describe('Unauthorized Profinet Frame Type (Policy, layer 2)', () => {
  it('a DCP request outside the baseline is raised from the sender MAC to the destination MAC', async () => {
    const r = await detect(profinet());
    expect(one(r, 'Unauthorized Profinet Frame Type')).toEqual({
      engine: 'Policy Violation', severity: 'Major', src: CONTROLLER, dst: DCP_MULTICAST, protocol: 'Profinet DCP', learn: [IDENTIFY_ENTRY], count: 1,
    });
    expect(r.titled('Unauthorized Profinet Frame Type')[0]!.hit.src).toEqual({ ip: null, mac: CONTROLLER });
  });

  it('not when the entry is in the baseline (the new device still is), nor while learning', async () => {
    const known = await detect(profinet(), { baseline: [IDENTIFY_ENTRY] });
    expect(known.titled('Unauthorized Profinet Frame Type')).toEqual([]);
    expect(known.titled('New Asset Detected').map((a) => who(a.hit.src))).toContain(CONTROLLER);
    const learning = await detect(profinet(), { learning: LEARNING });
    expect(learning.titled('Unauthorized Profinet Frame Type')).toEqual([]);
    expect(learning.learned).toContain(IDENTIFY_ENTRY);
  });
});

/** LLDPDU: chassis id (MAC), port id, TTL 120, end (IEEE 802.1AB §8.5). */
const lldpdu = (sender: string) => Buffer.concat([
  tlv(1, Buffer.concat([Buffer.from([4]), macBytes(sender)])), tlv(2, Buffer.from('\x05port-1', 'latin1')), tlv(3, Buffer.from([0, 120])), tlv(0, Buffer.alloc(0)),
]);
const lldp = () => [l2(0, LLDP_MULTICAST, SWITCH, 0x88cc, lldpdu(SWITCH))];

describe('New LLDP Device Configuration (Policy, layer 2 new device)', () => {
  it('an LLDP sender MAC not in the baseline is raised, with the MAC as the source and no destination', async () => {
    const r = await detect(lldp());
    expect(one(r, 'New LLDP Device Configuration')).toEqual({
      engine: 'Policy Violation', severity: 'Major', src: SWITCH, dst: null, protocol: 'LLDP', learn: [`device:${SWITCH}`], count: 1,
    });
    expect(r.titled('New Asset Detected')).toEqual([]);
  });

  it('not when the device is in the baseline (the timeline still records it), nor while learning', async () => {
    const known = await detect(lldp(), { baseline: [`device:${SWITCH}`] });
    expect(known.titled('New LLDP Device Configuration')).toEqual([]);
    expect(known.events.some((e) => e.type === 'DEVICE_CREATE' && e.content.includes(SWITCH))).toBe(true);
    const learning = await detect(lldp(), { learning: LEARNING });
    expect(learning.titled('New LLDP Device Configuration')).toEqual([]);
    expect(learning.learned).toContain(`device:${SWITCH}`);
  });

  it('a MAC first seen in another layer-2 protocol is a New Asset Detected, not an LLDP one', async () => {
    const r = await detect([l2(0, DCP_MULTICAST, SWITCH, 0x8892, dcp(0xfefe, 5, 0, 0x1002, [dcpBlock(0xff, 0xff, Buffer.alloc(0))], 1)), l2(1, LLDP_MULTICAST, SWITCH, 0x88cc, lldpdu(SWITCH))]);
    expect(r.titled('New LLDP Device Configuration')).toEqual([]);
    expect(r.titled('New Asset Detected').map((a) => who(a.hit.src))).toEqual([SWITCH]);
  });
});

describe('Unauthorized HTTP Activity (Policy: an HTTP method new between two devices)', () => {
  const web = server(80);
  const get = (path: string) => Buffer.from(`GET ${path} HTTP/1.1\r\nHost: plc\r\n\r\n`, 'latin1');
  const post = Buffer.from('POST /config HTTP/1.1\r\nHost: plc\r\nContent-Length: 2\r\n\r\nok', 'latin1');
  const ok = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', 'latin1');
  const session = () => conversation(CLIENT, web, [c(get('/index.html')), s(ok), c(get('/status')), s(ok), c(post), s(ok)]);
  const entry = (m: string) => `op:http:${CLIENT.ip}>${web.ip}:${m}`;

  it('GET and POST not in the baseline: one condition for the pair, counted per method; the entry names the method', async () => {
    const r = await detect(session());
    expect(one(r, 'Unauthorized HTTP Activity')).toEqual({
      engine: 'Policy Violation', severity: 'Major', src: CLIENT.ip, dst: web.ip, protocol: 'HTTP', learn: [entry('GET')], count: 2,
    });
    expect(r.titled('Unauthorized HTTP Activity')[0]!.hit.message).toContain('the method GET');
  });

  it('with GET learned only the POST is raised; with both learned, or while learning, nothing', async () => {
    const r = await detect(session(), { baseline: [entry('GET')] });
    expect(one(r, 'Unauthorized HTTP Activity').learn).toEqual([entry('POST')]);
    expect((await detect(session(), { baseline: [entry('GET'), entry('POST')] })).titled('Unauthorized HTTP Activity')).toEqual([]);
    const learning = await detect(session(), { learning: LEARNING });
    expect(learning.titled('Unauthorized HTTP Activity')).toEqual([]);
    expect(learning.learned).toEqual(expect.arrayContaining([entry('GET'), entry('POST')]));
  });
});

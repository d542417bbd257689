// Frame tests for EtherNet/IP (THE CIP NETWORKS LIBRARY Vol. 2) and CIP (Vol. 1). Every frame is built
// by hand from the spec's field tables and written out field by field in the comments; the header is
// command(2) length(2) session(4) status(4) sender-context(8) options(4), all little-endian.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { buildRegistry } from '../../src/decode/registry.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Pdu, PduSink } from '../../src/decode/types.js';
import { MAX_PENDING, newCipState } from '../../src/dissectors/enip/cip.js';
import { cip, enip, enipUdp } from '../../src/dissectors/enip/index.js';
import { dissectors } from '../../src/dissectors/index.js';
import { Ingest } from '../../src/ingest.js';
import { Sensor } from '../../src/sensor.js';
import { ROOT } from '../support/env.js';
import { hex } from '../support/decode.js';
import { samples as cipSamples } from './samples/cip.js';
import { samples as tcpSamples } from './samples/enip.js';
import { samples as udpSamples } from './samples/enipudp.js';

function sink(): PduSink & { pdus: Pdu[]; anomalies: string[] } {
  const s = { pdus: [] as Pdu[], anomalies: [] as string[], pdu: (p: Pdu) => { s.pdus.push(p); }, anomaly: (id: string) => { s.anomalies.push(id); } };
  return s;
}

const SESSION = '4d 3c 2b 1a';
const CTX = '01 02 03 04 05 06 07 08';
/** header for a command with `len` data bytes, session 0x1a2b3c4d, status 0, context 01..08 */
const hdr = (cmd: string, len: number, session = SESSION, status = '00 00 00 00') =>
  `${cmd} 00 ${(len & 0xff).toString(16).padStart(2, '0')} ${(len >> 8).toString(16).padStart(2, '0')} ${session} ${status} ${CTX} 00 00 00 00`;
/** SendRRData body: interface handle 0, timeout, 2 items: null address + unconnected data (the CIP message) */
const rr = (cipHex: string, timeout = '0a 00') => {
  const n = hex(cipHex).length;
  return `00 00 00 00 ${timeout} 02 00  00 00 00 00  b2 00 ${n.toString(16).padStart(2, '0')} 00 ${cipHex}`;
};
const rrFrame = (cipHex: string, timeout?: string) => hex(`${hdr('6f', 16 + hex(cipHex).length)} ${rr(cipHex, timeout)}`);

const IDENTITY_ATTRS = `01 00  0e 00  36 00  10 14  60 30  3f 82 51 00  14 ${Buffer.from('1756-L61/B LOGIX5561').toString('hex')}`;
const L61 = {
  vendorId: 1, vendor: 'Rockwell Automation/Allen-Bradley', deviceType: 'Programmable Logic Controller', productCode: '54',
  firmwareVersion: '16.20', serial: '0x0051823f', productName: '1756-L61/B LOGIX5561',
};

function tcp(frames: Array<[0 | 1, Buffer]>) {
  const state = enip.newState!();
  const out = sink();
  for (const [dir, b] of frames) {
    expect(enip.frame(b, dir)).toBe(b.length);
    decodeApp(enip, b, dir, state, out);
  }
  return out;
}

describe('EtherNet/IP encapsulation commands', () => {
  it('NOP (0x0000): session keep-alive, no reply', () => {
    const r = tcp([[0, hex(`${hdr('00', 2)} ab cd`)]]);
    expect(r.pdus).toEqual([{ proto: 'enip', kind: 'nop', role: 'request', functionCode: 0, functionName: 'NOP', op: 'session', session: 0x1a2b3c4d }]);
    expect(r.anomalies).toEqual([]);
  });

  it('RegisterSession (0x0065) request and reply: protocol version 1, options 0', () => {
    const r = tcp([[0, hex(tcpSamples[0]!.hex)], [1, hex(tcpSamples[1]!.hex)]]);
    expect(r.pdus).toEqual([
      { proto: 'enip', kind: 'register_session', role: 'request', functionCode: 0x65, functionName: 'RegisterSession', op: 'session', session: 0, encapVersion: 1, optionFlags: 0 },
      { proto: 'enip', kind: 'register_session', role: 'response', functionCode: 0x65, functionName: 'RegisterSession', op: 'session', session: 0x1a2b3c4d, encapVersion: 1, optionFlags: 0 },
    ]);
  });

  it('UnRegisterSession (0x0066), Cancel (0x0073) and IndicateStatus (0x0072)', () => {
    const r = tcp([[0, hex(hdr('66', 0))], [0, hex(hdr('73', 0))], [1, hex(`${hdr('72', 2)} 00 00`)]]);
    expect(r.pdus.map((p) => [p.kind, p.functionName, p.op, p.role])).toEqual([
      ['unregister_session', 'UnRegisterSession', 'session', 'request'],
      ['cancel', 'Cancel', 'session', 'request'],
      ['indicate_status', 'IndicateStatus', 'diagnostic', 'response'],
    ]);
  });

  it('ListServices (0x0004) reply: the Communications service item 0x0100', () => {
    // item 0x0100, length 20: version 1, capability flags 0x0120 (CIP over TCP + class 0/1 over UDP), name 16 bytes
    const name = Buffer.alloc(16);
    name.write('Communications');
    const r = tcp([[0, hex(hdr('04', 0, '00 00 00 00'))], [1, hex(`${hdr('04', 26, '00 00 00 00')} 01 00 00 01 14 00 01 00 20 01 ${name.toString('hex')}`)]]);
    expect(r.pdus).toEqual([
      { proto: 'enip', kind: 'list_services', role: 'request', functionCode: 4, functionName: 'ListServices', op: 'discovery', session: 0 },
      { proto: 'enip', kind: 'list_services', role: 'response', functionCode: 4, functionName: 'ListServices', op: 'discovery', session: 0, items: 1, encapVersion: 1, capabilities: 0x120, serviceName: 'Communications' },
    ]);
  });

  it('ListInterfaces (0x0064) and legacy ListTargets (0x0001)', () => {
    const r = tcp([[0, hex(hdr('64', 0, '00 00 00 00'))], [1, hex(`${hdr('64', 2, '00 00 00 00')} 00 00`)], [0, hex(hdr('01', 0, '00 00 00 00'))]]);
    expect(r.pdus).toEqual([
      { proto: 'enip', kind: 'list_interfaces', role: 'request', functionCode: 0x64, functionName: 'ListInterfaces', op: 'discovery', session: 0 },
      { proto: 'enip', kind: 'list_interfaces', role: 'response', functionCode: 0x64, functionName: 'ListInterfaces', op: 'discovery', session: 0, items: 0 },
      { proto: 'enip', kind: 'list_targets', role: 'request', functionCode: 1, functionName: 'ListTargets', op: 'discovery', session: 0 },
    ]);
  });

  it('ListIdentity (0x0063) over UDP: request by size, reply with the CIP Identity item', () => {
    const { samples } = { samples: [hex('63 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00')] };
    const out = sink();
    decodeApp(enipUdp, samples[0]!, 0, enipUdp.newState!(), out);
    // reply: item count 1, type 0x0C length 0x36: version 1, sockaddr (BE) AF_INET 44818 192.168.10.125, identity, state 3
    const reply = hex(`63 00 3c 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
      01 00  0c 00 36 00  01 00  00 02 af 12 c0 a8 0a 7d 00 00 00 00 00 00 00 00  ${IDENTITY_ATTRS}  03`);
    decodeApp(enipUdp, reply, 0, enipUdp.newState!(), out);
    expect(out.pdus).toEqual([
      { proto: 'enip', kind: 'list_identity', role: 'request', functionCode: 0x63, functionName: 'ListIdentity', op: 'discovery', session: 0 },
      {
        proto: 'enip', kind: 'list_identity', role: 'response', functionCode: 0x63, functionName: 'ListIdentity', op: 'discovery', session: 0,
        items: 1, encapVersion: 1, socketAddress: '192.168.10.125', identity: L61, deviceStatus: 0x3060, deviceTypeId: 14, state: 3,
      },
    ]);
    expect(out.anomalies).toEqual([]);
  });

  it('SendRRData (0x006F): Get_Attribute_All of the Identity object, reply paired by sender context', () => {
    const r = tcp([[0, rrFrame('01 02 20 01 24 01')], [1, rrFrame(`81 00 00 00 ${IDENTITY_ATTRS}`, '00 00')]]);
    expect(r.pdus).toEqual([
      { proto: 'enip', kind: 'send_rr_data', role: 'request', functionCode: 0x6f, functionName: 'SendRRData', op: 'other', session: 0x1a2b3c4d, timeout: 10 },
      { proto: 'cip', kind: 'get_attribute_all_request', role: 'request', functionCode: 1, functionName: 'Get_Attribute_All', op: 'read', classId: 1, instance: 1 },
      { proto: 'enip', kind: 'send_rr_data', role: 'response', functionCode: 0x6f, functionName: 'SendRRData', op: 'other', session: 0x1a2b3c4d, timeout: 0 },
      { proto: 'cip', kind: 'get_attribute_all_response', role: 'response', functionCode: 1, functionName: 'Get_Attribute_All', op: 'read', status: 0, classId: 1, instance: 1, identity: L61 },
    ]);
    expect(r.anomalies).toEqual([]);
  });

  it('SendUnitData (0x0070): connected Read_Tag with a symbolic path, reply paired by sequence count', () => {
    const r = tcp([[0, hex(tcpSamples[6]!.hex)], [1, hex(tcpSamples[7]!.hex)]]);
    expect(r.pdus).toEqual([
      { proto: 'enip', kind: 'send_unit_data', role: 'request', functionCode: 0x70, functionName: 'SendUnitData', op: 'other', session: 0x1a2b3c4d, timeout: 0, connectionId: 0x00112233, sequence: 7 },
      { proto: 'cip', kind: 'read_tag_request', role: 'request', functionCode: 0x4c, functionName: 'Read_Tag', op: 'read', symbol: 'Speed' },
      { proto: 'enip', kind: 'send_unit_data', role: 'response', functionCode: 0x70, functionName: 'SendUnitData', op: 'other', session: 0x1a2b3c4d, timeout: 0, connectionId: 0x44556677, sequence: 7 },
      { proto: 'cip', kind: 'read_tag_response', role: 'response', functionCode: 0x4c, functionName: 'Read_Tag', op: 'read', status: 0, symbol: 'Speed' },
    ]);
    expect(r.anomalies).toEqual([]);
  });

  it('a non-zero encapsulation status is an exception', () => {
    const r = tcp([[1, hex(`${hdr('65', 4, SESSION, '64 00 00 00')} 01 00 00 00`)]]);
    expect(r.pdus[0]).toMatchObject({ kind: 'register_session', exception: { code: 0x64, name: 'Invalid session handle' } });
  });

  it('UDP 2222 class 1 I/O is recognised, not decoded', () => {
    const out = sink();
    decodeApp(enipUdp, hex('02 00  02 80 08 00 33 22 00 00 2a 00 00 00  b1 00 08 00 2a 00 01 00 00 00 ff 00'), 0, undefined, out);
    expect(out.pdus).toEqual([{ proto: 'enip', kind: 'implicit_io', role: 'notify', functionName: 'Implicit_IO', op: 'other', connectionId: 0x2233, sequence: 42, dataLength: 8 }]);
  });
});

describe('CIP messages', () => {
  const one = (h: string, dir: 0 | 1 = 0) => {
    const out = sink();
    decodeApp(cip, hex(h), dir, cip.newState!(), out);
    return out;
  };

  it('Set_Attribute_Single is a write; 16-bit class and instance segments', () => {
    expect(one('10 03 20 f5 24 01 30 05 01 00').pdus).toEqual([
      { proto: 'cip', kind: 'set_attribute_single_request', role: 'request', functionCode: 0x10, functionName: 'Set_Attribute_Single', op: 'write', classId: 0xf5, instance: 1, attribute: 5 },
    ]);
    expect(one('0e 04 21 00 34 12 25 00 01 02 01 02').pdus[0]).toMatchObject({ functionName: 'Get_Attribute_Single', classId: 0x1234, instance: 0x201, op: 'read' });
  });

  it('Reset, Start and Stop of the Identity object are control (controller mode change)', () => {
    expect(one('05 02 20 01 24 01 01').pdus[0]).toMatchObject({ kind: 'reset_request', op: 'control', classId: 1 });
    expect(one('06 02 20 8e 24 01').pdus[0]).toMatchObject({ kind: 'start_request', op: 'control' });
    expect(one('07 02 20 8e 24 01').pdus[0]).toMatchObject({ kind: 'stop_request', op: 'control' });
  });

  it('class 0xA1 services are a firmware update; File object and Logix program classes are program transfers', () => {
    expect(one('4d 02 20 a1 24 01 00 00').pdus[0]).toMatchObject({ functionName: 'Firmware_Update_0x4D', op: 'firmware', classId: 0xa1 });
    expect(one('4c 02 20 37 24 01').pdus[0]).toMatchObject({ functionName: 'Initiate_Download', op: 'program' });
    expect(one('50 02 20 6a 24 01').pdus[0]).toMatchObject({ functionName: 'Program_Transfer_0x50', op: 'program' });
    expect(one('08 02 20 68 24 00').pdus[0]).toMatchObject({ functionName: 'Create', op: 'program' });
    expect(one('08 02 20 f5 24 00').pdus[0]).toMatchObject({ functionName: 'Create', op: 'write' });
  });

  it('Multiple_Service_Packet: the carrier, then each embedded request', () => {
    const r = one('0a 02 20 02 24 01  02 00 06 00 0e 00  0e 03 20 01 24 01 30 07  01 02 20 01 24 01');
    expect(r.pdus.map((p) => [p.functionName, p.classId, p.attribute, p.embedded])).toEqual([
      ['Multiple_Service_Packet', 2, undefined, undefined],
      ['Get_Attribute_Single', 1, 7, true],
      ['Get_Attribute_All', 1, undefined, true],
    ]);
  });

  it('Unconnected_Send: the embedded request and the backplane slot; its reply carries the identity', () => {
    const us = '52 02 20 06 24 01  0a f0  06 00  01 02 20 01 24 01  01 00 01 02';
    const r = tcp([[0, rrFrame(us)], [1, rrFrame(`81 00 00 00 ${IDENTITY_ATTRS}`)]]);
    const cips = r.pdus.filter((p) => p.proto === 'cip');
    expect(cips[0]).toMatchObject({ functionName: 'Unconnected_Send', classId: 6, slot: 2 });
    expect(cips[1]).toMatchObject({ functionName: 'Get_Attribute_All', classId: 1, embedded: true });
    expect(cips[2]).toMatchObject({ functionName: 'Get_Attribute_All', role: 'response', identity: { ...L61, slot: 2 } });
    // a routing error comes back from the Connection Manager itself
    const e = tcp([[0, rrFrame(us)], [1, rrFrame('d2 00 01 01 04 01')]]).pdus.filter((p) => p.proto === 'cip');
    expect(e[2]).toMatchObject({ functionName: 'Unconnected_Send', status: 1, extStatus: 0x0104, exception: { code: 1, name: 'Connection failure' } });
  });

  it('Get_Attribute_List replies of the Identity object give identity facts', () => {
    const r = tcp([[0, rrFrame('03 02 20 01 24 01 02 00 07 00 04 00')], [1, rrFrame(`83 00 00 00 02 00  07 00 00 00 03 41 42 43  04 00 00 00 02 05`)]]);
    expect(r.pdus[3]).toMatchObject({ functionName: 'Get_Attribute_List', identity: { productName: 'ABC', firmwareVersion: '2.5' } });
  });

  it('error replies carry the general status as an exception; partial transfer (0x06) is not one', () => {
    expect(one('cb 00 08 00', 1).pdus[0]).toEqual({ proto: 'cip', kind: 'service_0x4b_response', role: 'response', functionCode: 0x4b, functionName: 'Service_0x4B', op: 'other', status: 8, exception: { code: 8, name: 'Service not supported' } });
    expect(one('d2 00 06 00 00', 1).pdus[0]!.exception).toBeUndefined();
  });
});

describe('framing', () => {
  it('frames each message at 24 + length: need more until the length field is in, then the length', () => {
    for (const s of tcpSamples) {
      const b = hex(s.hex);
      expect(enip.frame(b, s.dir)).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(enip.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(n < 4 ? 0 : b.length);
    }
  });

  it('two messages in one buffer frame one at a time', () => {
    const b = Buffer.concat([hex(tcpSamples[0]!.hex), hex(tcpSamples[2]!.hex)]);
    expect(enip.frame(b, 0)).toBe(28);
    expect(enip.frame(b.subarray(28), 0)).toBe(46);
  });

  it('an unknown command does not start a message', () => {
    expect(enip.frame(hex('99 00 00 00'), 0)).toBe(-1);
    expect(enip.frame(hex('47 45 54 20 2f 20 48 54 54 50'), 0)).toBe(-1); // "GET / HTTP"
  });

  it('probe: yes for samples, no for NOP-like zeros and non-zero options, need-more when short', () => {
    expect(enip.probe!(hex(tcpSamples[2]!.hex), 0)).toBe('yes');
    expect(enip.probe!(Buffer.alloc(40), 0)).toBe('no');
    expect(enip.probe!(hex(`${hdr('65', 4).replace(/00 00 00 00$/, '01 00 00 00')} 01 00 00 00`), 0)).toBe('no');
    expect(enip.probe!(hex('65 00 04'), 0)).toBe('need-more');
    expect(enipUdp.probe!(hex('04 00 01 00 00 00 01 00 a4 02 00 00 00 00 01 00 00 00 4f 4b 00 00 00 00 00 00 00 00'), 0)).toBe('no'); // DCE/RPC, not ListServices
  });
});

describe('samples', () => {
  // the conformance suite's determinism check compares whole sinks (functions included); this one
  // compares what they collected
  it('decode cleanly and deterministically, for every registered id', () => {
    for (const [d, list] of [[enip, tcpSamples], [enipUdp, udpSamples], [cip, cipSamples]] as const) {
      for (const s of list) {
        const a = sink(), b = sink();
        decodeApp(d, hex(s.hex), s.dir, d.newState!(), a);
        decodeApp(d, hex(s.hex), s.dir, d.newState!(), b);
        expect(a.pdus.length, s.note).toBeGreaterThan(0);
        expect(a.anomalies, s.note).toEqual([]);
        expect(b.pdus).toEqual(a.pdus);
      }
    }
  });
});

describe('negative cases', () => {
  it('an unknown command in a datagram is an anomaly, not a PDU', () => {
    const out = sink();
    decodeApp(enipUdp, hex(`${hdr('99', 0)}`), 0, undefined, out);
    expect(out.anomalies).toEqual(['enip.unknown_command']);
    expect(out.pdus).toEqual([]);
  });

  it('a datagram shorter than its length field: bad_length, the rest still decoded', () => {
    const out = sink();
    decodeApp(enipUdp, hex(`${hdr('63', 60, '00 00 00 00')} 01 00`), 0, undefined, out);
    expect(out.anomalies).toEqual(['enipudp.truncated']);
    const out2 = sink();
    decodeApp(enipUdp, hex(`${hdr('63', 4, '00 00 00 00')} 00 00 ff ff`), 0, undefined, out2);
    expect(out2.anomalies).toEqual([]);
    const out3 = sink();
    decodeApp(enipUdp, hex(`${hdr('63', 0, '00 00 00 00')} 00 00`), 0, undefined, out3);
    expect(out3.anomalies).toEqual(['enip.bad_length']);
  });

  it('a header cut short is enip.truncated; a CIP body cut short costs only cip.truncated', () => {
    const out = sink();
    decodeApp(enip, hex('6f 00 16 00 4d 3c'), 0, enip.newState!(), out);
    expect(out.anomalies).toEqual(['enip.truncated']);
    const r = tcp([[0, rrFrame('0e 03 20 01 24')]]);
    expect(r.pdus.map((p) => p.proto)).toEqual(['enip']);
    expect(r.anomalies).toEqual(['cip.truncated']);
  });

  it('too many CPF items, a bad path segment, bad Multiple_Service_Packet offsets', () => {
    const out = sink();
    decodeApp(enip, hex(`${hdr('6f', 8)} 00 00 00 00 0a 00 ff 00`), 0, enip.newState!(), out);
    expect(out.anomalies).toEqual(['enip.bad_cpf']);
    expect(tcp([[0, rrFrame('0e 02 e0 01 24 01')]]).anomalies).toEqual(['cip.bad_path']);
    expect(tcp([[0, rrFrame('0a 02 20 02 24 01 02 00 06 00 40 00 01 02 20 01 24 01')]]).anomalies).toEqual(['cip.bad_multiple_service']);
  });

  it('pending requests are bounded per flow', () => {
    const state = newCipState();
    const out = sink();
    for (let i = 0; i <= MAX_PENDING; i++) {
      const f = rrFrame('01 02 20 01 24 01');
      f.writeUInt32LE(i, 12); // a new sender context each time
      decodeApp(enip, f, 0, state, out);
    }
    expect(state.pending.size).toBe(MAX_PENDING);
    expect(out.anomalies).toEqual(['enip.too_many_pending']);
  });

  it('nesting deeper than 4 is cip.too_deep', () => {
    // Unconnected_Send inside Unconnected_Send ... 6 deep, around a Get_Attribute_All
    let msg = hex('01 02 20 01 24 01');
    for (let i = 0; i < 6; i++) {
      const head = hex('52 02 20 06 24 01 0a f0 00 00');
      head.writeUInt16LE(msg.length, 8);
      msg = Buffer.concat([head, msg, msg.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0), hex('01 00 01 00')]);
    }
    const out = sink();
    decodeApp(cip, msg, 0, undefined, out);
    expect(out.anomalies).toContain('cip.too_deep');
  });
});

// ---------------------------------------------------------------- generated captures through the pipeline

const PCAPS = join(ROOT, 'pcaps', 'enip');
const HAVE = existsSync(join(PCAPS, 'list-identity.pcap'));

async function run(name: string) {
  const pdus: Array<Pdu & { src: string }> = [];
  const collect: Analyzer = { name: 'collect', pdu(p, flow, dir) { pdus.push({ ...p, src: flow ? (dir === 0 ? flow.clientIp : flow.serverIp) : '' }); } };
  const list = dissectors.some((d) => d.id === 'enip') ? dissectors : [...dissectors, enip, enipUdp, cip];
  const sensor = new Sensor({ registry: buildRegistry(list), analyzers: [collect] });
  const report = await new Ingest(sensor, { files: [join(PCAPS, name)] }).run();
  return { pdus, report };
}

describe.skipIf(!HAVE)('generated captures (pcaps/enip, npx tsx test/pcapgen/enip.ts)', () => {
  it('list-identity.pcap: UDP broadcast request and reply with the identity', async () => {
    const { pdus, report } = await run('list-identity.pcap');
    expect(report.anomalies).toEqual({});
    const enips = pdus.filter((p) => p.proto === 'enip');
    expect(enips.map((p) => [p.kind, p.role, p.src])).toEqual([['list_identity', 'request', '192.168.0.10'], ['list_identity', 'response', '192.168.0.20']]);
    expect(enips[1]!.identity).toMatchObject({ vendorId: 1, productName: '1756-L61/B LOGIX5561', firmwareVersion: '20.11', serial: '0x00c0ffee' });
    expect(report.protocols.enipudp ?? report.protocols.enip).toBeGreaterThan(0);
  });

  it('identity-session.pcap: RegisterSession, SendRRData Get_Attribute_All, identity from the reply', async () => {
    const { pdus, report } = await run('identity-session.pcap');
    expect(report.anomalies).toEqual({});
    expect(pdus.filter((p) => p.proto === 'enip').map((p) => p.kind)).toEqual(['register_session', 'register_session', 'send_rr_data', 'send_rr_data', 'unregister_session']);
    const reply = pdus.find((p) => p.proto === 'cip' && p.role === 'response');
    expect(reply).toMatchObject({ functionName: 'Get_Attribute_All', classId: 1, src: '192.168.0.20', identity: { productName: '1756-L61/B LOGIX5561', serial: '0x00c0ffee' } });
  });

  it('write-and-mode.pcap: a Set_Attribute_Single write and Stop/Start of the controller', async () => {
    const { pdus, report } = await run('write-and-mode.pcap');
    expect(report.anomalies).toEqual({});
    const reqs = pdus.filter((p) => p.proto === 'cip' && p.role === 'request');
    expect(reqs.map((p) => [p.functionName, p.op])).toEqual([['Set_Attribute_Single', 'write'], ['Stop', 'control'], ['Start', 'control']]);
    expect(pdus.filter((p) => p.proto === 'cip' && p.role === 'response').every((p) => p.status === 0)).toBe(true);
  });

  it('garbage-44818.pcap: non-ENIP bytes on 44818 give anomalies, no PDUs', async () => {
    const { pdus, report } = await run('garbage-44818.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies['stream.desync'] ?? 0).toBeGreaterThan(0);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});

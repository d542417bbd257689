// Frame tests for PROFINET DCP (IEC 61158-6-10 §4.3). Real frames come from the samples file
// (ChangeIPUsingDCP.pcap); the others are built here field by field from the DCP header and block layout.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Pdu } from '../../src/decode/types.js';
import { buildRegistry } from '../../src/decode/registry.js';
import { dissectors } from '../../src/dissectors/index.js';
import { pndcp } from '../../src/dissectors/pndcp.js';
import { Sensor } from '../../src/sensor.js';
import { ethernet } from '../support/frames.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/pndcp.js';

function run(payload: Buffer) {
  const out = { pdus: [] as Pdu[], anomalies: [] as string[] };
  decodeApp(pndcp, payload, 0, undefined, { pdu: (p) => out.pdus.push(p), anomaly: (id) => out.anomalies.push(id) });
  return out;
}

/** A DCP block: option, suboption, length, data, padded to an even length. */
export function dcpBlock(option: number, suboption: number, data: Buffer): Buffer {
  const h = Buffer.from([option, suboption, data.length >> 8, data.length & 255]);
  return Buffer.concat([h, data, Buffer.alloc(data.length & 1)]);
}

/** FrameID, ServiceID, ServiceType, Xid, ResponseDelay/reserved, DCPDataLength, blocks. */
export function dcp(frameId: number, service: number, type: number, xid: number, blocks: Buffer[], delay = 0): Buffer {
  const body = Buffer.concat(blocks);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(frameId, 0);
  h[2] = service;
  h[3] = type;
  h.writeUInt32BE(xid, 4);
  h.writeUInt16BE(delay, 8);
  h.writeUInt16BE(body.length, 10);
  return Buffer.concat([h, body]);
}

/** Sensor over the real dissector list (plus pndcp when not yet registered), collecting PDUs. */
export function pipeline(frames: Buffer[]) {
  const list = dissectors.includes(pndcp) ? dissectors : [...dissectors, pndcp];
  const pdus: Pdu[] = [];
  const collect: Analyzer = { name: 'collect', pdu: (p, flow) => { expect(flow).toBeNull(); pdus.push(p); } };
  const sensor = new Sensor({ registry: buildRegistry(list), analyzers: [collect] });
  const off = new Int32Array(frames.length), len = new Int32Array(frames.length);
  let o = 0;
  frames.forEach((f, i) => { off[i] = o; len[i] = f.length; o += f.length; });
  sensor.ingest({ buf: Buffer.concat(frames), count: frames.length, off, len, origLen: Int32Array.from(len), ts: new Float64Array(frames.length).fill(1.7e15), linkType: new Int32Array(frames.length).fill(1) });
  sensor.finish();
  return { pdus, stats: sensor.stats() };
}

describe('PROFINET DCP: real frames (ChangeIPUsingDCP.pcap)', () => {
  it('Identify All request', () => {
    const r = run(hex(samples[0]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'pndcp', kind: 'identify_request', frameId: 0xfefe, role: 'request', functionCode: 5, functionName: 'Identify',
      op: 'discovery', serviceType: 0, xid: 0x01000001, responseDelay: 1, filter: 'all',
      blocks: [{ option: 0xff, suboption: 0xff, name: 'All selector' }],
    }]);
  });

  it('Identify response: station name, vendor/device id, role and IP of the sender', () => {
    const r = run(hex(samples[1]!.hex));
    expect(r.anomalies).toEqual([]);
    const p = r.pdus[0]!;
    expect(p).toMatchObject({
      kind: 'identify_response', role: 'response', op: 'discovery', xid: 0x01000001,
      nameOfStation: 'X208-BORD', deviceVendorValue: 'INC', vendorId: 0x2a, deviceId: 0x0a01,
      ip: '192.168.0.6', netmask: '255.255.255.0', gateway: '192.168.0.1',
      identity: { name: 'X208-BORD', productName: 'INC', vendorId: 42, productCode: '0x0a01', deviceType: 'IO device' },
    });
    const blocks = p.blocks as Array<{ name: string; info?: number; value?: unknown }>;
    expect(blocks.map((b) => b.name)).toEqual(['DeviceOptions', 'DeviceVendorValue', 'NameOfStation', 'DeviceID', 'DeviceRole', 'IP parameter']);
    expect(blocks[0]!.value).toHaveLength(13);
    expect(blocks[5]).toEqual({ option: 1, suboption: 2, name: 'IP parameter', info: 1, value: { ip: '192.168.0.6', netmask: '255.255.255.0', gateway: '192.168.0.1' } });
  });

  it('Set request: the IP assigned to the destination, flagged as an IP change', () => {
    const r = run(hex(samples[2]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({
      kind: 'set_request', role: 'request', functionName: 'Set', op: 'write', changes: ['IP change'],
      assign: { ip: '192.168.0.10', netmask: '255.255.255.0', gateway: '192.168.0.1' },
      blocks: [{ option: 1, suboption: 2, name: 'IP parameter', info: 1 }],
    });
    expect(r.pdus[0]!.identity).toBeUndefined();
  });

  it('Set response: Control/Response block with no error', () => {
    const r = run(hex(samples[3]!.hex));
    expect(r.pdus[0]).toMatchObject({
      kind: 'set_response', role: 'response', op: 'write',
      blocks: [{ option: 5, suboption: 4, name: 'Response', value: { option: 1, suboption: 2, name: 'IP parameter', error: 0, errorName: 'no error' } }],
    });
    expect(r.pdus[0]!.exception).toBeUndefined();
  });
});

describe('PROFINET DCP: built frames', () => {
  it('Identify request by name: the name is a filter, never an identity', () => {
    const r = run(dcp(0xfefe, 5, 0, 7, [dcpBlock(2, 2, Buffer.from('switch3'))], 0x80));
    expect(r.pdus[0]).toMatchObject({ kind: 'identify_request', filter: { nameOfStation: 'switch3' }, responseDelay: 0x80 });
    expect(r.pdus[0]!.identity).toBeUndefined();
    expect(r.pdus[0]!.nameOfStation).toBeUndefined();
  });

  it('Get request lists option pairs; Get response carries BlockInfo', () => {
    const req = run(dcp(0xfefd, 3, 0, 9, [Buffer.from([2, 2, 1, 2])]));
    expect(req.pdus[0]).toMatchObject({ kind: 'get_request', op: 'read', blocks: [{ name: 'NameOfStation' }, { name: 'IP parameter' }] });
    const res = run(dcp(0xfefd, 3, 1, 9, [dcpBlock(2, 2, Buffer.concat([Buffer.from([0, 0]), Buffer.from('plc-1')]))]));
    expect(res.pdus[0]).toMatchObject({ kind: 'get_response', op: 'read', identity: { name: 'plc-1' } });
  });

  it('Set of a station name and a factory reset', () => {
    const name = run(dcp(0xfefd, 4, 0, 1, [dcpBlock(2, 2, Buffer.concat([Buffer.from([0, 1]), Buffer.from('new-name')]))]));
    expect(name.pdus[0]).toMatchObject({ op: 'write', assign: { nameOfStation: 'new-name' }, changes: ['name change'] });
    const reset = run(dcp(0xfefd, 4, 0, 2, [dcpBlock(5, 6, Buffer.from([0, 2]))]));
    expect(reset.pdus[0]).toMatchObject({ op: 'control', changes: ['reset to factory'] });
    const signal = run(dcp(0xfefd, 4, 0, 3, [dcpBlock(5, 3, Buffer.from([0, 1, 1, 0]))]));
    expect(signal.pdus[0]).toMatchObject({ op: 'diagnostic', changes: ['signal'], blocks: [{ value: 0x0100 }] });
  });

  it('Set response with a block error becomes an exception', () => {
    const r = run(dcp(0xfefd, 4, 1, 2, [dcpBlock(5, 4, Buffer.from([1, 2, 6]))]));
    expect(r.pdus[0]!.exception).toEqual({ code: 6, name: 'in operation, SET not possible' });
  });

  it('Hello from a device announces its identity', () => {
    const r = run(dcp(0xfefc, 6, 0, 5, [
      dcpBlock(2, 2, Buffer.concat([Buffer.from([0, 0]), Buffer.from('io-dev')])),
      dcpBlock(2, 3, Buffer.from([0, 0, 0, 0x2a, 0x03, 0x01])),
    ]));
    expect(r.pdus[0]).toMatchObject({ kind: 'hello_request', role: 'notify', op: 'discovery', identity: { name: 'io-dev', vendorId: 42, productCode: '0x0301' } });
  });

  it('"request not supported" responses', () => {
    const r = run(dcp(0xfefd, 3, 5, 1, []));
    expect(r.pdus[0]).toMatchObject({ kind: 'get_response', exception: { code: 5, name: 'request not supported' } });
  });

  it('cyclic RT and alarm frames are recognised, not decoded', () => {
    expect(run(hex('8000 0102030405')).pdus).toEqual([{ proto: 'pndcp', kind: 'rt_frame', frameId: 0x8000, frameClass: 'RT class 2 cyclic' }]);
    expect(run(hex('c001 00')).pdus[0]).toMatchObject({ frameClass: 'RT class 1 cyclic' });
    expect(run(hex('fc01 00')).pdus[0]).toMatchObject({ frameClass: 'alarm high' });
  });
});

describe('PROFINET DCP: malformed frames', () => {
  it('truncated header: one anomaly, no PDU', () => {
    for (const n of [0, 1, 5, 11]) {
      const r = run(hex(samples[1]!.hex).subarray(0, n));
      expect(r.pdus).toEqual([]);
      expect(r.anomalies).toEqual(['pndcp.truncated']);
    }
  });

  it('data length beyond the frame, block overrun', () => {
    const full = hex(samples[1]!.hex);
    const cut = run(full.subarray(0, 84)); // ends inside the DeviceRole block
    expect(cut.anomalies).toContain('pndcp.length_exceeds_frame');
    expect(cut.anomalies).toContain('pndcp.block_overrun');
    expect(cut.pdus[0]).toMatchObject({ kind: 'identify_response', nameOfStation: 'X208-BORD' });
    const over = run(dcp(0xfefd, 4, 0, 1, [Buffer.from([1, 2, 0, 40, 0, 1, 192, 168])]));
    expect(over.anomalies).toEqual(['pndcp.block_overrun']);
  });

  it('unknown service and a service on the wrong frame id', () => {
    expect(run(dcp(0xfefd, 9, 0, 1, [])).anomalies).toEqual(['pndcp.unknown_service']);
    const r = run(dcp(0xfefe, 4, 0, 1, []));
    expect(r.anomalies).toEqual(['pndcp.frame_id_mismatch']);
    expect(r.pdus[0]!.anomalies).toEqual(['pndcp.frame_id_mismatch']);
  });

  it('bounds the number of blocks', () => {
    const blocks = Array.from({ length: 70 }, () => dcpBlock(2, 2, Buffer.from([0, 0, 0x61, 0x62])));
    const r = run(dcp(0xfeff, 5, 1, 1, blocks));
    expect(r.anomalies).toEqual(['pndcp.too_many_blocks']);
    expect((r.pdus[0]!.blocks as unknown[]).length).toBe(64);
  });
});

describe('PROFINET DCP through the pipeline', () => {
  it('an Ethernet frame with EtherType 0x8892 yields the PDU with sender and destination MACs', () => {
    const frame = ethernet({ dst: '00:0c:29:ba:09:ea', src: '08:00:06:93:cf:32', etherType: 0x8892, payload: hex(samples[1]!.hex) });
    const tagged = ethernet({ dst: '01:0e:cf:00:00:00', src: '00:1b:1b:02:9a:c3', etherType: 0x8892, payload: hex(samples[0]!.hex), tags: [{ vid: 0, pcp: 6 }] });
    const { pdus, stats } = pipeline([frame, tagged]);
    expect(pdus).toHaveLength(2);
    expect(pdus[0]).toMatchObject({ proto: 'pndcp', kind: 'identify_response', srcMac: '08:00:06:93:cf:32', dstMac: '00:0c:29:ba:09:ea', nameOfStation: 'X208-BORD' });
    expect(pdus[1]).toMatchObject({ kind: 'identify_request', srcMac: '00:1b:1b:02:9a:c3', dstMac: '01:0e:cf:00:00:00' });
    expect(stats.protocols.pndcp).toBe(2);
  });
});

async function replay(name: string) {
  const pdus: Pdu[] = [];
  const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'pndcp') pdus.push(p); } };
  const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'pndcp', name)] }).run();
  return { pdus, report };
}

describe('pndcp generated captures through the pipeline (test/pcapgen/l2.ts)', () => {
  it('identify-and-set-ip.pcap: Identify All, two responses, a name search, Set IP, Signal, cyclic RT', async () => {
    const { pdus, report } = await replay('identify-and-set-ip.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('pndcp.'))).toEqual([]);
    expect(pdus.map((p) => `${p.srcMac} > ${p.dstMac} ${p.kind}`)).toEqual([
      '02:00:00:8e:00:01 > 01:0e:cf:00:00:00 identify_request',
      '02:00:00:8e:00:21 > 02:00:00:8e:00:01 identify_response',
      '02:00:00:8e:00:22 > 02:00:00:8e:00:01 identify_response',
      '02:00:00:8e:00:01 > 01:0e:cf:00:00:00 identify_request',
      '02:00:00:8e:00:01 > 02:00:00:8e:00:22 set_request',
      '02:00:00:8e:00:22 > 02:00:00:8e:00:01 set_response',
      '02:00:00:8e:00:01 > 02:00:00:8e:00:21 set_request',
      '02:00:00:8e:00:21 > 02:00:00:8e:00:01 set_response',
      '02:00:00:8e:00:21 > 02:00:00:8e:00:01 rt_frame',
      '02:00:00:8e:00:21 > 02:00:00:8e:00:01 rt_frame',
      '02:00:00:8e:00:21 > 02:00:00:8e:00:01 rt_frame',
    ]);
    expect(pdus[1]).toMatchObject({ nameOfStation: 'io-dev-1', vendorId: 0x2a, deviceId: 0x0313, ip: '192.168.0.21', identity: { name: 'io-dev-1', productName: 'ET 200SP', deviceType: 'IO device' } });
    expect(pdus[2]).toMatchObject({ nameOfStation: 'io-dev-2', vendorId: 0xb0, ip: '0.0.0.0' });
    expect(pdus[3]).toMatchObject({ filter: { nameOfStation: 'io-dev-9' } });
    expect(pdus[3]!.identity).toBeUndefined();
    expect(pdus[4]).toMatchObject({ op: 'write', changes: ['IP change'], assign: { ip: '192.168.0.22', netmask: '255.255.255.0', gateway: '192.168.0.1' } });
    expect(pdus[6]).toMatchObject({ op: 'diagnostic', changes: ['signal'] });
    expect(pdus[8]).toMatchObject({ frameId: 0xc001, frameClass: 'RT class 1 cyclic' });
  });

  it('malformed.pcap: anomalies, and no PDU without them', async () => {
    const { pdus, report } = await replay('malformed.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(report.anomalies).toMatchObject({ 'pndcp.truncated': 1, 'pndcp.unknown_service': 1, 'pndcp.block_overrun': 1, 'pndcp.length_exceeds_frame': 1, 'pndcp.frame_id_mismatch': 1 });
    for (const p of pdus) expect((p.anomalies as string[] | undefined)?.length, p.kind).toBeGreaterThan(0);
    expect(pdus.filter((p) => p.identity !== undefined && (p.identity as { name?: string }).name !== 'x')).toEqual([]);
  });
});

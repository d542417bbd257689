// Frame tests for LLDP (IEEE 802.1AB-2016 §8.4-8.5). Real LLDPDUs come from the samples file; the
// others are built TLV by TLV here (7-bit type, 9-bit length, value).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { buildRegistry } from '../../src/decode/registry.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Pdu } from '../../src/decode/types.js';
import { dissectors } from '../../src/dissectors/index.js';
import { lldp } from '../../src/dissectors/lldp.js';
import { Sensor } from '../../src/sensor.js';
import { hex } from '../support/decode.js';
import { ethernet } from '../support/frames.js';
import { samples } from './samples/lldp.js';

function run(payload: Buffer) {
  const out = { pdus: [] as Pdu[], anomalies: [] as string[] };
  decodeApp(lldp, payload, 0, undefined, { pdu: (p) => out.pdus.push(p), anomaly: (id) => out.anomalies.push(id) });
  return out;
}

export function tlv(type: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const h = Buffer.alloc(2);
  h.writeUInt16BE((type << 9) | v.length);
  return Buffer.concat([h, v]);
}

const chassisMac = tlv(1, Buffer.from([4, 0x00, 0x1b, 0x1b, 0x11, 0x22, 0x33]));
const portName = tlv(2, Buffer.concat([Buffer.from([5]), Buffer.from('port-001')]));
const ttl120 = tlv(3, Buffer.from([0, 120]));
const end = tlv(0, Buffer.alloc(0));

describe('LLDP: real LLDPDUs', () => {
  it('Cisco C3560G: ids, TTL, names, capabilities, org TLVs skipped', () => {
    const r = run(hex(samples[0]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toHaveLength(1);
    const p = r.pdus[0]!;
    expect(p).toMatchObject({
      proto: 'lldp', kind: 'advertisement', role: 'notify', op: 'discovery',
      chassisIdSubtype: 4, chassisIdSubtypeName: 'MAC address', chassisId: '00:19:2f:a7:b2:8d',
      portIdSubtype: 1, portIdSubtypeName: 'interface alias', portId: 'Uplink to S1', ttl: 120,
      systemName: 'S2.cisco.com', portDescription: 'GigabitEthernet0/13',
      capabilities: { system: 0x14, enabled: 0x04, names: ['bridge', 'router'], enabledNames: ['bridge'] },
      orgSpecificTlvs: 2,
      // the description is not a model; CDP from the same switch names it (WS-C3560G-24PS)
      identity: { name: 'S2.cisco.com', description: 'Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE, RELEASE SOFTWARE (fc1)', firmwareVersion: '12.2(44)SE', deviceType: 'bridge' },
    });
    expect(p.systemDescription).toMatch(/^Cisco IOS Software.*\nCopyright.*\nCompiled Sat 05-Jan-08 00:15 by weiliu$/s);
    expect(p.managementAddress).toBeUndefined();
  });

  it('SCALANCE X212-2: locally assigned chassis id, management address', () => {
    const r = run(hex(samples[1]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({
      chassisIdSubtype: 7, chassisId: 'switch1', portIdSubtype: 7, portId: 'port-001', ttl: 20,
      systemName: 'Switch1', portDescription: 'Siemens, SIMATIC NET, Ethernet Switch Port 01',
      managementAddress: '141.81.0.190',
      managementAddresses: [{ family: 1, address: '141.81.0.190', interfaceSubtype: 2, interfaceNumber: 1 }],
      capabilities: { system: 0x80, names: ['station only'] },
      // the order number and firmware version stated in the description
      identity: { name: 'Switch1', model: '6GK5 212-2BB00-2AA3', firmwareVersion: 'V4.02', description: 'Siemens, SIMATIC NET, SCALANCE X212-2, 6GK5 212-2BB00-2AA3, HW: 7, FW: V4.02' },
    });
  });
});

describe('LLDP: built LLDPDUs', () => {
  it('minimal LLDPDU: chassis MAC, port name, TTL, End', () => {
    const r = run(Buffer.concat([chassisMac, portName, ttl120, end]));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'lldp', kind: 'advertisement', role: 'notify', op: 'discovery',
      chassisIdSubtype: 4, chassisIdSubtypeName: 'MAC address', chassisId: '00:1b:1b:11:22:33',
      portIdSubtype: 5, portIdSubtypeName: 'interface name', portId: 'port-001', ttl: 120,
    }]);
  });

  it('network-address ids and an IPv6 management address', () => {
    const chassis = tlv(1, Buffer.from([5, 1, 10, 0, 0, 1]));
    const mgmt6 = tlv(8, Buffer.concat([Buffer.from([17, 2]), Buffer.from('fd000000000000000000000000000001', 'hex'), Buffer.from([2, 0, 0, 0, 3, 0])]));
    const r = run(Buffer.concat([chassis, portName, ttl120, mgmt6, end]));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ chassisId: '10.0.0.1', managementAddress: 'fd00::1' });
  });

  it('binary locally assigned ids are shown as hex', () => {
    const r = run(Buffer.concat([tlv(1, Buffer.from([7, 0x01, 0xff])), portName, ttl120, end]));
    expect(r.pdus[0]!.chassisId).toBe('01ff');
  });
});

describe('LLDP: malformed LLDPDUs', () => {
  it('mandatory TLVs out of order or missing', () => {
    const swapped = run(Buffer.concat([portName, chassisMac, ttl120, end]));
    expect(swapped.anomalies).toEqual(['lldp.missing_mandatory']);
    expect(swapped.pdus[0]!.anomalies).toEqual(['lldp.missing_mandatory']);
    const noTtl = run(Buffer.concat([chassisMac, portName, end]));
    expect(noTtl.anomalies).toEqual(['lldp.missing_mandatory']);
    const noIds = run(Buffer.concat([ttl120, end]));
    expect(noIds.anomalies).toEqual(['lldp.missing_mandatory']);
    expect(noIds.pdus).toEqual([]);
  });

  it('missing End, duplicate and badly sized TLVs', () => {
    expect(run(Buffer.concat([chassisMac, portName, ttl120])).anomalies).toEqual(['lldp.missing_end']);
    expect(run(Buffer.concat([chassisMac, portName, ttl120, tlv(5, 'a'), tlv(5, 'b'), end])).anomalies).toEqual(['lldp.duplicate_tlv']);
    const bad = run(Buffer.concat([chassisMac, portName, ttl120, tlv(7, Buffer.from([0, 4])), end]));
    expect(bad.anomalies).toEqual(['lldp.bad_tlv_length']);
    expect(bad.pdus[0]!.capabilities).toBeUndefined();
    expect(run(Buffer.concat([tlv(1, Buffer.from([4])), portName, ttl120, end])).anomalies).toEqual(['lldp.bad_tlv_length']);
  });

  it('a TLV running past the frame, a cut header, too many TLVs', () => {
    const full = Buffer.concat([chassisMac, portName, ttl120, tlv(5, 'switch-name'), end]);
    const over = run(full.subarray(0, full.length - 4));
    expect(over.anomalies).toEqual(['lldp.tlv_overrun']);
    expect(over.pdus[0]!.systemName).toBeUndefined();
    const cut = run(full.subarray(0, 1));
    expect(cut).toEqual({ pdus: [], anomalies: ['lldp.truncated'] });
    const many = run(Buffer.concat([chassisMac, portName, ttl120, ...Array.from({ length: 200 }, () => tlv(127, Buffer.from([0, 0x80, 0xc2, 1])))]));
    expect(many.anomalies).toEqual(['lldp.too_many_tlvs']);
  });
});

describe('LLDP through the pipeline', () => {
  it('an Ethernet frame with EtherType 0x88cc yields the advertisement with the sender MAC', () => {
    const list = dissectors.includes(lldp) ? dissectors : [...dissectors, lldp];
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu: (p, flow) => { expect(flow).toBeNull(); pdus.push(p); } };
    const sensor = new Sensor({ registry: buildRegistry(list), analyzers: [collect] });
    const frame = ethernet({ dst: '01:80:c2:00:00:0e', src: '00:1b:1b:02:e6:1f', etherType: 0x88cc, payload: hex(samples[1]!.hex) });
    sensor.ingest({ buf: frame, count: 1, off: Int32Array.of(0), len: Int32Array.of(frame.length), origLen: Int32Array.of(frame.length), ts: Float64Array.of(1.7e15), linkType: Int32Array.of(1) });
    sensor.finish();
    expect(pdus).toHaveLength(1);
    expect(pdus[0]).toMatchObject({ proto: 'lldp', srcMac: '00:1b:1b:02:e6:1f', dstMac: '01:80:c2:00:00:0e', systemName: 'Switch1' });
    expect(sensor.stats().protocols.lldp).toBe(1);
  });
});

async function replay(name: string) {
  const pdus: Pdu[] = [];
  const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'lldp') pdus.push(p); } };
  const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'lldp', name)] }).run();
  return { pdus, report };
}

describe('lldp generated captures through the pipeline (test/pcapgen/l2.ts)', () => {
  it('neighbours.pcap: two switches every 30 s, then a TTL 0 shutdown', async () => {
    const { pdus, report } = await replay('neighbours.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('lldp.'))).toEqual([]);
    expect(pdus).toHaveLength(10);
    expect(new Set(pdus.map((p) => `${p.srcMac} ${p.chassisId} ${p.portId}`))).toEqual(new Set([
      '02:00:00:11:d0:01 cell-sw-1 port-001', '02:00:00:11:d0:01 cell-sw-1 port-002', '02:00:00:11:d0:02 02:00:00:11:d0:02 Gi1/0/24',
    ]));
    expect(pdus[0]).toMatchObject({ systemName: 'cell-sw-1', managementAddress: '192.168.0.2', identity: { name: 'cell-sw-1', description: 'Managed IE switch 8TX, FW V2.1', firmwareVersion: 'V2.1', deviceType: 'bridge' }, orgSpecificTlvs: 1 });
    expect(pdus[9]).toMatchObject({ srcMac: '02:00:00:11:d0:02', ttl: 0, capabilities: { names: ['bridge', 'router'] } });
  });

  it('malformed.pcap: anomalies, and no PDU without them', async () => {
    const { pdus, report } = await replay('malformed.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(report.anomalies).toMatchObject({ 'lldp.truncated': 1, 'lldp.tlv_overrun': 2 }); // the cut TLV and the HTTP text
    expect(report.anomalies['lldp.missing_mandatory']).toBeGreaterThanOrEqual(2);
    for (const p of pdus) expect((p.anomalies as string[] | undefined)?.length).toBeGreaterThan(0);
  });
});

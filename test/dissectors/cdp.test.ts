// Frame tests for CDP (reached through 802.3 + LLC/SNAP, Cisco OUI, protocol id 0x2000). Real PDUs
// come from the samples file; the others are built TLV by TLV with the capture generator's builders
// (test/pcapgen/l2.ts), whose checksum is written apart from the dissector's, so each checks the other.
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Pdu } from '../../src/decode/types.js';
import { cdp, cdpChecksumOk } from '../../src/dissectors/cdp.js';
import { defaultRegistry } from '../../src/pipeline.js';
import { Sensor } from '../../src/sensor.js';
import { CDP_HUB, CDP_MULTICAST, CDP_NEIGHBOURS, cdpAddresses, cdpPdu, cdpTlv } from '../pcapgen/l2.js';
import { hex } from '../support/decode.js';
import { ethernet, inetChecksum } from '../support/frames.js';
import { ingestCapture } from '../support/pipeline.js';
import { samples } from './samples/cdp.js';

function run(payload: Buffer) {
  const out = { pdus: [] as Pdu[], anomalies: [] as string[] };
  decodeApp(cdp, payload, 0, undefined, { pdu: (p) => out.pdus.push(p), anomaly: (id) => out.anomalies.push(id) });
  return out;
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 255]);
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const deviceId = cdpTlv(0x0001, 'sw-1');

describe('CDP: real frames', () => {
  it('WS-C3560-24TS "S1": header, every TLV it sends, identity', () => {
    const r = run(hex(samples[0]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toHaveLength(1);
    expect(r.pdus[0]).toEqual({
      proto: 'cdp', kind: 'advertisement', role: 'notify', op: 'discovery', version: 2, ttl: 180,
      deviceId: 'S1', portId: 'FastEthernet0/13', platform: 'cisco WS-C3560-24TS',
      softwareVersion: 'Cisco IOS Software, C3560 Software (C3560-ADVIPSERVICESK9-M), Version 12.2(44)SE, RELEASE SOFTWARE (fc1)\n'
        + 'Copyright (c) 1986-2008 by Cisco Systems, Inc.\nCompiled Sat 05-Jan-08 00:15 by weiliu',
      capabilities: { bits: 0x28, names: ['switch', 'IGMP'] },
      addresses: [{ protocol: 'IPv4', address: '0.0.0.0' }], managementAddresses: [{ protocol: 'IPv4', address: '0.0.0.0' }],
      nativeVlan: 1, duplex: 'full', // the VTP domain TLV is empty: not reported
      powerAvailable: { requestId: 0, managementId: 1, milliwatts: [0, 0xffffffff] },
      identity: { name: 'S1', vendor: 'Cisco', model: 'WS-C3560-24TS', firmwareVersion: '12.2(44)SE', deviceType: 'switch' },
    });
  });

  it('WS-C3560G-24PS "S2"', () => {
    const r = run(hex(samples[1]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ deviceId: 'S2', portId: 'GigabitEthernet0/13', platform: 'cisco WS-C3560G-24PS', identity: { model: 'WS-C3560G-24PS' } });
  });

  it('an odd-length PDU ending in 0xff: the Cisco checksum rule, not RFC 1071 padding', () => {
    const b = hex(samples[2]!.hex);
    expect(b.length % 2).toBe(1);
    expect(b[b.length - 1]).toBe(0xff);
    expect(cdpChecksumOk(b)).toBe(true);
    expect(inetChecksum(b)).not.toBe(0); // RFC 1071 §2(B) would pad the last octet at the end
    const r = run(b);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({
      deviceId: 'Ns5gt', portId: 'GigabitEthernet1', nativeVlan: 3, addresses: [{ protocol: 'IPv4', address: '192.168.10.253' }],
      identity: { name: 'Ns5gt', vendor: 'Cisco', model: 'WS-CE500-24TT', firmwareVersion: '12.2(25)SEG4' },
    });
  });
});

describe('CDP: checksum', () => {
  it('even lengths are plain RFC 1071; odd ones put the last octet low, one less when its top bit is set', () => {
    for (const tail of [[], [0x41], [0x80], [0xdc], [0xff]]) {
      const p = cdpPdu([deviceId, cdpTlv(0x7777, Buffer.from(tail))]);
      expect(cdpChecksumOk(p), `tail ${tail}`).toBe(true);
      expect(run(p).anomalies).toEqual([]);
      const bad = Buffer.from(p);
      bad[bad.length - 1]! ^= 0x01;
      if (tail.length) expect(cdpChecksumOk(bad)).toBe(false);
    }
  });
});

describe('CDP: built TLVs', () => {
  it('every decoded TLV', () => {
    const p = cdpPdu([
      cdpTlv(0x0001, 'plant-sw-1'),
      cdpTlv(0x0002, cdpAddresses(['10.0.0.3', 'fd00::3'])),
      cdpTlv(0x0003, 'GigabitEthernet1/1'),
      cdpTlv(0x0004, u32(0x7ff)),
      cdpTlv(0x0005, 'Cisco IOS Software, IE3000 Software, Version 15.0(2)EY\nCompiled ...'),
      cdpTlv(0x0006, 'cisco IE-3000-8TC'),
      cdpTlv(0x0008, Buffer.from('00000c0112', 'hex')), // protocol hello: skipped
      cdpTlv(0x0009, 'PLANT'),
      cdpTlv(0x000a, u16(10)),
      cdpTlv(0x000b, Buffer.from([0])),
      cdpTlv(0x000e, Buffer.from([1, 0, 20])),
      cdpTlv(0x0010, u16(6300)),
      cdpTlv(0x0011, u32(1500)),
      cdpTlv(0x0014, 'plant-sw-1.example.net'),
      cdpTlv(0x0016, cdpAddresses(['10.0.0.3'])),
      cdpTlv(0x0019, Buffer.concat([u16(7), u16(1), u32(15400)])),
      cdpTlv(0x001a, Buffer.concat([u16(7), u16(1), u32(15400), u32(30000)])),
      cdpTlv(0x1001, 'serial'), // unknown: skipped by length
    ], 120);
    const r = run(p);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toEqual({
      proto: 'cdp', kind: 'advertisement', role: 'notify', op: 'discovery', version: 2, ttl: 120,
      deviceId: 'plant-sw-1', portId: 'GigabitEthernet1/1', platform: 'cisco IE-3000-8TC',
      softwareVersion: 'Cisco IOS Software, IE3000 Software, Version 15.0(2)EY\nCompiled ...',
      addresses: [{ protocol: 'IPv4', address: '10.0.0.3' }, { protocol: 'IPv6', address: 'fd00::3' }],
      managementAddresses: [{ protocol: 'IPv4', address: '10.0.0.3' }],
      capabilities: {
        bits: 0x7ff,
        names: ['router', 'transparent bridge', 'source route bridge', 'switch', 'host', 'IGMP', 'repeater', 'VoIP phone',
          'remotely managed device', 'CVTA/STP dispute resolution/camera', 'two-port MAC relay'],
      },
      vtpDomain: 'PLANT', nativeVlan: 10, duplex: 'half', voiceVlan: 20, powerConsumption: 6300, mtu: 1500,
      systemName: 'plant-sw-1.example.net',
      powerRequested: { requestId: 7, managementId: 1, milliwatts: [15400] },
      powerAvailable: { requestId: 7, managementId: 1, milliwatts: [15400, 30000] },
      identity: {
        name: 'plant-sw-1', vendor: 'Cisco', model: 'IE-3000-8TC', firmwareVersion: '15.0(2)EY',
        deviceType: 'router, switch, transparent bridge, source route bridge, VoIP phone, repeater, host',
      },
    });
  });

  it('address entries of other protocols keep their protocol bytes and address in hex', () => {
    const entries = Buffer.concat([
      u32(3),
      Buffer.from([1, 1, 0x81]), u16(3), Buffer.from([0x49, 0x00, 0x01]), // NLPID CLNS
      Buffer.from([2, 8, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x81, 0x37]), u16(2), Buffer.from([0xab, 0xcd]), // 802.2 IPX
      Buffer.from([9, 1, 0x42]), u16(1), Buffer.from([7]), // unknown protocol type
    ]);
    const r = run(cdpPdu([deviceId, cdpTlv(0x0002, entries)]));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]!.addresses).toEqual([{ protocol: 'CLNS', address: '490001' }, { protocol: 'IPX', address: 'abcd' }, { protocol: '9:42', address: '07' }]);
  });

  it('CDPv1 from a device that names no vendor: no vendor claimed, no firmware guessed', () => {
    const r = run(cdpPdu([cdpTlv(0x0001, 'lab-host'), cdpTlv(0x0006, 'Linux'), cdpTlv(0x0005, 'ladvd 1.1'), cdpTlv(0x0004, u32(0x10))], 60, 1));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ version: 1, ttl: 60, identity: { name: 'lab-host', model: 'Linux', deviceType: 'host' } });
    expect((r.pdus[0]!.identity as Record<string, unknown>).vendor).toBeUndefined();
    expect((r.pdus[0]!.identity as Record<string, unknown>).firmwareVersion).toBeUndefined();
  });
});

describe('CDP: malformed', () => {
  it('not CDP: a version other than 1 or 2 gives no PDU', () => {
    expect(run(Buffer.from('GET / HTTP/1.1\r\n\r\n'))).toEqual({ pdus: [], anomalies: ['cdp.bad_version'] });
  });

  it('a header cut short: no PDU; a TLV header cut short: the TLVs before it', () => {
    expect(run(Buffer.from([2, 180, 0]))).toEqual({ pdus: [], anomalies: ['cdp.truncated'] });
    const cut = run(Buffer.concat([cdpPdu([deviceId]), Buffer.from([0, 3])]));
    expect(cut.anomalies).toEqual(['cdp.truncated']); // and no checksum verdict on a cut PDU
    expect(cut.pdus[0]).toMatchObject({ deviceId: 'sw-1', anomalies: ['cdp.truncated'] });
  });

  it('a wrong checksum is flagged on the PDU', () => {
    const p = Buffer.from(cdpPdu([deviceId, cdpTlv(0x0003, 'Fa0/1')]));
    p.writeUInt16BE(p.readUInt16BE(2) ^ 0x8000, 2);
    const r = run(p);
    expect(r.anomalies).toEqual(['cdp.bad_checksum']);
    expect(r.pdus[0]).toMatchObject({ deviceId: 'sw-1', portId: 'Fa0/1', anomalies: ['cdp.bad_checksum'] });
  });

  it('a TLV running past the frame, or shorter than its own header, stops the walk', () => {
    const good = cdpPdu([deviceId, cdpTlv(0x0006, 'cisco WS-C2960')]);
    const over = run(good.subarray(0, good.length - 3));
    expect(over.anomalies).toEqual(['cdp.tlv_overrun']);
    expect(over.pdus[0]!.platform).toBeUndefined();
    const short = run(cdpPdu([deviceId, Buffer.from([0, 6, 0, 3]), cdpTlv(0x0003, 'Fa0/1')]));
    expect(short.anomalies).toEqual(['cdp.bad_tlv_length']);
    expect(short.pdus[0]!.portId).toBeUndefined();
  });

  it('fixed-size TLVs of the wrong size and address lists that do not fit are skipped', () => {
    for (const t of [cdpTlv(0x0004, u16(0x28)), cdpTlv(0x000a, Buffer.from([1])), cdpTlv(0x000b, u16(1)), cdpTlv(0x000e, u16(20)),
      cdpTlv(0x0010, u32(1)), cdpTlv(0x0011, u16(1)), cdpTlv(0x001a, Buffer.from([0, 0, 0])),
      cdpTlv(0x0002, Buffer.concat([u32(2), Buffer.from([1, 1, 0xcc]), u16(4), Buffer.from([10, 0, 0, 1])])),
      cdpTlv(0x0016, Buffer.from([0, 0]))]) {
      const r = run(cdpPdu([deviceId, t, cdpTlv(0x0003, 'Fa0/1')]));
      expect(r.anomalies, t.toString('hex')).toEqual(['cdp.bad_tlv_length']);
      expect(r.pdus[0]).toMatchObject({ deviceId: 'sw-1', portId: 'Fa0/1' }); // the walk goes on
    }
  });

  it('bounds: 32 addresses per TLV, 64 TLVs per frame', () => {
    const many = Array.from({ length: 40 }, (_, i) => `10.0.1.${i}`);
    const a = run(cdpPdu([deviceId, cdpTlv(0x0002, cdpAddresses(many))]));
    expect(a.anomalies).toEqual(['cdp.too_many_addresses']);
    expect(a.pdus[0]!.addresses).toHaveLength(32);
    const t = run(cdpPdu([deviceId, ...Array.from({ length: 80 }, () => cdpTlv(0x7fff, Buffer.alloc(0))), cdpTlv(0x0003, 'Fa0/1')]));
    expect(t.anomalies).toEqual(['cdp.too_many_tlvs']);
    expect(t.pdus[0]!.portId).toBeUndefined();
  });

  it('no device id: anomalies only', () => {
    expect(run(cdpPdu([cdpTlv(0x0003, 'Fa0/1'), cdpTlv(0x0006, 'cisco WS-C2960')]))).toEqual({ pdus: [], anomalies: ['cdp.missing_device_id'] });
  });
});

describe('CDP through the pipeline', () => {
  it('an 802.3 frame with LLC/SNAP (00-00-0C, 0x2000) yields the advertisement with the sender MAC', () => {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu: (p, flow) => { expect(flow).toBeNull(); pdus.push(p); } };
    const sensor = new Sensor({ registry: defaultRegistry(), analyzers: [collect] });
    const body = Buffer.concat([hex('aa aa 03 00 00 0c 20 00'), hex(samples[0]!.hex)]);
    const frame = ethernet({ dst: CDP_MULTICAST, src: '00:18:ba:98:68:8f', etherType: body.length, payload: body });
    sensor.ingest({ buf: frame, count: 1, off: Int32Array.of(0), len: Int32Array.of(frame.length), origLen: Int32Array.of(frame.length), ts: Float64Array.of(1.7e15), linkType: Int32Array.of(1) });
    sensor.finish();
    expect(pdus).toHaveLength(1);
    expect(pdus[0]).toMatchObject({ proto: 'cdp', srcMac: '00:18:ba:98:68:8f', dstMac: CDP_MULTICAST, deviceId: 'S1' });
    expect(sensor.stats().protocols).toMatchObject({ eth: 1, llc: 1, cdp: 1 });
    expect(sensor.stats().anomalies).toEqual({});
  });
});

describe('cdp generated captures through the pipeline (test/pcapgen/l2.ts)', () => {
  it('neighbours.pcap: a switch, a router, a phone and a padded CDPv1 hub every 60 s, beside spanning tree', async () => {
    const { pdus, report } = await ingestCapture('cdp/neighbours.pcap');
    expect(report.anomalies).toEqual({}); // BPDUs and Ethernet padding raise nothing
    expect(report.protocols).toMatchObject({ eth: 15, llc: 15, cdp: 12 });
    const cdps = pdus.filter((p) => p.proto === 'cdp');
    expect(cdps).toHaveLength(12);
    expect(new Set(cdps.map((p) => `${p.srcMac} ${p.deviceId} ${p.portId ?? '-'}`))).toEqual(new Set([
      ...CDP_NEIGHBOURS.map((n) => `${n.mac} ${n.deviceId} ${n.port}`), `${CDP_HUB.mac} ${CDP_HUB.deviceId} -`,
    ]));
    expect(cdps[0]).toMatchObject({
      systemName: 'plant-sw-1', vtpDomain: 'PLANT', nativeVlan: 10,
      addresses: [{ protocol: 'IPv4', address: '192.168.0.3' }, { protocol: 'IPv6', address: 'fd00::3' }],
      identity: { name: 'plant-sw-1.example.net', vendor: 'Cisco', model: 'IE-3000-8TC', firmwareVersion: '15.0(2)EY', deviceType: 'switch' },
    });
    expect(cdps[2]).toMatchObject({ voiceVlan: 20, powerConsumption: 6300, identity: { deviceType: 'VoIP phone, host' } });
    expect(cdps[3]).toMatchObject({ version: 1, mtu: 1500, capabilities: { names: ['repeater'] } }); // odd length ending 0xdc, padded
  });

  it('malformed.pcap: anomalies, and no PDU without them', async () => {
    const { pdus, report } = await ingestCapture('cdp/malformed.pcap');
    expect(report.anomalies).toEqual({
      'eth.length_exceeds_frame': 1, 'llc.truncated': 1, 'cdp.truncated': 1, 'cdp.bad_version': 1, 'cdp.bad_checksum': 1,
      'cdp.tlv_overrun': 1, 'cdp.bad_tlv_length': 3, 'cdp.too_many_tlvs': 1, 'cdp.missing_device_id': 1,
    });
    const cdps = pdus.filter((p) => p.proto === 'cdp');
    expect(cdps).toHaveLength(6);
    for (const p of cdps) expect((p.anomalies as string[] | undefined)?.length).toBeGreaterThan(0);
  });
});

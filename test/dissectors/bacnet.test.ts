// BACnet/IP frame tests (ASHRAE 135 Annex J, clauses 6, 20, 21): one datagram per message type,
// inline hex with its origin, whole-PDU assertions; malformed datagrams give anomalies and no PDU;
// the generated captures (test/pcapgen/bacnet.ts) run through the real pipeline.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Pdu } from '../../src/decode/types.js';
import { bacnet } from '../../src/dissectors/bacnet.js';
import { dissectors } from '../../src/dissectors/index.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import * as gen from '../pcapgen/bacnet.js';
import { hex } from '../support/decode.js';
import { ROOT } from '../support/env.js';
import { samples } from './samples/bacnet.js';

function run(h: string | Buffer, dir: 0 | 1 = 0) {
  const out = { pdus: [] as Pdu[], anomalies: [] as string[] };
  decodeApp(bacnet, typeof h === 'string' ? hex(h) : h, dir, undefined, { pdu: (p) => out.pdus.push(p), anomaly: (a) => out.anomalies.push(a) });
  return out;
}

function one(h: string | Buffer, dir: 0 | 1 = 0): Record<string, unknown> {
  const r = run(h, dir);
  expect(r.anomalies).toEqual([]);
  expect(r.pdus).toHaveLength(1);
  return r.pdus[0]!;
}

/** Sets the BVLC length to the datagram's, for hand-written cases about other fields. */
function fixLen(h: string): string {
  const b = hex(h);
  if (b.length >= 4) b.writeUInt16BE(b.length, 2);
  return b.toString('hex');
}

const sample = (note: string) => samples.find((s) => s.note.startsWith(note))!.hex;

describe('bacnet: probe', () => {
  it('says yes to every sample and no to other datagrams', () => {
    for (const s of samples) expect(bacnet.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(bacnet.probe!(hex('810a00'), 0)).toBe('no');
    expect(bacnet.probe!(hex('820a000a0100100800'), 0)).toBe('no');      // BACnet/IPv6
    expect(bacnet.probe!(hex('810a00200100000501'), 0)).toBe('no');      // length past the datagram
    expect(bacnet.probe!(hex('81200004'), 0)).toBe('no');                // undefined function
    expect(bacnet.probe!(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe('no');
  });
});

describe('bacnet: frames', () => {
  it('Who-Is with a range (Original-Broadcast-NPDU)', () => {
    // built by test/pcapgen/bacnet.ts: BVLC 0b, NPDU 01 00, APDU 10 08, [0]=1000 [1]=1999
    expect(one(sample('Original-Broadcast Who-Is'))).toEqual({
      proto: 'bacnet', kind: 'who_is', role: 'notify', functionCode: 8, functionName: 'Who-Is', op: 'discovery',
      apduType: 1, lowLimit: 1000, highLimit: 1999, bvlcFunction: 0x0b,
    });
  });

  it('I-Am: device instance, max APDU, segmentation, vendor and its identity', () => {
    expect(one(sample('I-Am device 1201'), 1)).toEqual({
      proto: 'bacnet', kind: 'i_am', role: 'notify', functionCode: 0, functionName: 'I-Am', op: 'discovery', apduType: 1,
      objectType: 8, objectTypeName: 'device', instance: 1201, deviceInstance: 1201, maxApdu: 1476,
      segmentation: 'segmented-both', vendorId: 24, vendor: 'Automated Logic Corporation', bvlcFunction: 0x0b,
      identity: { deviceInstance: 1201, vendorId: 24, vendor: 'Automated Logic Corporation', maxApdu: 1476, segmentation: 'segmented-both', deviceType: 'bacnet-device' },
    });
  });

  it('routed I-Am: SNET/SADR name the device behind the router', () => {
    const p = one(sample('routed I-Am'), 1);
    expect(p).toMatchObject({ kind: 'i_am', deviceInstance: 5012, vendorId: 8, snet: 5, sadr: '0c' });
    expect(p.identity).toMatchObject({ deviceInstance: 5012, vendor: 'Delta Controls', about: 'bacnet:5:0c' });
  });

  it('Forwarded-NPDU: the BBMD relays an I-Am with the originator address', () => {
    const p = one(sample('Forwarded-NPDU'), 1);
    expect(p).toMatchObject({ kind: 'i_am', deviceInstance: 7007, bvlcFunction: 4, origin: '198.51.100.7:47808' });
    expect(p.identity).toMatchObject({ about: '198.51.100.7:47808' });
  });

  it('ReadProperty request and ACK with object-name; the ACK names the device', () => {
    expect(one(sample('ReadProperty device,1201'))).toEqual({
      proto: 'bacnet', kind: 'read_property_request', role: 'request', functionCode: 12, functionName: 'ReadProperty',
      op: 'read', invokeId: 1, apduType: 0, maxApdu: 1476, objectType: 8, objectTypeName: 'device', instance: 1201,
      property: 77, propertyName: 'object-name', bvlcFunction: 0x0a,
    });
    expect(one(sample('ReadProperty-ACK'), 1)).toEqual({
      proto: 'bacnet', kind: 'read_property_ack', role: 'response', functionCode: 12, functionName: 'ReadProperty',
      op: 'read', invokeId: 1, apduType: 3, objectType: 8, objectTypeName: 'device', instance: 1201, property: 77,
      propertyName: 'object-name', value: 'AHU-1 Controller', objectName: 'AHU-1 Controller', bvlcFunction: 0x0a,
      identity: { deviceInstance: 1201, name: 'AHU-1 Controller' },
    });
  });

  it('ReadPropertyMultiple request and ACK', () => {
    const frames = gen.discoveryCapture();
    const rpm = frames[10]!.data.subarray(42);
    const ack = frames[11]!.data.subarray(42);
    expect(one(rpm).objects).toEqual([{ objectType: 8, objectTypeName: 'device', instance: 1202,
      properties: [{ property: 77, propertyName: 'object-name' }, { property: 121, propertyName: 'vendor-name' }] }]);
    const a = one(ack, 1);
    expect(a).toMatchObject({ kind: 'read_property_multiple_ack', objectName: 'Boiler Plant' });
    expect(a.identity).toEqual({ deviceInstance: 1202, name: 'Boiler Plant', vendor: 'Example Controls' });
  });

  it('WriteProperty with value and priority; SimpleACK', () => {
    expect(one(sample('WriteProperty'))).toMatchObject({
      kind: 'write_property_request', op: 'write', invokeId: 10, objectType: 1, objectTypeName: 'analog-output', instance: 1,
      property: 85, propertyName: 'present-value', value: 42.5, writePriority: 8,
    });
    expect(one(sample('SimpleACK WriteProperty'), 1)).toEqual({
      proto: 'bacnet', kind: 'write_property_simple_ack', role: 'response', functionCode: 15, functionName: 'WriteProperty',
      op: 'write', invokeId: 10, apduType: 2, bvlcFunction: 0x0a,
    });
  });

  it('ReinitializeDevice: state, and only that a password was sent', () => {
    const p = one(sample('ReinitializeDevice warmstart'));
    expect(p).toMatchObject({ kind: 'reinitialize_device_request', op: 'control', functionName: 'ReinitializeDevice', state: 'warmstart', stateCode: 1, password: true });
    expect(JSON.stringify(p)).not.toContain('secret');
  });

  it('DeviceCommunicationControl disable with a duration', () => {
    expect(one(sample('DeviceCommunicationControl'))).toMatchObject({
      kind: 'device_communication_control_request', op: 'control', state: 'disable', stateCode: 1, durationMinutes: 60,
    });
  });

  it('Error, Reject and Abort carry their codes and names', () => {
    expect(one(sample('Error services'), 1)).toMatchObject({
      kind: 'error', functionName: 'ReinitializeDevice', invokeId: 13, exception: { code: 26, name: 'services: password-failure' },
      error: { class: 5, code: 26, className: 'services', codeName: 'password-failure' },
    });
    expect(one(sample('Reject'), 1)).toMatchObject({ kind: 'reject', invokeId: 14, reject: { reason: 9, name: 'unrecognized-service' } });
    expect(one(sample('Abort'), 1)).toMatchObject({ kind: 'abort', invokeId: 15, abort: { reason: 4, name: 'segmentation-not-supported', server: true } });
  });

  it('BVLC-only messages and network-layer messages', () => {
    expect(one(sample('Register-Foreign-Device'))).toMatchObject({ kind: 'register_foreign_device', functionCode: 5, ttl: 300, op: 'session' });
    expect(one('81000006 0000')).toMatchObject({ kind: 'bvlc_result', role: 'response', resultCode: 0 });
    expect(one(sample('network layer'))).toMatchObject({ kind: 'network_message', functionCode: 0, functionName: 'Who-Is-Router-To-Network' });
    // I-Am-Router-To-Network for networks 5 and 6
    expect(one(fixLen('810b0000 0180 01 0005 0006'))).toMatchObject({ functionName: 'I-Am-Router-To-Network', networks: [5, 6] });
  });

  it('Who-Has by name, I-Have, TimeSynchronization', () => {
    const f = gen.discoveryCapture().map((p) => p.data.subarray(42));
    expect(one(f[14]!)).toMatchObject({ kind: 'who_has', objectName: 'OAT Sensor' });
    expect(one(f[15]!, 1)).toMatchObject({ kind: 'i_have', deviceInstance: 1202, objectType: 0, instance: 3, objectName: 'OAT Sensor' });
    expect(one(f[16]!)).toMatchObject({ kind: 'time_synchronization', op: 'diagnostic', time: '2026-01-01T00:00:05.00' });
  });

  it('SubscribeCOV, AtomicReadFile and a routed request (DNET/DADR, hop count)', () => {
    const { T } = gen;
    // SubscribeCOV: process 18, analog-input 3, issueConfirmedNotifications TRUE (context Boolean), lifetime 300 s
    const cov = gen.bip(gen.confirmed(20, 5, T.ctxUnsigned(0, 18), T.ctxObject(1, 0, 3), T.ctxUnsigned(2, 1), T.ctxUnsigned(3, 300)));
    expect(one(cov)).toMatchObject({ kind: 'subscribe_cov_request', processId: 18, objectTypeName: 'analog-input', instance: 3, confirmed: true, lifetime: 300 });
    const cancel = gen.bip(gen.confirmed(21, 5, T.ctxUnsigned(0, 18), T.ctxObject(1, 0, 3)));
    expect(one(cancel)).toMatchObject({ kind: 'subscribe_cov_request', cancel: true });
    // AtomicReadFile of file 2, stream access from 0 for 480 octets
    const arf = gen.bip(gen.confirmed(22, 6, T.appObject(10, 2), T.open(0), Buffer.from('3100', 'hex'), T.appUnsigned(480), T.close(0)));
    expect(one(arf)).toMatchObject({ kind: 'atomic_read_file_request', op: 'read', objectTypeName: 'file', instance: 2 });
    const routed = gen.bvlc(gen.BVLC.UNICAST, Buffer.concat([
      gen.npdu({ dnet: 5, dadr: Buffer.from([0x0c]), expectingReply: true }), gen.readProperty(23, 8, 5012, 77)]));
    expect(one(routed)).toMatchObject({ kind: 'read_property_request', dnet: 5, dadr: '0c', hopCount: 255, instance: 5012 });
  });

  it('network-layer rejects, proprietary messages and BDT reads', () => {
    // Reject-Message-To-Network: reason 1 (no route), network 9
    expect(one(fixLen('810a0000 0180 03 01 0009'))).toMatchObject({ functionName: 'Reject-Message-To-Network', reason: 1, network: 9 });
    // vendor-proprietary message type 0x80 from vendor 24
    expect(one(fixLen('810a0000 0180 80 0018'))).toMatchObject({ functionName: 'Proprietary-128', vendorId: 24 });
    // Read-Broadcast-Distribution-Table-Ack with one entry 192.0.2.30:47808 / 255.255.255.255
    expect(one(fixLen('81030000 c000021e bac0 ffffffff'), 1)).toMatchObject({ kind: 'read_bdt_ack', entries: ['192.0.2.30:47808'] });
  });

  it('segmented requests are reported without decoding the partial body', () => {
    // confirmed request, SEG+MOR, invoke 7, sequence 0, window 4, ReadPropertyMultiple, first bytes of the body
    expect(one(fixLen('810a0000 0100 0c05 07 00 04 0e 0c020004'))).toMatchObject({
      kind: 'read_property_multiple_request', segmented: true, sequence: 0, moreFollows: true, invokeId: 7,
    });
  });

  it('a miscounted BVLC length is flagged, and the datagram still decoded as UDP delimits it', () => {
    // ReinitializeDevice whose BVLC length (0x11) leaves out the password, as in a public synthetic capture
    const r = run('810a0011 0104 0005 01 14 0906 1d0b0044656c63617474793730');
    expect(r.anomalies).toEqual(['bacnet.bad_bvlc_length']);
    expect(r.pdus[0]).toMatchObject({ kind: 'reinitialize_device_request', state: 'abort-restore', password: true });
  });
});

describe('bacnet: malformed datagrams give anomalies, never PDUs', () => {
  const cases: Array<[string, string, string[]]> = [
    ['not BVLC', Buffer.from('HELLO 47808\r\n').toString('hex'), ['bacnet.bad_bvlc_type']],
    ['BACnet/IPv6 BVLC', '820a000a0100100800', ['bacnet.bad_bvlc_type']],
    ['length past the datagram, body cut', '810a00200100000501', ['bacnet.bad_bvlc_length', 'bacnet.truncated']],
    ['length below the header', '810a0002010010 08', ['bacnet.bad_bvlc_length']],
    ['BVLC header cut', '810a00', ['bacnet.truncated']],
    ['unknown BVLC function', '81200004', ['bacnet.unknown_bvlc_function']],
    ['NPDU version 2', fixLen('810a000802001008'), ['bacnet.bad_npdu_version']],
    ['NPDU reserved control bits', fixLen('810a000801401008'), ['bacnet.bad_npdu']],
    ['routed source with SLEN 0', fixLen('810a000c0108000500 1008'), ['bacnet.bad_npdu']],
    ['reserved APDU type 9', fixLen('810a0007010090'), ['bacnet.bad_apdu_type']],
    ['I-Am with an unsigned where the object id belongs', fixLen('810b0014 0100 1000 2204b1 2205c4 9100 2118'), ['bacnet.bad_tag']],
    ['ReadProperty missing its property', fixLen('810a000d 0104 0005010c 0c020004b1'), ['bacnet.truncated']],
    ['WriteProperty value never closed', fixLen('810a0014 0104 0005010f 0c00400001 1955 3e 4400'), ['bacnet.truncated']],
    ['opening tag in the application class', fixLen('810a000c 0104 0005010c 0e'), ['bacnet.bad_tag']],
    ['I-Am object id of 3 octets', fixLen('810b0013 0100 1000 c3020004 2205c4 9100 2118'), ['bacnet.bad_tag']],
  ];
  for (const [name, h, anomalies] of cases) {
    it(name, () => {
      const r = run(h);
      expect(r.pdus).toEqual([]);
      expect(r.anomalies).toEqual(anomalies);
    });
  }
});

describe('bacnet: generated captures through the pipeline', () => {
  const registered = dissectors.some((d) => d.id === 'bacnet');
  async function ingest(path: string) {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu: (p) => { if (p.proto === 'bacnet') pdus.push(p); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', path)] }).run();
    return { pdus, anomalies: Object.fromEntries(Object.entries(report.anomalies).filter(([k]) => k.startsWith('bacnet.'))) };
  }
  const have = (p: string) => existsSync(join(ROOT, 'pcaps', p));

  it.skipIf(!registered || !have('bacnet/discovery-and-reads.pcap'))('discovery-and-reads.pcap', async () => {
    const r = await ingest('bacnet/discovery-and-reads.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.map((p) => p.kind)).toEqual([
      'who_is', 'i_am', 'i_am', 'i_am', 'read_property_request', 'read_property_ack', 'read_property_request', 'read_property_ack',
      'read_property_request', 'read_property_ack', 'read_property_multiple_request', 'read_property_multiple_ack',
      'read_property_request', 'error', 'who_has', 'i_have', 'time_synchronization',
    ]);
    expect(r.pdus.filter((p) => p.kind === 'i_am').map((p) => `${p.deviceInstance}/${p.vendorId}`)).toEqual(['1201/24', '1202/5', '5012/8']);
    expect(r.pdus.flatMap((p) => (p.identity as { model?: string; firmwareVersion?: string } | undefined)?.model ?? [])).toEqual(['OF683-EXAMPLE']);
    expect(r.pdus.find((p) => p.kind === 'error')).toMatchObject({ error: { className: 'property', codeName: 'unknown-property' } });
  });

  it.skipIf(!registered || !have('bacnet/control-and-errors.pcap'))('control-and-errors.pcap', async () => {
    const r = await ingest('bacnet/control-and-errors.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.map((p) => p.kind)).toEqual([
      'write_property_request', 'write_property_simple_ack', 'reinitialize_device_request', 'reinitialize_device_simple_ack',
      'device_communication_control_request', 'device_communication_control_simple_ack', 'reinitialize_device_request', 'error',
      'unknown_service_request', 'reject', 'read_property_request', 'abort', 'register_foreign_device', 'bvlc_result', 'i_am',
    ]);
    expect(r.pdus.filter((p) => p.op === 'control' && p.role === 'request').length).toBe(3);
  });

  it.skipIf(!registered || !have('bacnet/not-bacnet-on-47808.pcap'))('not-bacnet-on-47808.pcap: anomalies and no PDUs', async () => {
    const r = await ingest('bacnet/not-bacnet-on-47808.pcap');
    expect(r.pdus).toEqual([]);
    expect(r.anomalies).toEqual({
      'bacnet.bad_bvlc_type': 2, 'bacnet.bad_bvlc_length': 1, 'bacnet.truncated': 1, 'bacnet.bad_npdu_version': 1,
      'bacnet.bad_apdu_type': 1, 'bacnet.bad_tag': 1, 'bacnet.unknown_bvlc_function': 1,
    });
  });

  it('the generator is deterministic', () => {
    for (const make of Object.values(gen.CAPTURES)) {
      expect(Buffer.concat(make().map((p) => p.data))).toEqual(Buffer.concat(make().map((p) => p.data)));
    }
  });
});

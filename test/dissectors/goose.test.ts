// Frame tests for IEC 61850 GOOSE (IEC 61850-8-1 Annex A and C). Real frames come from the samples
// file; the others are built here with a minimal BER encoder (definite short/long lengths).
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
import { goose } from '../../src/dissectors/goose.js';
import { Sensor } from '../../src/sensor.js';
import { hex } from '../support/decode.js';
import { ethernet } from '../support/frames.js';
import { samples } from './samples/goose.js';
import { GOOSE_PUB, GOOSE_SEQUENCE, gooseCaptures } from '../pcapgen/l2.js';

gooseCaptures(); // fills GOOSE_SEQUENCE, the sequence the capture was written from

function run(payload: Buffer) {
  const out = { pdus: [] as Pdu[], anomalies: [] as string[] };
  decodeApp(goose, payload, 0, undefined, { pdu: (p) => out.pdus.push(p), anomaly: (id) => out.anomalies.push(id) });
  return out;
}

/** BER TLV with a definite length (short form below 128, else 0x81/0x82). */
export function ber(tag: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const len = v.length < 0x80 ? Buffer.from([v.length]) : v.length < 0x100 ? Buffer.from([0x81, v.length]) : Buffer.from([0x82, v.length >> 8, v.length & 255]);
  return Buffer.concat([Buffer.from([tag]), len, v]);
}

/** Minimal two's-complement INTEGER content. */
export function berUint(n: number): Buffer {
  const bytes: number[] = [];
  do { bytes.unshift(n & 0xff); n = Math.floor(n / 256); } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

export interface GooseFields {
  appid?: number; gocbRef?: string; datSet?: string; goID?: string; stNum: number; sqNum: number; confRev?: number;
  entries?: number; numDatSetEntries?: number; simulation?: boolean; omit?: number[];
}

/** APPID, Length, Reserved 1/2, then goosePdu [APPLICATION 1] with fields [0]..[11] in order. */
export function goosePayload(f: GooseFields): Buffer {
  const entries = f.entries ?? 2;
  const fields: Array<[number, Buffer]> = [
    [0x80, Buffer.from(f.gocbRef ?? 'IED1LD0/LLN0$GO$gcb01')],
    [0x81, berUint(2000)],
    [0x82, Buffer.from(f.datSet ?? 'IED1LD0/LLN0$DS1')],
    [0x83, Buffer.from(f.goID ?? 'IED1_GOOSE1')],
    [0x84, Buffer.from('659200800000000a', 'hex')], // 2024-01-01T00:00:00Z, quality 0x0a
    [0x85, berUint(f.stNum)],
    [0x86, berUint(f.sqNum)],
    [0x87, Buffer.from([f.simulation ? 0xff : 0])],
    [0x88, berUint(f.confRev ?? 1)],
    [0x89, Buffer.from([0])],
    [0x8a, berUint(f.numDatSetEntries ?? entries)],
    [0xab, Buffer.concat(Array.from({ length: entries }, (_, i) => ber(0x83, Buffer.from([i & 1]))))],
  ];
  const apdu = ber(0x61, Buffer.concat(fields.filter(([t]) => !(f.omit ?? []).includes(t)).map(([t, v]) => ber(t, v))));
  const h = Buffer.alloc(8);
  h.writeUInt16BE(f.appid ?? 0x0001, 0);
  h.writeUInt16BE(8 + apdu.length, 2);
  return Buffer.concat([h, apdu]);
}

describe('GOOSE: real frames', () => {
  it('ABB IED "InterlockingA": every goosePdu field', () => {
    const r = run(hex(samples[0]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'goose', kind: 'publish', role: 'notify', op: 'write', functionName: 'GOOSE', appid: 0x3001, length: 226,
      simulateBit: false, reserved1: 0, reserved2: 0,
      gocbRef: 'AA1C1Q01A1LD0/LLN0$GO$gcb_A', timeAllowedToLive: 11000, datSet: 'AA1C1Q01A1LD0/LLN0$InterlockingA', goID: 'InterlockingA',
      t: 1216384468149, timeQuality: 10, stNum: 5867, sqNum: 0, simulation: false, confRev: 1, ndsCom: false, numDatSetEntries: 25, allDataCount: 25,
    }]);
  });

  it('GE Multilin UR GoCB01', () => {
    const r = run(hex(samples[1]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ appid: 100, gocbRef: 'UR89_840Master/LLN0$GO$GoCB01', goID: 'TxGOOSE1_89', stNum: 594614, confRev: 10, numDatSetEntries: 2, allDataCount: 2 });
  });
});

describe('GOOSE: built frames', () => {
  it('round trip of the builder, long-form lengths and 32-bit counters', () => {
    const r = run(goosePayload({ stNum: 0xfffffffe, sqNum: 70000, entries: 60, simulation: true, appid: 0x8001 }));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ appid: 0x8001, stNum: 0xfffffffe, sqNum: 70000, simulation: true, allDataCount: 60, t: 1704067200000, timeQuality: 10 });
  });

  it('absent optional fields: goID missing, simulation/ndsCom default to false', () => {
    const r = run(goosePayload({ stNum: 1, sqNum: 1, omit: [0x83, 0x87, 0x89] }));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]!.goID).toBeUndefined();
    expect(r.pdus[0]).toMatchObject({ simulation: false, ndsCom: false });
  });

  it('Ethernet padding after Length is ignored', () => {
    const r = run(Buffer.concat([goosePayload({ stNum: 3, sqNum: 4 }), Buffer.alloc(20)]));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ stNum: 3, sqNum: 4 });
  });
});

describe('GOOSE: malformed frames', () => {
  it('Length below 8 or beyond the frame: anomaly, no PDU', () => {
    const p = goosePayload({ stNum: 1, sqNum: 1 });
    const short = Buffer.from(p); short.writeUInt16BE(4, 2);
    expect(run(short)).toEqual({ pdus: [], anomalies: ['goose.bad_length'] });
    expect(run(p.subarray(0, p.length - 10))).toEqual({ pdus: [], anomalies: ['goose.bad_length'] });
    expect(run(p.subarray(0, 5))).toEqual({ pdus: [], anomalies: ['goose.truncated'] });
  });

  it('not a goosePdu, indefinite or overrunning BER lengths', () => {
    const p = goosePayload({ stNum: 1, sqNum: 1 });
    const tag = Buffer.from(p); tag[8] = 0x62;
    expect(run(tag)).toEqual({ pdus: [], anomalies: ['goose.bad_tag'] });
    const indef = Buffer.concat([p.subarray(0, 8), Buffer.from([0x61, 0x80, 0x80, 0x01, 0x41, 0, 0])]);
    indef.writeUInt16BE(indef.length, 2);
    expect(run(indef)).toEqual({ pdus: [], anomalies: ['goose.ber_invalid'] });
    // gocbRef decoded, then an element claiming more bytes than its SEQUENCE holds
    const over = Buffer.concat([p.subarray(0, 8), ber(0x61, Buffer.concat([ber(0x80, 'A/LLN0$GO$x'), Buffer.from([0x81, 0x7f, 1])]))]);
    over.writeUInt16BE(over.length, 2);
    const r = run(over);
    expect(r.anomalies).toEqual(['goose.ber_invalid', 'goose.missing_field']);
    expect(r.pdus[0]).toMatchObject({ gocbRef: 'A/LLN0$GO$x', anomalies: ['goose.ber_invalid', 'goose.missing_field'] });
  });

  it('missing mandatory fields and an entry count that disagrees with allData', () => {
    const miss = run(goosePayload({ stNum: 1, sqNum: 1, omit: [0x85, 0x88] }));
    expect(miss.anomalies).toEqual(['goose.missing_field']);
    expect(miss.pdus[0]!.missingFields).toEqual(['stNum', 'confRev']);
    expect(run(goosePayload({ stNum: 1, sqNum: 1, omit: [0x80] }))).toEqual({ pdus: [], anomalies: ['goose.missing_field'] });
    expect(run(goosePayload({ stNum: 1, sqNum: 1, entries: 3, numDatSetEntries: 4 })).anomalies).toEqual(['goose.entry_count_mismatch']);
  });
});

describe('GOOSE through the pipeline', () => {
  it('a VLAN-tagged Ethernet frame with EtherType 0x88b8 yields the publish with the sender MAC', () => {
    const list = dissectors.includes(goose) ? dissectors : [...dissectors, goose];
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu: (p, flow) => { expect(flow).toBeNull(); pdus.push(p); } };
    const sensor = new Sensor({ registry: buildRegistry(list), analyzers: [collect] });
    const frame = ethernet({ dst: '01:0c:cd:01:00:00', src: '00:00:23:06:30:fe', etherType: 0x88b8, payload: hex(samples[0]!.hex), tags: [{ vid: 0, pcp: 4 }] });
    sensor.ingest({ buf: frame, count: 1, off: Int32Array.of(0), len: Int32Array.of(frame.length), origLen: Int32Array.of(frame.length), ts: Float64Array.of(1.7e15), linkType: Int32Array.of(1) });
    sensor.finish();
    expect(pdus).toHaveLength(1);
    expect(pdus[0]).toMatchObject({ proto: 'goose', srcMac: '00:00:23:06:30:fe', dstMac: '01:0c:cd:01:00:00', goID: 'InterlockingA' });
    expect(sensor.stats().protocols.goose).toBe(1);
  });
});

async function replay(name: string) {
  const pdus: Pdu[] = [];
  const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'goose') pdus.push(p); } };
  const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'goose', name)] }).run();
  return { pdus, report };
}

describe('goose generated captures through the pipeline (test/pcapgen/l2.ts)', () => {
  it('publisher-stnum.pcap: heartbeats, then two state changes with retransmission bursts', async () => {
    const { pdus, report } = await replay('publisher-stnum.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('goose.'))).toEqual([]);
    expect(pdus.map((p) => `${p.stNum}/${p.sqNum}`)).toEqual(GOOSE_SEQUENCE.map((e) => `${e.stNum}/${e.sqNum}`));
    expect(new Set(pdus.map((p) => p.stNum))).toEqual(new Set([1, 2, 3]));
    expect(pdus.every((p) => p.srcMac === '02:00:00:61:85:01' && p.dstMac === '01:0c:cd:01:00:10' && p.gocbRef === GOOSE_PUB.gocbRef && p.appid === GOOSE_PUB.appid)).toBe(true);
    // a state change is announced with a short time-allowed-to-live
    expect(pdus.filter((p) => p.sqNum === 0 && p.stNum !== 1).map((p) => p.timeAllowedToLive)).toEqual([20, 20]);
  });

  it('malformed.pcap: anomalies and no PDUs', async () => {
    const { pdus, report } = await replay('malformed.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(report.anomalies).toMatchObject({ 'goose.truncated': 1, 'goose.bad_length': 2, 'goose.bad_tag': 1, 'goose.ber_invalid': 1 });
  });
});

// Frame tests for DNP3 (IEEE 1815-2012): link frames from the public captures in ../shared/pcaps/dnp3
// (hex copied from `tshark -T fields -e tcp.payload`, origin noted per case) and from the scenario
// builder in test/pcapgen/dnp3.ts; the pipeline tests run the generated pcaps/dnp3 captures.
import { describe, expect, it } from 'vitest';
import { ingestCapture } from '../support/pipeline.js';
import type { Pdu, PduSink } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { dnp3, dnp3Crc, dnp3udp, type Dnp3State } from '../../src/dissectors/dnp3.js';
import { hex } from '../support/decode.js';
import { APDU, appFrames, linkFrame } from '../pcapgen/dnp3.js';

function sink(): PduSink & { pdus: Array<Record<string, unknown>>; anomalies: string[] } {
  const s = {
    pdus: [] as Array<Record<string, unknown>>, anomalies: [] as string[],
    pdu: (p: Pdu) => { s.pdus.push(p); }, anomaly: (id: string) => { s.anomalies.push(id); },
  };
  return s;
}

/** Frames and decodes a byte string as the TCP path does, with one state for the whole run. */
function run(bytes: Buffer, dir: 0 | 1 = 0, state: Dnp3State = dnp3.newState!()) {
  const s = sink();
  let pos = 0;
  while (pos < bytes.length) {
    const n = dnp3.frame(bytes.subarray(pos), dir);
    if (n <= 0 || pos + n > bytes.length) { s.anomalies.push(n < 0 ? 'stream.desync' : 'need-more'); break; }
    decodeApp(dnp3, bytes.subarray(pos, pos + n), dir, state, s);
    pos += n;
  }
  return s;
}

const LINK_UD_1_TO_10 = { linkSource: 1, linkDestination: 10, linkFunctionCode: 4, linkFunctionName: 'Unconfirmed User Data', linkPrimary: true };

describe('DNP3 link layer', () => {
  it('CRC-16/DNP of a header matches the capture (dnp3-cold-restart.pcap frame 4: 05 64 08 c4 0a 00 01 00 -> fc 42)', () => {
    expect(dnp3Crc(hex('05 64 08 c4 0a 00 01 00'), 0, 8)).toBe(0x42fc);
  });

  it('frame: every prefix of a frame is "need more" until the header is whole, then the frame length', () => {
    // Select from icsnpp-dnp3-sel-example.pcap frame 292: LENGTH 0x18 -> 10 + 19 + 2 * 2 = 33
    const b = hex('056418c405006400feddccc7030c011701084201f40100000000d2fd000000ffff');
    for (let n = 0; n <= b.length; n++) expect(dnp3.frame(b.subarray(0, n), 0), `prefix ${n}`).toBe(n < 10 ? 0 : 33);
    expect(dnp3.frame(hex('05 65'), 0)).toBe(-1);
    expect(dnp3.frame(hex('47 45 54'), 0)).toBe(-1);
    expect(dnp3.probe!(hex('05 64 18'), 0)).toBe('need-more');
    expect(dnp3.probe!(b, 0)).toBe('yes');
    expect(dnp3.probe!(hex('16 03 01 00 05'), 0)).toBe('no');
  });

  it('frame: a header that fails its CRC frames as its 10 octets only; decode reports it', () => {
    const b = hex('056418c405006400ffddccc7030c011701084201f40100000000d2fd000000ffff'); // CRC fe -> ff
    expect(dnp3.frame(b, 0)).toBe(10);
    expect(dnp3.probe!(b, 0)).toBe('no');
    const r = run(b);
    expect(r.pdus).toEqual([]);
    expect(r.anomalies).toEqual(['dnp3.bad_link_crc', 'stream.desync']);
    // a huge LENGTH behind a bad CRC is not trusted either
    const big = Buffer.from(b);
    big[2] = 0xff;
    expect(dnp3.frame(big, 0)).toBe(10);
  });

  it('a bad data block CRC drops the frame, consumes it, and raises dnp3.bad_link_crc', () => {
    const b = hex('056418c405006400feddccc7030c011701084201f40100000000d2fd000000fffe');
    expect(dnp3.frame(b, 0)).toBe(b.length);
    const r = run(b);
    expect(r.pdus).toEqual([]);
    expect(r.anomalies).toEqual(['dnp3.bad_link_crc']);
  });

  it('LENGTH below 5 is a bad link length', () => {
    const b = linkFrame({ control: 0xc9, destination: 1, source: 2 });
    b[2] = 4;
    b.writeUInt16LE(dnp3Crc(b, 0, 8), 8);
    expect(dnp3.frame(b, 0)).toBe(10);
    expect(run(b).anomalies).toEqual(['dnp3.bad_link_length']);
  });

  it('link-only frames: Request Link Status and Link Status (zeek-dnp3-udp-read.pcap frames 1, 2)', () => {
    expect(run(hex('05640549640001007e5f')).pdus).toEqual([{
      proto: 'dnp3', kind: 'link', role: 'request', op: 'session', linkSource: 1, linkDestination: 100,
      linkFunctionCode: 9, linkFunctionName: 'Request Link Status', linkPrimary: true,
    }]);
    expect(run(hex('0564058b01006400a097'), 1).pdus).toEqual([{
      proto: 'dnp3', kind: 'link', role: 'response', op: 'session', linkSource: 100, linkDestination: 1,
      linkFunctionCode: 11, linkFunctionName: 'Link Status', linkPrimary: false,
    }]);
  });
});

describe('DNP3 application layer', () => {
  it('Cold Restart request (dnp3-cold-restart.pcap frame 4)', () => {
    const r = run(hex('056408c40a000100fc42c0c00d9c86'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'dnp3', kind: 'cold_restart', role: 'request', functionCode: 13, functionName: 'Cold Restart', op: 'control',
      ...LINK_UD_1_TO_10, linkFrames: 1, appSequence: 0, firstFragment: true, finalFragment: true, confirmRequested: false, objects: [],
    }]);
  });

  it('Response with IIN2.0 "function code not supported" (dnp3-cold-restart.pcap frame 6)', () => {
    const [p] = run(hex('05640a4401000a006e25c0c0810001c2de'), 1).pdus;
    expect(p).toMatchObject({ kind: 'response', role: 'response', functionCode: 129, functionName: 'Response', linkSource: 10, linkDestination: 1 });
    expect(p!.exception).toEqual({ code: 1, name: 'Function Code Not Supported' });
    expect(p!.iin).toMatchObject({ raw: 0x0001, noFunctionCodeSupport: true, deviceRestart: false });
  });

  it('Select with a g12v1 CROB, qualifier 0x17 (icsnpp-dnp3-sel-example.pcap frame 292)', () => {
    const r = run(hex('056418c405006400feddccc7030c011701084201f40100000000d2fd000000ffff'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'select', functionName: 'Select', op: 'control', linkSource: 100, linkDestination: 5, appSequence: 7,
      objects: [{ group: 12, variation: 1, qualifier: 0x17, count: 1 }] });
  });

  it('Read of class 1, 2, 3 and 0 (zeek-dnp3-udp-read.pcap frame 5)', () => {
    const r = run(hex('056414c40100640067d6c6c7013c02063c03063c04063c010673c0'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'read', role: 'request', functionCode: 1, op: 'read', objects: [
      { group: 60, variation: 2, qualifier: 6, count: 0 }, { group: 60, variation: 3, qualifier: 6, count: 0 },
      { group: 60, variation: 4, qualifier: 6, count: 0 }, { group: 60, variation: 1, qualifier: 6, count: 0 }] });
  });

  // Built by test/pcapgen/dnp3.ts (APDU.*), one case per message type of the scenarios.
  const master = (a: Buffer) => Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1, apdu: a }));
  const outstation = (a: Buffer) => Buffer.concat(appFrames({ fromMaster: false, destination: 1, source: 10, apdu: a }));
  const cases: Array<[string, Buffer, 0 | 1, Record<string, unknown>]> = [
    ['Direct Operate g12v1 qualifier 0x28', master(APDU.directOperate(3)), 0,
      { kind: 'direct_operate', functionCode: 5, functionName: 'Direct Operate', op: 'control', objects: [{ group: 12, variation: 1, qualifier: 0x28, count: 1 }] }],
    ['Write g80v1 (clear device restart)', master(APDU.clearRestart(1)), 0,
      { kind: 'write', functionCode: 2, op: 'write', objects: [{ group: 80, variation: 1, qualifier: 0, count: 1 }] }],
    ['Enable Unsolicited class 1-3', master(APDU.enableUnsolicited(4)), 0,
      { kind: 'enable_unsolicited', functionCode: 20, functionName: 'Enable Unsolicited', op: 'session' }],
    ['Confirm of an unsolicited response', master(APDU.confirmUnsolicited(0)), 0,
      { kind: 'confirm', functionCode: 0, role: 'response', op: 'session', objects: [] }],
    ['Unsolicited Response g32v1', outstation(APDU.unsolicited(0)), 1,
      { kind: 'unsolicited_response', role: 'notify', functionCode: 130, confirmRequested: true, objects: [{ group: 32, variation: 1, qualifier: 0x28, count: 1 }] }],
    ['Response with g2v2 events', outstation(APDU.eventResponse(2)), 1,
      { kind: 'response', objects: [{ group: 2, variation: 2, qualifier: 0x28, count: 2 }] }],
    ['Cold restart response g52v2', outstation(APDU.coldRestartResponse(5)), 1,
      { kind: 'response', objects: [{ group: 52, variation: 2, qualifier: 7, count: 1 }] }],
    ['Read of all device attributes g0v254', master(APDU.readAttributes(5)), 0,
      { kind: 'read', op: 'read', objects: [{ group: 0, variation: 254, qualifier: 6, count: 0 }] }],
    ['Response with device attributes: identity', outstation(APDU.attributesResponse(5)), 1,
      { kind: 'response', identity: { vendor: 'Example Devices', model: 'RTU-5000', firmwareVersion: '2.4.1' }, objects: [
        { group: 0, variation: 252, qualifier: 0, count: 1 }, { group: 0, variation: 250, qualifier: 0, count: 1 }, { group: 0, variation: 242, qualifier: 0, count: 1 }] }],
    ['Record Current Time', master(APDU.recordCurrentTime(6)), 0,
      { kind: 'record_current_time', functionCode: 24, op: 'diagnostic', objects: [] }],
    ['Write g50v3 last recorded time: time synchronisation', master(APDU.writeTime(7)), 0,
      { kind: 'write', functionCode: 2, op: 'diagnostic', objects: [{ group: 50, variation: 3, qualifier: 7, count: 1 }] }],
  ];
  for (const [name, bytes, dir, want] of cases) {
    it(name, () => {
      const r = run(bytes, dir);
      expect(r.anomalies).toEqual([]);
      expect(r.pdus).toHaveLength(1);
      expect(r.pdus[0]).toMatchObject(want);
    });
  }

  it('reassembles a three-segment response and reports IIN device restart', () => {
    const frames = appFrames({ fromMaster: false, destination: 1, source: 10, apdu: APDU.integrityResponse(0, 0x80), seq: 62 });
    expect(frames).toHaveLength(2);
    const r = run(Buffer.concat(frames), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toHaveLength(1);
    expect(r.pdus[0]).toMatchObject({ kind: 'response', linkFrames: 2, objects: [
      { group: 1, variation: 2, qualifier: 0, count: 8 }, { group: 30, variation: 1, qualifier: 0, count: 60 }] });
    expect(r.pdus[0]!.iin).toMatchObject({ raw: 0x8000, deviceRestart: true, needTime: false });
  });

  it('a UDP datagram with two link frames gives one PDU (dnp3udp)', () => {
    const s = sink();
    const st = dnp3udp.newState!();
    decodeApp(dnp3udp, Buffer.concat(appFrames({ fromMaster: false, destination: 1, source: 10, apdu: APDU.integrityResponse(0, 0x90) })), 1, st, s);
    expect(s.anomalies).toEqual([]);
    expect(s.pdus).toHaveLength(1);
    expect(s.pdus[0]).toMatchObject({ proto: 'dnp3', kind: 'response', iin: { deviceRestart: true, needTime: true } });
  });
});

describe('DNP3 negative cases', () => {
  it('transport: a segment without FIR, or out of sequence, is dropped with an anomaly', () => {
    const [first, second] = appFrames({ fromMaster: false, destination: 1, source: 10, apdu: APDU.integrityResponse(0, 0) });
    expect(run(second!, 1)).toMatchObject({ pdus: [], anomalies: ['dnp3.transport_sequence'] });
    const st = dnp3.newState!();
    const a = run(first!, 1, st);
    expect(a.pdus).toEqual([]);
    // the first segment again (FIR while a fragment is open): the old one is abandoned
    const b = run(Buffer.concat([first!, second!]), 1, st);
    expect(b.anomalies).toEqual(['dnp3.transport_sequence']);
    expect(b.pdus).toHaveLength(1);
  });

  it('fuzzed object headers from openics-dnp3-malformed.pcap: the Operate is reported, the objects are flagged', () => {
    // frame 2: g12v1 qualifier 0x00 points 0-1 = 22 octets of CROBs, but 14 remain
    const r2 = run(hex('056419c40a000100da8fc1c2040c010000010003016400000064639a00000000ffff'));
    expect(r2.pdus).toHaveLength(1);
    expect(r2.pdus[0]).toMatchObject({ kind: 'operate', objects: [{ group: 12, variation: 1, qualifier: 0, count: 2 }] });
    expect(r2.anomalies).toEqual(['dnp3.malformed_objects']);
    // frame 4: qualifier 0x03 (one 1-octet address), one CROB, then 2 stray octets
    const r4 = run(hex('056419c40a000100da8fc1c2040c010300010003016400000064f1a100000000ffff'));
    expect(r4.pdus[0]).toMatchObject({ objects: [{ group: 12, variation: 1, qualifier: 3, count: 1 }] });
    expect(r4.anomalies).toEqual(['dnp3.malformed_objects']);
  });

  it('reserved qualifier, stop before start, unknown object, unknown function', () => {
    const one = (apdu: string) => run(linkFrame({ control: 0xc4, destination: 10, source: 1, data: hex(`c0 ${apdu}`) }));
    expect(one('c0 01 01 02 0c').anomalies).toEqual(['dnp3.malformed_objects']); // range code 0xC reserved
    expect(one('c0 02 1e 01 00 05 02').anomalies).toEqual(['dnp3.malformed_objects']); // stop < start
    expect(one('c0 02 c8 01 07 01 00').anomalies).toEqual(['dnp3.unknown_object']); // g200v1 in a write
    const u = one('c0 70 01 02');
    expect(u.anomalies).toEqual(['dnp3.unknown_function']);
    expect(u.pdus[0]).toMatchObject({ kind: 'unknown', functionCode: 0x70, length: 4 });
  });

  it('short application fragments and truncated link frames never throw and never give PDUs', () => {
    expect(run(linkFrame({ control: 0xc4, destination: 10, source: 1, data: hex('c0 c0') }))).toMatchObject({ pdus: [], anomalies: ['dnp3.truncated'] });
    const s = sink();
    decodeApp(dnp3udp, hex('056414c40100640067d6c6c7013c02'), 0, dnp3udp.newState!(), s);
    expect(s).toMatchObject({ pdus: [], anomalies: ['dnp3.truncated'] });
    const g = sink();
    decodeApp(dnp3udp, Buffer.from('hello'), 0, dnp3udp.newState!(), g);
    expect(g).toMatchObject({ pdus: [], anomalies: ['dnp3.no_start_bytes'] });
  });

  it('a fragment beyond the reassembly bound is discarded', () => {
    const st = dnp3.newState!();
    const big = Buffer.concat([hex('c0 81 00 00'), Buffer.alloc(5000)]);
    const r = run(Buffer.concat(appFrames({ fromMaster: false, destination: 1, source: 10, apdu: big })), 1, st);
    expect(r.pdus).toEqual([]);
    expect(r.anomalies).toContain('dnp3.fragment_too_long');
  });
});

// The generated captures through the real pipeline (test/pcapgen/dnp3.ts writes them).
async function ingest(name: string) {
  const { pdus, report } = await ingestCapture(name);
  return { pdus: pdus.filter((p) => p.proto === 'dnp3'), anomalies: report.anomalies };
}

const dnp3Anomalies = (a: Record<string, number>) =>
  Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('dnp3.') || k === 'stream.desync' || k === 'decode.exception'));

describe('DNP3 generated captures through the pipeline', () => {
  it('dnp3/tcp-poll.pcap: class polls, direct operate, cold restart, unsolicited response', async () => {
    const r = await ingest('dnp3/tcp-poll.pcap');
    expect(dnp3Anomalies(r.anomalies)).toEqual({});
    expect(r.pdus.map((p) => p.kind)).toEqual([
      'link', 'link', 'read', 'response', 'write', 'response', 'read', 'response', 'direct_operate', 'response',
      'enable_unsolicited', 'response', 'unsolicited_response', 'confirm', 'read', 'response', 'record_current_time', 'response',
      'write', 'response', 'cold_restart', 'response',
    ]);
    expect(r.pdus[3]).toMatchObject({ src: '192.168.100.20', linkSource: 10, linkFrames: 2, iin: { deviceRestart: true } });
    expect(r.pdus[15]).toMatchObject({ src: '192.168.100.20', identity: { vendor: 'Example Devices', model: 'RTU-5000', firmwareVersion: '2.4.1' } });
    expect(r.pdus[18]).toMatchObject({ op: 'diagnostic', objects: [{ group: 50, variation: 3, qualifier: 7, count: 1 }] });
    expect(r.pdus[20]).toMatchObject({ src: '192.168.100.10', functionName: 'Cold Restart', op: 'control', linkSource: 1, linkDestination: 10 });
  });

  it('dnp3/udp-read.pcap: link status and a two-frame response in one datagram', async () => {
    const r = await ingest('dnp3/udp-read.pcap');
    expect(dnp3Anomalies(r.anomalies)).toEqual({});
    expect(r.pdus.map((p) => `${p.kind}:${p.src}`)).toEqual([
      'link:192.168.100.10', 'link:192.168.100.21', 'read:192.168.100.10', 'response:192.168.100.21']);
    expect(r.pdus[3]).toMatchObject({ iin: { deviceRestart: true, needTime: true } });
  });

  it('dnp3/negative.pcap: anomalies for every damaged frame and no bogus PDUs', async () => {
    const r = await ingest('dnp3/negative.pcap');
    expect(dnp3Anomalies(r.anomalies)).toEqual({
      'dnp3.bad_link_crc': 3, 'stream.desync': 2, 'dnp3.transport_sequence': 1, 'dnp3.no_start_bytes': 1,
    });
    expect(r.pdus.map((p) => p.kind)).toEqual(['read', 'response', 'read', 'response']);
  });
});

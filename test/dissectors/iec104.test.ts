// Frame tests for IEC 60870-5-104 (IEC 60870-5-104 §5 APCI, -101 §7 ASDU). Hex comes from the public
// Wireshark sample iec104-test-dissect (common address 37133 = 0x910d) and iec104-090813-diverse,
// frame numbers as tshark numbers them, or is built by hand from the spec tables where noted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { iec104, type Iec104State } from '../../src/dissectors/iec104.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { hex } from '../support/decode.js';
import { ROOT } from '../support/env.js';
import { samples } from './samples/iec104.js';

function run(h: string, dir: Direction = 0, state: Iec104State = iec104.newState!()) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(iec104, hex(h), dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies, state };
}

describe('iec104 APCI', () => {
  it('U-format: STARTDT/STOPDT/TESTFR act and con', () => {
    // test-dissect frames 4, 5, 13, 14; STOPDT built from §5.3 figure 9 (octet 1 = 0x13 / 0x23)
    expect(run('68 04 07 00 00 00').pdus).toEqual([{ proto: 'iec104', kind: 'u', role: 'request', functionName: 'STARTDT act', op: 'session', uFunction: 0x01 }]);
    expect(run('68 04 0b 00 00 00', 1).pdus[0]).toMatchObject({ role: 'response', functionName: 'STARTDT con', uFunction: 0x02 });
    expect(run('68 04 13 00 00 00').pdus[0]).toMatchObject({ role: 'request', functionName: 'STOPDT act', uFunction: 0x04 });
    expect(run('68 04 23 00 00 00', 1).pdus[0]).toMatchObject({ role: 'response', functionName: 'STOPDT con', uFunction: 0x08 });
    expect(run('68 04 43 00 00 00').pdus[0]).toMatchObject({ role: 'request', functionName: 'TESTFR act', uFunction: 0x10 });
    expect(run('68 04 83 00 00 00', 1).pdus[0]).toMatchObject({ role: 'response', functionName: 'TESTFR con', uFunction: 0x20 });
    expect(run('68 04 83 00 00 00').anomalies).toEqual([]);
  });

  it('S-format: receive sequence number', () => {
    // test-dissect frame 112: S (4)
    expect(run('68 04 01 00 08 00').pdus).toEqual([{ proto: 'iec104', kind: 's', role: 'response', functionName: 'S', op: 'session', recvSeq: 4 }]);
    // diverse frame 7: S (78)
    expect(run('68 04 01 00 9c 00').pdus[0]).toMatchObject({ recvSeq: 78 });
  });

  it('U-format with two function bits or an ASDU behind it is flagged', () => {
    // 0x17: STARTDT act + STOPDT act (test-dissect has one, utype 0x05)
    const r = run('68 04 17 00 00 00');
    expect(r.anomalies).toEqual(['iec104.bad_u_function']);
    expect(r.pdus[0]).toMatchObject({ kind: 'u', functionName: 'unknown', uFunction: 0x05 });
    expect(run('68 06 43 00 00 00 aa bb').anomalies).toEqual(['iec104.bad_control_field']);
    expect(run('68 04 01 05 08 00').anomalies).toEqual(['iec104.bad_control_field']);
  });
});

describe('iec104 ASDU', () => {
  it('C_IC_NA_1 general interrogation activation', () => {
    // test-dissect frame 109: I (0,1) ASDU=37133 C_IC_NA_1 Act IOA=0, QOI 20
    expect(run('68 0e 00 00 02 00 64 01 06 00 0d 91 00 00 00 14').pdus).toEqual([{
      proto: 'iec104', kind: 'i', role: 'request', functionCode: 100, functionName: 'C_IC_NA_1', op: 'read',
      sendSeq: 0, recvSeq: 1, cot: 6, causeName: 'activation', originator: 0, commonAddress: 37133, objects: 1, sq: false, ioas: [0],
    }]);
  });

  it('M_SP_NA_1 sequence of 9 objects answers the interrogation', () => {
    // test-dissect frame 110 (second APDU): SQ=1, 9 objects from IOA 10010
    const p = run('68 16 04 00 02 00 01 89 14 00 0d 91 1a 27 00 d0 80 80 80 c0 80 80 80 80', 1);
    expect(p.anomalies).toEqual([]);
    expect(p.pdus[0]).toMatchObject({ kind: 'i', role: 'response', functionCode: 1, functionName: 'M_SP_NA_1', op: 'read', cot: 20, causeName: 'interrogated by station', sq: true, objects: 9, ioas: [10010, 10011, 10012, 10013, 10014, 10015, 10016, 10017] });
  });

  it('M_ME_NC_1 with an address per object (SQ=0)', () => {
    // diverse frame 1: I (77,20) ASDU=3 M_ME_NC_1 Per/Cyc IOA 1300, 1301
    const p = run('68 1a 9a 00 28 00 0d 02 01 00 03 00 14 05 00 00 00 f0 41 00 15 05 00 00 00 31 44 00', 1);
    expect(p.anomalies).toEqual([]);
    expect(p.pdus[0]).toMatchObject({ functionName: 'M_ME_NC_1', role: 'notify', cot: 1, causeName: 'periodic', commonAddress: 3, ioas: [1300, 1301], sendSeq: 77, recvSeq: 20 });
  });

  it('commands: single command is a write, negative and test bits are reported', () => {
    // test-dissect frame 124: C_SC_NA_1 Act, originator 1, IOA 10010
    expect(run('68 0e 04 00 0e 00 2d 01 06 01 0d 91 1a 27 00 81').pdus[0]).toMatchObject({ functionName: 'C_SC_NA_1', op: 'write', role: 'request', originator: 1, ioas: [10010] });
    // test-dissect frame 134: C_SC_NA_1 ActCon, P/N and T set (0xc7), IOA 22222
    const neg = run('68 0e 14 00 0a 00 2d 01 c7 02 0d 91 ce 56 00 81', 1).pdus[0]!;
    expect(neg).toMatchObject({ cot: 7, negative: true, test: true, ioas: [22222], exception: { code: 7, name: 'negative confirmation: activation confirmation' } });
    // diverse frame 39: C_SE_TC_1 setpoint with time tag, IOA 5021
    expect(run('68 19 30 00 aa 00 3f 01 06 00 03 00 9d 13 00 00 00 f6 42 80 08 00 18 13 0d 08 6d').pdus[0]).toMatchObject({ functionName: 'C_SE_TC_1', op: 'write', ioas: [5021] });
  });

  it('clock sync is diagnostic, reset process is control, file transfer is program', () => {
    // test-dissect frame 139: C_CS_NA_1 Act with CP56Time2a
    const cs = run('68 14 0c 00 16 00 67 01 06 04 0d 91 00 00 00 c8 32 39 08 1d 08 08');
    expect(cs.anomalies).toEqual([]);
    expect(cs.pdus[0]).toMatchObject({ functionCode: 103, functionName: 'C_CS_NA_1', op: 'diagnostic' });
    // hand-built from 101 §7.3.4.6: C_RP_NA_1 act, QRP 1 (general reset)
    expect(run('68 0e 00 00 00 00 69 01 06 00 07 00 00 00 00 01').pdus[0]).toMatchObject({ functionName: 'C_RP_NA_1', op: 'control' });
    // hand-built from 101 §7.3.6.1: F_FR_NA_1 file ready: NOF 1, LOF 1000, FRQ 0
    expect(run('68 13 00 00 00 00 78 01 0d 00 07 00 01 00 00 01 00 e8 03 00 00').pdus[0]).toMatchObject({ functionName: 'F_FR_NA_1', op: 'program', causeName: 'file transfer' });
  });

  it('unknown type, cause, zero objects and a length that disagrees with the type are named', () => {
    expect(run('68 0e 00 00 00 00 c8 01 06 00 07 00 00 00 00 01').anomalies).toEqual(['iec104.unknown_type_id']);
    expect(run('68 0e 00 00 00 00 2d 01 3f 00 07 00 00 00 00 01').anomalies).toEqual(['iec104.unknown_cause']);
    expect(run('68 0a 00 00 00 00 2d 00 06 00 07 00').anomalies).toEqual(['iec104.zero_objects']);
    // C_SC_NA_1 with two octets of element: one too many
    expect(run('68 0f 00 00 00 00 2d 01 06 00 07 00 01 00 00 01 02').anomalies).toEqual(['iec104.asdu_length_mismatch']);
  });

  it('a cut ASDU costs one PDU as iec104.truncated', () => {
    expect(run('68 08 00 00 00 00 2d 01 06 00').anomalies).toEqual(['iec104.truncated']);
    // SQ=0, two objects declared, the second address cut short
    expect(run('68 11 00 00 00 00 2d 02 06 00 07 00 01 00 00 01 02 00').anomalies).toEqual(['iec104.truncated']);
  });
});

describe('iec104 per-flow sequence numbers', () => {
  it('accepts consecutive N(S) per direction and flags a jump', () => {
    const st = iec104.newState!();
    const frameI = (ns: number) => `68 0e ${((ns << 1) & 0xff).toString(16).padStart(2, '0')} ${(ns >> 7).toString(16).padStart(2, '0')} 00 00 2d 01 06 00 07 00 01 00 00 01`;
    expect(run(frameI(5), 0, st).anomalies).toEqual([]);
    expect(run(frameI(6), 0, st).anomalies).toEqual([]);
    expect(run(frameI(200), 1, st).anomalies).toEqual([]); // the other direction has its own counter
    expect(run(frameI(8), 0, st).anomalies).toEqual(['iec104.unexpected_send_sequence']);
    expect(run(frameI(9), 0, st).anomalies).toEqual([]);
    // wraps modulo 2^15
    const w = iec104.newState!();
    run(frameI(32767), 0, w);
    expect(run(frameI(0), 0, w).anomalies).toEqual([]);
  });
});

describe('iec104 framing and probe', () => {
  it('every prefix of every sample needs more; the whole sample frames to its length', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      expect(iec104.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(iec104.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(n < 2 ? 0 : b.length);
    }
  });

  it('rejects a wrong start byte and lengths outside 4..253', () => {
    expect(iec104.frame(hex('47 45 54 20'), 0)).toBe(-1); // "GET "
    expect(iec104.frame(hex('68 02 00 01'), 0)).toBe(-1);  // test-dissect frame 11: ApduLen 2
    expect(iec104.frame(hex('68 fe'), 0)).toBe(-1);
    expect(iec104.frame(hex('68 fd'), 0)).toBe(255);
  });

  it('probe: yes on APDUs, no on other bytes, need-more on a short head', () => {
    for (const s of samples) expect(iec104.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(iec104.probe!(hex('68 04'), 0)).toBe('need-more');
    expect(iec104.probe!(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe('no');
    expect(iec104.probe!(hex('68 04 17 00 00 00'), 0)).toBe('no');
    expect(iec104.probe!(hex('68 05 00 00 00 00 00'), 0)).toBe('no'); // an I-frame too short for an ASDU
  });
});

describe('iec104 generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Array<Pdu & { src: string }> = [];
    const collect: Analyzer = { name: 'collect', pdu(p, flow, dir) { if (p.proto === 'iec104') pdus.push({ ...p, src: flow ? (dir === 0 ? flow.clientIp : flow.serverIp) : '' }); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'iec104', name)] }).run();
    return { pdus, report };
  }

  it('session.pcap: STARTDT, interrogation, measurements, a command, clock sync, TESTFR', async () => {
    const { pdus, report } = await replay('session.pcap');
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('iec104.') || k === 'stream.desync')).toEqual([]);
    expect(pdus.map((p) => p.kind === 'i' ? `${p.src} ${p.functionName} ${p.causeName}` : `${p.src} ${p.functionName}`)).toEqual([
      '10.104.0.10 STARTDT act', '10.104.0.20 STARTDT con',
      '10.104.0.10 C_IC_NA_1 activation', '10.104.0.20 C_IC_NA_1 activation confirmation',
      '10.104.0.20 M_SP_NA_1 interrogated by station', '10.104.0.20 M_ME_NC_1 interrogated by station',
      '10.104.0.20 C_IC_NA_1 activation termination', '10.104.0.10 S',
      '10.104.0.10 C_SC_NA_1 activation', '10.104.0.20 C_SC_NA_1 activation confirmation',
      '10.104.0.10 C_SC_NA_1 activation', '10.104.0.20 C_SC_NA_1 activation confirmation',
      '10.104.0.20 C_SC_NA_1 activation termination', '10.104.0.20 M_SP_TB_1 spontaneous',
      '10.104.0.10 C_CS_NA_1 activation', '10.104.0.20 C_CS_NA_1 activation confirmation',
      '10.104.0.10 S', '10.104.0.10 TESTFR act', '10.104.0.20 TESTFR con',
    ]);
    expect(new Set(pdus.filter((p) => p.kind === 'i').map((p) => p.commonAddress))).toEqual(new Set([7]));
    expect(pdus.filter((p) => p.op === 'write').length).toBe(5);
  });

  it('not-iec104.pcap: text on port 2404 gives no IEC-104 PDUs, only a framing anomaly', async () => {
    const { pdus, report } = await replay('not-iec104.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies['stream.desync']).toBeGreaterThan(0);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});

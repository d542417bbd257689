// Frame tests for S7comm / S7comm-plus over TPKT (RFC 1006) and COTP (ISO 8073 class 0). Real PDUs
// come from the public captures (test/dissectors/samples/s7comm.ts names capture and frame); the
// synthetic ones are built here from the field layouts in src/dissectors/s7comm/*.ts.
import { describe, expect, it } from 'vitest';
import { ingestCapture } from '../support/pipeline.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { frameTpkt, probeTpkt, s7comm, s7commplus, type S7State } from '../../src/dissectors/s7comm/index.js';
import { PLC_ID, tpktDt, userdata } from '../pcapgen/s7comm.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/s7comm.js';
import { samples as plusSamples } from './samples/s7commplus.js';

const sampleHex = (note: string) => hex(samples.find((s) => s.note.includes(note))!.hex);

function run(bufs: Buffer | Buffer[], dir: Direction = 0, state: S7State = s7comm.newState!()) {
  const out = { pdus: [] as Pdu[], anomalies: [] as string[] };
  const sink = { pdu: (p: Pdu) => out.pdus.push(p), anomaly: (id: string) => out.anomalies.push(id) };
  for (const b of Array.isArray(bufs) ? bufs : [bufs]) decodeApp(s7comm, b, dir, state, sink);
  return out;
}

/** TPKT + COTP DT (EOT unless `more`) around S7 bytes. */
function dt(s7: Buffer, more = false): Buffer {
  const h = Buffer.from([3, 0, 0, 0, 2, 0xf0, more ? 0x00 : 0x80]);
  h.writeUInt16BE(7 + s7.length, 2);
  return Buffer.concat([h, s7]);
}

/** S7comm header + parameter + data. */
function s7(rosctr: number, pduRef: number, param: Buffer, data: Buffer = Buffer.alloc(0), err?: [number, number]): Buffer {
  const h = Buffer.alloc(rosctr === 2 || rosctr === 3 ? 12 : 10);
  h[0] = 0x32;
  h[1] = rosctr;
  h.writeUInt16BE(pduRef, 4);
  h.writeUInt16BE(param.length, 6);
  h.writeUInt16BE(data.length, 8);
  if (err) { h[10] = err[0]; h[11] = err[1]; }
  return Buffer.concat([h, param, data]);
}

describe('TPKT framing', () => {
  it('frames every sample to its TPKT length, and each prefix exactly', () => {
    for (const s of [...samples, ...plusSamples]) {
      const b = hex(s.hex);
      expect(s7comm.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(s7comm.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(n < 4 ? 0 : b.length);
    }
  });

  it('refuses bytes that are not a TPKT header', () => {
    expect(frameTpkt(hex('47 45 54 20'))).toBe(-1); // "GET "
    expect(frameTpkt(hex('03 00 00 06'))).toBe(-1); // shorter than TPKT + COTP DT
    expect(frameTpkt(hex('03 00'))).toBe(0);
    expect(frameTpkt(Buffer.alloc(0))).toBe(0);
  });

  it('probes TPKT + a known COTP TPDU; no on other bytes', () => {
    expect(probeTpkt(sampleHex('COTP CR'))).toBe('yes');
    expect(probeTpkt(sampleHex('Setup communication, PDU 480'))).toBe('yes');
    expect(probeTpkt(hex('03 00 00'))).toBe('need-more');
    expect(probeTpkt(hex('03 01 00 16 11 e0'))).toBe('no'); // reserved byte set
    expect(probeTpkt(hex('03 00 00 16 11 30'))).toBe('no'); // TPDU code 0x3 is not defined
    expect(probeTpkt(hex('03 00 00 16 05 f0 80'))).toBe('no'); // DT with LI 5
    expect(probeTpkt(Buffer.from('HTTP/1.1 200 OK\r\n'))).toBe('no');
  });
});

describe('COTP', () => {
  it('connection request: references, TPDU size, TSAPs, rack and slot', () => {
    const r = run(sampleHex('COTP CR'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 's7comm', kind: 'cotp_connect_request', role: 'request', functionCode: 0xe0, functionName: 'COTP Connection Request', op: 'session',
      dstRef: 0, srcRef: 1, protocolClass: 0, tpduSize: 1024, srcTsap: '0100', dstTsap: '0101', connectionType: 1, rack: 0, slot: 1,
    }]);
  });

  it('connection confirm', () => {
    const r = run(sampleHex('COTP CC'), 1);
    expect(r.pdus[0]).toMatchObject({ kind: 'cotp_connect_confirm', role: 'response', dstRef: 1, srcRef: 1 });
  });

  it('disconnect request and S7-1500 text TSAPs', () => {
    // DR: LI 6, code 0x80, dst-ref 0x0003, src-ref 0x0007, reason 0x80 (normal)
    const r = run(hex('03 00 00 0b 06 80 00 03 00 07 80'));
    expect(r.pdus[0]).toMatchObject({ kind: 'cotp_disconnect_request', dstRef: 3, srcRef: 7, reason: 0x80, op: 'session' });
    // CR with the called TSAP "SIMATIC-ROOT-HMI" (16 bytes) as S7comm-plus clients send it
    const tsap = Buffer.from('SIMATIC-ROOT-HMI');
    const cotp = Buffer.concat([hex('e0 00 00 00 01 00 c0 01 0a c1 02 06 00 c2'), Buffer.from([tsap.length]), tsap]);
    const cr = Buffer.concat([hex('03 00 00 00'), Buffer.from([cotp.length]), cotp]);
    cr.writeUInt16BE(cr.length, 2);
    expect(run(cr).pdus[0]).toMatchObject({ kind: 'cotp_connect_request', dstTsap: 'SIMATIC-ROOT-HMI', srcTsap: '0600' });
  });

  it('reassembles a TSDU split over two DTs (EOT on the last only)', () => {
    const whole = sampleHex('Job Read Var, 5 items').subarray(7);
    const st = s7comm.newState!();
    const first = run(dt(whole.subarray(0, 20), true), 0, st);
    expect(first.pdus).toEqual([]);
    const r = run(dt(whole.subarray(20)), 0, st);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'read_var_request', itemCount: 5 });
    expect(st.cotp[0]).toBeNull();
  });

  it('empty DT fragments (engineering-tool keep-alives) produce nothing', () => {
    expect(run(hex('03 00 00 07 02 f0 00'))).toEqual({ pdus: [], anomalies: [] });
  });

  it('bounds COTP reassembly per direction', () => {
    const st = s7comm.newState!();
    const chunk = dt(Buffer.alloc(60000, 0x32), true);
    const r = run([chunk, chunk], 0, st);
    expect(r.anomalies).toEqual(['s7comm.cotp_reassembly_overflow']);
    expect(st.cotpBytes[0]).toBe(0);
  });
});

describe('S7comm Job / Ack_Data', () => {
  it('setup communication', () => {
    const r = run(sampleHex('Job Setup communication'));
    expect(r.pdus).toEqual([{
      proto: 's7comm', kind: 'setup_communication_request', rosctr: 1, rosctrName: 'Job', pduRef: 0, role: 'request',
      functionCode: 0xf0, functionName: 'Setup communication', op: 'session', setup: { maxAmqCalling: 1, maxAmqCalled: 1, pduLength: 480 },
    }]);
    expect(run(sampleHex('Ack_Data Setup communication'), 1).pdus[0]).toMatchObject({ kind: 'setup_communication_response', rosctr: 3, role: 'response' });
  });

  it('read var request: S7ANY items with area, DB, address', () => {
    const r = run(sampleHex('Job Read Var, 5 items'));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'read_var_request', functionCode: 4, functionName: 'Read Var', op: 'read', itemCount: 5, pduRef: 0x0a00 });
    expect((r.pdus[0] as unknown as { items: unknown[] }).items).toEqual([
      { syntaxId: 0x10, area: 0x83, areaName: 'Flags', db: 0, byteAddress: 0, bit: 0, transportSize: 2, count: 16 },
      { syntaxId: 0x10, area: 0x81, areaName: 'Inputs', db: 0, byteAddress: 0, bit: 0, transportSize: 2, count: 16 },
      { syntaxId: 0x10, area: 0x82, areaName: 'Outputs', db: 0, byteAddress: 0, bit: 0, transportSize: 2, count: 16 },
      { syntaxId: 0x10, area: 0x1d, areaName: 'Timer', db: 0, byteAddress: 0, bit: 0, transportSize: 0x1d, count: 8 },
      { syntaxId: 0x10, area: 0x1c, areaName: 'Counter', db: 0, byteAddress: 0, bit: 0, transportSize: 0x1c, count: 8 },
    ]);
    expect(run(sampleHex('Ack_Data Read Var'), 1).pdus[0]).toMatchObject({ kind: 'read_var_response', returnCodes: [0x0a, 0x0a, 0x0a, 0x0a, 0x0a] });
  });

  it('write var request and response', () => {
    const r = run(sampleHex('Job Write Var'));
    expect(r.pdus[0]).toMatchObject({ kind: 'write_var_request', op: 'write', items: [{ area: 0x82, areaName: 'Outputs', byteAddress: 1, bit: 0, count: 1 }] });
    expect(run(sampleHex('Ack_Data Write Var'), 1).pdus[0]).toMatchObject({ kind: 'write_var_response', returnCodes: [0xff] });
  });

  it('PLC stop', () => {
    const r = run(sampleHex('Job PLC Stop'));
    expect(r.pdus).toEqual([{
      proto: 's7comm', kind: 'plc_stop_request', rosctr: 1, rosctrName: 'Job', pduRef: 0x3500, role: 'request',
      functionCode: 0x29, functionName: 'PLC Stop', op: 'control', pi: { service: 'P_PROGRAM' },
    }]);
    expect(run(sampleHex('Ack_Data PLC Stop'), 1).pdus[0]).toMatchObject({ kind: 'plc_stop_response', op: 'control' });
  });

  it('PI service P_PROGRAM: PLC start and cold restart', () => {
    // param: 0x28, 7 bytes (00 x6, fd), parameter block length, block, name length, "P_PROGRAM"
    const name = Buffer.from('P_PROGRAM');
    const start = s7(1, 0x100, Buffer.concat([hex('28 00 00 00 00 00 00 fd 00 00'), Buffer.from([name.length]), name]));
    expect(run(dt(start)).pdus[0]).toMatchObject({ kind: 'pi_service_request', functionName: 'PLC Start', op: 'control', action: 'start', pi: { service: 'P_PROGRAM' } });
    const cold = s7(1, 0x101, Buffer.concat([hex('28 00 00 00 00 00 00 fd 00 01 43'), Buffer.from([name.length]), name]));
    expect(run(dt(cold)).pdus[0]).toMatchObject({ functionName: 'PLC Cold Restart', action: 'cold_restart', pi: { service: 'P_PROGRAM', argument: 'C' } });
  });

  it('block download: request, download block (sent by the PLC), ended, _INSE', () => {
    const db1 = { type: '0A', typeName: 'DB', numberText: '00001', number: 1, filesystem: 'P' };
    expect(run(sampleHex('Request download DB1')).pdus[0]).toMatchObject({ kind: 'request_download_request', op: 'program', block: db1 });
    expect(run(sampleHex('Job Download block DB1'), 1).pdus[0]).toMatchObject({ kind: 'download_block_request', functionName: 'Download block', block: db1 });
    expect(run(sampleHex('Ack_Data Download block')).pdus[0]).toMatchObject({ kind: 'download_block_response', op: 'program' });
    expect(run(sampleHex('Download ended DB1'), 1).pdus[0]).toMatchObject({ kind: 'download_ended_request', block: db1 });
    const pi = run(sampleHex('PI-Service _INSE'));
    expect(pi.pdus[0]).toMatchObject({ kind: 'pi_service_request', op: 'program', pi: { service: '_INSE', blocks: [db1] }, block: db1 });
  });

  it('an answer is tied to the Job of the same PDU reference in the other direction', () => {
    const st = s7comm.newState!();
    run(sampleHex('Start upload SDB 0'), 0, st);
    expect(run(sampleHex('Ack with header error'), 1, st).pdus[0]).toMatchObject({ kind: 'ack_response', requestFunctionCode: 0x1d, requestFunctionName: 'Start upload' });
    run(sampleHex('PI-Service _INSE'), 0, st);
    const ack = s7(3, 0x0f00, hex('28'));
    expect(run(dt(ack), 1, st).pdus[0]).toMatchObject({ kind: 'pi_service_response', op: 'program', pi: { service: '_INSE' } });
    // a different reference is not tied
    expect(run(dt(s7(3, 0x0e00, hex('28'))), 1, st).pdus[0]).toMatchObject({ op: 'control' });
    expect(run(dt(s7(3, 0x0e00, hex('28'))), 1, st).pdus[0]!.pi).toBeUndefined();
  });

  it('start upload refused: Ack with the header error class', () => {
    expect(run(sampleHex('Start upload SDB 0')).pdus[0]).toMatchObject({ kind: 'start_upload_request', block: { type: '0B', typeName: 'SDB', number: 0 } });
    const r = run(sampleHex('Ack with header error'), 1);
    expect(r.pdus).toEqual([{
      proto: 's7comm', kind: 'ack_response', rosctr: 2, rosctrName: 'Ack', pduRef: 0x0600, role: 'response', functionName: 'Ack', op: 'other',
      errorClass: 0xd2, errorCode: 0x41, exception: { code: 0xd241, name: 'Error class 0xd2' },
    }]);
  });
});

describe('S7comm Userdata', () => {
  it('SZL 0x0011 request', () => {
    expect(run(sampleHex('Read SZL 0x0011 request')).pdus[0]).toMatchObject({
      kind: 'read_szl_request', rosctr: 7, role: 'request', group: 4, subfunction: 1, functionName: 'Read SZL', op: 'diagnostic', szl: { id: 0x11, index: 0 },
    });
  });

  it('SZL 0x0011 response: module order number and firmware become identity', () => {
    const p = run(sampleHex('Read SZL 0x0011 response'), 1).pdus[0]!;
    expect(p).toMatchObject({ kind: 'read_szl_response', role: 'response', returnCode: 0xff });
    expect(p.szl).toMatchObject({ id: 0x11, index: 0, entryLength: 28, count: 4 });
    expect((p.szl as { modules: unknown[] }).modules).toEqual([
      { index: 1, orderNumber: '6ES7 315-2EH14-0AB0', moduleType: 0xc0, version: 4, ext: 1 },
      { index: 6, orderNumber: '6ES7 315-2EH14-0AB0', moduleType: 0xc0, version: 4, ext: 1 },
      { index: 7, orderNumber: '', moduleType: 0xc0, version: 0x5603, ext: 0x0206 },
      { index: 0x81, orderNumber: 'Boot Loader', moduleType: 0, version: 0x4120, ext: 0x0909 },
    ]);
    expect(p.identity).toEqual({ vendor: 'Siemens', model: '6ES7 315-2EH14-0AB0', hardwareVersion: '4', firmwareVersion: 'V3.2.6' });
  });

  it('SZL 0x001C response: PLC name, module name, serial', () => {
    const p = run(sampleHex('Read SZL 0x001C response'), 1).pdus[0]!;
    expect((p.szl as { components: unknown }).components).toEqual({
      plcName: 'SNAP7-SERVER', moduleName: 'CPU 315-2 PN/DP', copyright: 'Original Siemens Equipment', serialNumber: 'S C-C2UR28922012',
      cpuType: 'CPU 315-2 PN/DP', memoryCardSerial: 'MMC 267FF11F',
    });
    expect(p.identity).toEqual({ vendor: 'Siemens', name: 'SNAP7-SERVER', productName: 'CPU 315-2 PN/DP', serial: 'S C-C2UR28922012', deviceType: 'CPU 315-2 PN/DP' });
  });

  it('reassembles an SZL answer split into "more data follows" userdata fragments', () => {
    const whole = sampleHex('Read SZL 0x001C response').subarray(7);
    const payload = whole.subarray(10 + 12 + 4); // after S7 header, parameter, data header
    const frag = (part: Buffer, last: boolean, unit: number) => {
      const param = hex(`00 01 12 08 12 84 01 01 ${unit.toString(16).padStart(2, '0')} ${last ? '00' : '01'} 00 00`);
      const dh = Buffer.from([0xff, 0x09, 0, 0]);
      dh.writeUInt16BE(part.length, 2);
      return dt(s7(7, 0x300, param, Buffer.concat([dh, part])));
    };
    const st = s7comm.newState!();
    const a = run(frag(payload.subarray(0, 150), false, 5), 1, st);
    expect(a.pdus[0]).toMatchObject({ kind: 'read_szl_response', moreFollows: true, szl: { id: 0x1c, index: 0, partial: true } });
    expect(a.pdus[0]!.identity).toBeUndefined();
    const b = run(frag(payload.subarray(150), true, 5), 1, st);
    expect(b.anomalies).toEqual([]);
    expect(b.pdus[0]).toMatchObject({ szl: { id: 0x1c, reassembled: true, components: { plcName: 'SNAP7-SERVER', serialNumber: 'S C-C2UR28922012' } } });
    expect(b.pdus[0]!.identity).toMatchObject({ serial: 'S C-C2UR28922012' });
    expect(st.ud[1]).toBeNull();
  });

  it('pushes from the CPU: diagnostic message and mode transition to STOP', () => {
    expect(run(sampleHex('diagnostic message'), 1).pdus[0]).toMatchObject({ kind: 'diagnostic_message_notify', role: 'notify', group: 4, subfunction: 3 });
    expect(run(sampleHex('mode transition'), 1).pdus[0]).toMatchObject({ kind: 'mode_transition_notify', role: 'notify', group: 0, mode: 'STOP', op: 'control' });
  });

  it('block functions: list blocks', () => {
    expect(run(sampleHex('List blocks request')).pdus[0]).toMatchObject({ kind: 'list_blocks_request', group: 3, subfunction: 1, groupName: 'Block functions' });
  });
});

describe('S7comm-plus', () => {
  const plus = (note: string) => hex(plusSamples.find((s) => s.note.includes(note))!.hex);

  it('notification', () => {
    const r = run(plus('Notification'), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{ proto: 's7commplus', kind: 'notification_notify', version: 3, opcode: 0x33, opcodeName: 'Notification', role: 'notify', functionName: 'Notification', op: 'read', subscriptionId: 0x70000e51 }]);
  });

  it('requests and responses: function, sequence, operation class', () => {
    expect(run(plus('Set Variable')).pdus).toEqual([{
      proto: 's7commplus', kind: 'set_variable_request', version: 3, opcode: 0x31, opcodeName: 'Request', role: 'request',
      sequence: 0x831a, functionCode: 0x04f2, functionName: 'Set Variable', op: 'write',
    }]);
    expect(run(plus('Request Get Multi')).pdus[0]).toMatchObject({ kind: 'get_multi_variables_request', op: 'read' });
    expect(run(plus('Response Get Multi'), 1).pdus[0]).toMatchObject({ kind: 'get_multi_variables_response', role: 'response', sequence: 0x831d });
    expect(run(plus('Response Set Multi'), 1).pdus[0]).toMatchObject({ kind: 'set_multi_variables_response', op: 'write' });
  });

  it('a truncated S7comm-plus body is s7commplus.truncated; an unknown version is named', () => {
    const b = plus('Set Variable');
    // keep the TPKT length honest but cut the S7comm-plus data: 72 03 0059 + 10 bytes
    expect(run(dt(b.subarray(7, 21))).anomalies).toEqual(['s7commplus.truncated']);
    expect(run(dt(hex('72 07 00 00 72 07 00 00'))).anomalies).toEqual(['s7commplus.unknown_version']);
    expect(run(dt(hex('72 01 00 01 99 72 01 00 00'))).anomalies).toEqual(['s7commplus.unknown_opcode']);
  });

  it('a PDU over several TSDUs: the first is decoded, continuations are consumed up to the trailer', () => {
    const whole = plus('Request Get Multi').subarray(7); // 72 03 006a <integrity, data> 72 03 00 00
    const body = whole.subarray(4, whole.length - 4);
    const lenHdr = (n: number) => { const h = Buffer.from([0x72, 0x03, 0, 0]); h.writeUInt16BE(n, 2); return h; };
    const first = Buffer.concat([lenHdr(60), body.subarray(0, 60)]); // no trailer: more follows
    const rest = Buffer.concat([lenHdr(body.length - 60), body.subarray(60), hex('72 03 00 00')]);
    const st = s7comm.newState!();
    const a = run(dt(first), 0, st);
    expect(a.anomalies).toEqual([]);
    expect(a.pdus).toMatchObject([{ proto: 's7commplus', kind: 'get_multi_variables_request', fragmented: true }]);
    expect(run(dt(rest), 0, st)).toEqual({ pdus: [], anomalies: [] });
    expect(st.plusOpen[0]).toBe(0);
    expect(run(plus('Set Variable'), 0, st).pdus[0]).toMatchObject({ kind: 'set_variable_request' });
    // never closed: bounded, then an anomaly and a fresh start
    run(dt(first), 0, st);
    const cont = Buffer.concat([lenHdr(4), hex('00 00 00 00')]);
    const r = run(Array.from({ length: 64 }, () => dt(cont)), 0, st);
    expect(r.anomalies).toEqual(['s7commplus.unterminated']);
    expect(run(plus('Set Variable'), 0, st).pdus[0]).toMatchObject({ kind: 'set_variable_request' });
  });

  it('Create Object answer: the order number and firmware the CPU states become identity', () => {
    // V1 (no integrity part): opcode 0x32, reserved, function 0x04CA, reserved, sequence 2, then an
    // attribute string as S7-1200/1500 send it (ServerSessionVersion "1;6ES7 ...;V4.2"), trailer
    const text = Buffer.from('1;6ES7 214-1AG40-0XB0 ;V4.2', 'latin1');
    const data = Buffer.concat([hex('32 00 00 04 ca 00 00 00 02 00 00 00 00 a1 15'), Buffer.from([text.length]), text]);
    const h = Buffer.from([0x72, 0x01, 0, 0]);
    h.writeUInt16BE(data.length, 2);
    const r = run(dt(Buffer.concat([h, data, hex('72 01 00 00')])), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'create_object_response', op: 'session', identity: { vendor: 'Siemens', model: '6ES7 214-1AG40-0XB0', firmwareVersion: 'V4.2' } });
  });

  it('the unbound s7commplus entry decodes the same bytes', () => {
    const out: Pdu[] = [];
    decodeApp(s7commplus, plus('Set Variable'), 0, s7commplus.newState!(), { pdu: (p) => out.push(p), anomaly: () => {} });
    expect(out[0]).toMatchObject({ proto: 's7commplus', kind: 'set_variable_request' });
    expect(s7commplus.bindings).toEqual([]);
  });
});

describe('malformed input becomes anomalies, never bogus PDUs', () => {
  it('bad TPKT version, bad COTP length, unknown TPDU type', () => {
    expect(run(hex('04 00 00 07 02 f0 80')).anomalies).toEqual(['s7comm.bad_tpkt']);
    expect(run(hex('03 00 00 07 09 f0 80')).anomalies).toEqual(['s7comm.bad_cotp_length']);
    expect(run(hex('03 00 00 0b 06 30 00 00 00 00 00')).anomalies).toEqual(['s7comm.unknown_cotp_type']);
  });

  it('COTP data that is not S7', () => {
    expect(run(dt(Buffer.from('GET / HTTP/1.0\r\n'))).anomalies).toEqual(['s7comm.unknown_protocol_id']);
  });

  it('unknown ROSCTR, unknown function, declared lengths past the PDU, lengths short of it', () => {
    expect(run(dt(s7(5, 1, hex('04 00'))))).toEqual({ pdus: [], anomalies: ['s7comm.unknown_rosctr'] });
    const unk = run(dt(s7(1, 1, hex('77'))));
    expect(unk.anomalies).toEqual(['s7comm.unknown_function']);
    expect(unk.pdus[0]).toMatchObject({ kind: 'unknown_function_request', functionCode: 0x77, op: 'other' });
    const long = s7(1, 1, hex('04 01'));
    long.writeUInt16BE(40, 6); // parameter length 40, only 2 bytes follow
    expect(run(dt(long))).toEqual({ pdus: [], anomalies: ['s7comm.truncated'] });
    const extra = Buffer.concat([s7(1, 1, hex('f0 00 00 01 00 01 01 e0')), hex('00 00')]);
    expect(run(dt(extra)).anomalies).toEqual(['s7comm.length_mismatch']);
  });

  it('a bad read var item', () => {
    // item spec 0x11 instead of 0x12
    const r = run(dt(s7(1, 1, hex('04 01 11 0a 10 02 00 01 00 00 84 00 00 00'))));
    expect(r.anomalies).toEqual(['s7comm.bad_item']);
    expect(r.pdus[0]).toMatchObject({ kind: 'read_var_request', items: [] });
  });

  it('every prefix of every sample is an anomaly or nothing, never an exception', () => {
    for (const s of [...samples, ...plusSamples]) {
      const b = hex(s.hex);
      for (let n = 0; n < b.length; n++) {
        const r = run(b.subarray(0, n), s.dir);
        if (n < b.length) expect(r.pdus, `${s.note} prefix ${n}`).toEqual([]);
        expect(r.anomalies.length, `${s.note} prefix ${n}`).toBeGreaterThan(0);
      }
    }
  });
});

// The generated captures through the real pipeline (test/pcapgen/s7comm.ts writes them).
async function ingest(name: string) {
  const { pdus, report } = await ingestCapture(name);
  const anomalies = Object.fromEntries(Object.entries(report.anomalies).filter(([k]) => k.startsWith('s7comm') || k === 'stream.desync' || k === 'decode.exception'));
  return { pdus: pdus.filter((p) => p.proto === 's7comm' || p.proto === 's7commplus'), anomalies, protocols: report.protocols };
}

describe('S7comm generated captures through the pipeline', () => {
  it('s7comm/identify-read-write.pcap: COTP connect, setup, SZL identity (fragmented answer), split Read Var, Write Var', async () => {
    const r = await ingest('s7comm/identify-read-write.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.map((p) => p.kind)).toEqual([
      'cotp_connect_request', 'cotp_connect_confirm', 'setup_communication_request', 'setup_communication_response',
      'read_szl_request', 'read_szl_response', 'read_szl_request', 'read_szl_response', 'read_szl_request', 'read_szl_response',
      'read_var_request', 'read_var_response', 'write_var_request', 'write_var_response', 'cotp_disconnect_request',
    ]);
    const ids = r.pdus.filter((p) => p.identity).map((p) => ({ src: p.src, ...(p.identity as object) }));
    expect(ids).toEqual([
      { src: '10.102.0.20', vendor: 'Siemens', model: PLC_ID.orderNumber, hardwareVersion: '4', firmwareVersion: 'V3.2.6' },
      { src: '10.102.0.20', vendor: 'Siemens', name: PLC_ID.plcName, productName: PLC_ID.moduleName, serial: PLC_ID.serial, deviceType: PLC_ID.cpuType },
    ]);
    expect(r.pdus[10]).toMatchObject({ src: '10.102.0.10', items: [{ areaName: 'Data blocks', db: 1, byteAddress: 0, count: 2 }, { areaName: 'Flags', byteAddress: 10 }] });
    expect(r.pdus[12]).toMatchObject({ op: 'write', items: [{ db: 1, byteAddress: 4 }] });
    expect(r.protocols.s7comm).toBe(15);
  });

  it('s7comm/plc-stop-start.pcap: PLC Stop, PI P_PROGRAM start, mode pushes', async () => {
    const r = await ingest('s7comm/plc-stop-start.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.slice(4).map((p) => `${p.kind}:${p.functionName}:${p.op}`)).toEqual([
      'plc_stop_request:PLC Stop:control', 'plc_stop_response:PLC Stop:control', 'mode_transition_notify:Mode-transition:control',
      'pi_service_request:PLC Start:control', 'pi_service_response:PI-Service:control', 'mode_transition_notify:Mode-transition:control',
    ]);
    expect(r.pdus.filter((p) => p.mode).map((p) => p.mode)).toEqual(['STOP', 'RUN']);
  });

  it('s7comm/block-download.pcap: request download, download block and ended (Jobs from the PLC), _INSE', async () => {
    const r = await ingest('s7comm/block-download.pcap');
    expect(r.anomalies).toEqual({});
    const prog = r.pdus.filter((p) => p.op === 'program');
    expect(prog.map((p) => `${p.kind}:${p.src}`)).toEqual([
      'request_download_request:10.102.0.10', 'request_download_response:10.102.0.20', 'download_block_request:10.102.0.20',
      'download_block_response:10.102.0.10', 'download_ended_request:10.102.0.20', 'download_ended_response:10.102.0.10',
      'pi_service_request:10.102.0.10', 'pi_service_response:10.102.0.20',
    ]);
    expect(prog.filter((p) => p.block).map((p) => `${(p.block as { typeName: string }).typeName} ${(p.block as { number: number }).number}`)).toEqual(['DB 1', 'DB 1', 'DB 1', 'DB 1']);
  });

  it('s7comm/not-s7.pcap and not-s7-in-cotp.pcap: anomalies, no S7 PDUs', async () => {
    const a = await ingest('s7comm/not-s7.pcap');
    expect(a.pdus).toEqual([]);
    expect(a.anomalies).toEqual({ 'stream.desync': 2 });
    const b = await ingest('s7comm/not-s7-in-cotp.pcap');
    expect(b.pdus).toEqual([]);
    expect(b.anomalies).toEqual({ 's7comm.unknown_protocol_id': 1, 's7comm.unknown_cotp_type': 1 });
  });

  it('the pcapgen builders and the dissector agree (round trip)', () => {
    const b = tpktDt(userdata(0x0200, { type: 4, group: 4, sub: 1, seq: 0 }, hex('00 11 00 00')));
    expect(b).toEqual(sampleHex('Read SZL 0x0011 request').fill(0x02, 11, 12).fill(0x00, 12, 13));
    expect(run(b).pdus[0]).toMatchObject({ kind: 'read_szl_request', pduRef: 0x0200, szl: { id: 0x11, index: 0 } });
  });
});

// Omron FINS frame tests. Hex comes from the conformance samples (samples/fins.ts, samples/finstcp.ts:
// nmap's omron-info probes, a public memory area read example) or is built by hand from the field
// tables of Omron W342 §5-3 and the CJ1W-ETN21 manual §7-4-2 (FINS/TCP), as each test says.
import { describe, expect, it } from 'vitest';
import { decodeApp } from '../../src/decode/reader.js';
import type { DatagramDissector, Direction, Pdu, StreamDissector } from '../../src/decode/types.js';
import { fins, type FinsState, finstcp } from '../../src/dissectors/fins/index.js';
import { hex } from '../support/decode.js';
import { ingestCapture } from '../support/pipeline.js';
import { samples as udpSamples } from './samples/fins.js';
import { samples as tcpSamples } from './samples/finstcp.js';

type D = DatagramDissector<FinsState> | StreamDissector<FinsState>;

/** Decodes PDUs in order through one flow state, as the pipeline does. */
function session(d: D = fins) {
  const state = d.newState!();
  return (h: string | Buffer, dir: Direction = 0) => {
    const pdus: Array<Pdu & Record<string, unknown>> = [];
    const anomalies: string[] = [];
    decodeApp(d, typeof h === 'string' ? hex(h) : h, dir, state, { pdu: (p) => pdus.push(p as never), anomaly: (id) => anomalies.push(id) });
    return { pdus, anomalies, state };
  };
}
const one = (h: string | Buffer, dir: Direction = 0, d: D = fins) => session(d)(h, dir);
const sample = (list: typeof udpSamples, start: string) => list.find((s) => s.note.startsWith(start))!.hex;
/** FINS/TCP frame send around a FINS frame. */
const frameSend = (frame: string) => {
  const f = hex(frame);
  const h = Buffer.alloc(16);
  h.write('FINS', 0, 'latin1');
  h.writeUInt32BE(8 + f.length, 4);
  h.writeUInt32BE(2, 8);
  return Buffer.concat([h, f]);
};

const header = { proto: 'fins', dstNetwork: 0, srcNetwork: 0 };

describe('fins framing and probes', () => {
  it('frames each FINS/TCP sample to its length, every prefix before the length field to 0 (need more)', () => {
    for (const s of tcpSamples) {
      const b = hex(s.hex);
      expect(finstcp.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(finstcp.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(n < 8 ? 0 : b.length);
      // a following message does not change the answer
      expect(finstcp.frame(Buffer.concat([b, b]), s.dir)).toBe(b.length);
    }
  });

  it('rejects bytes that are not "FINS" as soon as they show it, and a length below 8', () => {
    expect(finstcp.frame(Buffer.from('G'), 0)).toBe(-1);
    expect(finstcp.frame(Buffer.from('FIN'), 0)).toBe(0);
    expect(finstcp.frame(Buffer.from('FINX'), 0)).toBe(-1);
    expect(finstcp.frame(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe(-1);
    expect(finstcp.frame(hex('46494e53 00000004 00000002'), 0)).toBe(-1);
    // a length past the manual's 2,020 frames as given; the framer's maxPdu bound turns it into stream.desync
    expect(finstcp.frame(hex('46494e53 00001000'), 0)).toBe(8 + 0x1000);
    expect(finstcp.maxPdu).toBe(8 + 2020);
  });

  it('probes FINS/TCP by its magic, length range and command', () => {
    for (const s of tcpSamples) expect(finstcp.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(finstcp.probe!(Buffer.from('FI'), 0)).toBe('need-more');
    expect(finstcp.probe!(hex('46494e53 0000000c 0000'), 0)).toBe('need-more');
    expect(finstcp.probe!(Buffer.from('GET / HTTP/1.1\r\n\r\n'), 0)).toBe('no');
    expect(finstcp.probe!(hex('46494e53 00000008 00000005 00000000'), 0)).toBe('no'); // command 5 is not defined
    expect(finstcp.probe!(hex('46494e53 00000004 00000000 00000000'), 0)).toBe('no'); // length below 8
    expect(finstcp.probe!(hex('46494e53 000007e5 00000002 00000000'), 0)).toBe('no'); // length above 2,020
  });

  it('probes FINS/UDP conservatively: gateway bit, reserved bits, RSV, GCT, networks, command, end code, size', () => {
    for (const s of udpSamples) expect(fins.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    const ok = '80 00 02 00 14 00 00 0a 00 01 01 01 82 0064 00 0001';
    expect(fins.probe!(hex(ok), 0)).toBe('yes');
    expect(fins.probe!(hex(ok.replace(/^80/, '00')), 0)).toBe('no'); // gateway bit clear
    expect(fins.probe!(hex(ok.replace(/^80/, '84')), 0)).toBe('no'); // a reserved ICF bit
    expect(fins.probe!(hex(ok.replace(/^80 00/, '80 01')), 0)).toBe('no'); // RSV
    expect(fins.probe!(hex(ok.replace(/^80 00 02/, '80 00 08')), 0)).toBe('no'); // GCT above 7
    expect(fins.probe!(hex(ok.replace(/^80 00 02 00/, '80 00 02 80')), 0)).toBe('no'); // DNA above 127
    expect(fins.probe!(hex(ok.replace('01 01 82', '01 09 82')), 0)).toBe('no'); // command 0109 is not defined
    expect(fins.probe!(hex('c0 00 02 00 0a 00 00 14 00 01 01 01 99 00'), 0)).toBe('no'); // MRES 0x19 is not defined
    expect(fins.probe!(hex('c0 00 02 00 0a 00 00 14 00 01 01 01'), 0)).toBe('no'); // response without its end code
    expect(fins.probe!(hex('80 00 02 00 14 00 00 0a 00 01 01'), 0)).toBe('no'); // 11 bytes
    expect(fins.probe!(Buffer.concat([hex(ok), Buffer.alloc(2012)]), 0)).toBe('no'); // longer than any FINS frame
    expect(fins.probe!(hex('12 34 01 00 00 01 00 00 00 00 00 00 07 65 78 61'), 0)).toBe('no'); // a DNS query
  });
});

describe('fins decode: commands and responses (UDP)', () => {
  it('Controller Data Read (nmap omron-info) and its response: identity of the responding CPU Unit', () => {
    const s = session();
    expect(s(sample(udpSamples, 'Controller Data Read (data 00)'))).toEqual({ anomalies: [], state: expect.anything(), pdus: [{
      ...header, kind: 'controller_data_read_request', role: 'request', functionCode: 0x0501, functionName: 'Controller Data Read', op: 'diagnostic',
      sid: 0xef, dstNode: 0, dstUnit: 0, srcNode: 0x63, srcUnit: 0, responseRequired: true, selector: 0 }] });
    const r = s(sample(udpSamples, 'Controller Data Read response'), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      ...header, kind: 'controller_data_read_response', role: 'response', functionCode: 0x0501, functionName: 'Controller Data Read', op: 'diagnostic',
      sid: 0xef, dstNode: 0x63, dstUnit: 0, srcNode: 10, srcUnit: 0, endCode: 0, controllerModel: 'CJ2M-CPU32', controllerVersion: '02.01',
      identity: { vendor: 'Omron', model: 'CJ2M-CPU32', firmwareVersion: '02.01', deviceType: 'PLC' },
      programAreaSize: 20, iomSize: 23, dmWords: 32768, timerCounterSize: 8, emBanks: 1, memoryCardType: 0, memoryCardSize: 0 }]);
  });

  it('a model or version that is not ASCII text gives no identity', () => {
    const h = sample(udpSamples, 'Controller Data Read response').replace('434a324d', '43ff324d');
    expect(one(h, 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'controller_data_read_response', dataLength: 92 }] });
    expect(one(h, 1).pdus[0]!.identity).toBeUndefined();
  });

  it('a CPU Bus Unit answering Controller Data Read is not called a PLC', () => {
    const h = sample(udpSamples, 'Controller Data Read response').replace(/^c0 00 02 00 63 00 00 0a 00/, 'c0 00 02 00 63 00 00 0a 10');
    expect(one(h, 1).pdus[0]!.identity).toEqual({ vendor: 'Omron', model: 'CJ2M-CPU32', firmwareVersion: '02.01' });
  });

  it('Memory Area Read DM100 x 20 and its response: values laid out by the command (public example)', () => {
    const s = session();
    expect(s(sample(udpSamples, 'Memory Area Read DM100')).pdus[0]).toMatchObject({
      kind: 'memory_area_read_request', op: 'read', sid: 0, dstNode: 0x41, srcNode: 0x0b, area: 0x82, areaName: 'DM word', address: 100, bit: 0, count: 20 });
    const r = s(sample(udpSamples, 'Memory Area Read response'), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'memory_area_read_response', endCode: 0, area: 0x82, address: 100, count: 20,
      values: [5000, 6000, 7000, ...Array<number>(17).fill(0)] });
    expect(r.state.pending.size).toBe(0);
  });

  it('a read response nobody asked for keeps its data length only', () => {
    const r = one(sample(udpSamples, 'Memory Area Read response'), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'memory_area_read_response', dataLength: 40 });
    expect(r.pdus[0]!.values).toBeUndefined();
  });

  it('bit areas carry one byte per element', () => {
    const s = session();
    s('80 00 02 00 14 00 00 0a 00 21 01 01 30 0064 03 0003');
    expect(s('c0 00 02 00 0a 00 00 14 00 21 01 01 00 00 01 00 01', 1).pdus[0]).toMatchObject({ area: 0x30, areaName: 'CIO bit', address: 100, bit: 3, values: [1, 0, 1] });
  });

  it('Memory Area Write, and its refusal with end code 2101 (read-only) as an exception', () => {
    const s = session();
    expect(s(sample(udpSamples, 'Memory Area Write DM200')).pdus[0]).toMatchObject({
      kind: 'memory_area_write_request', op: 'write', functionName: 'Memory Area Write', area: 0x82, address: 200, count: 2, values: [0x1234, 0x5678] });
    expect(s(sample(udpSamples, 'Memory Area Write response'), 1)).toMatchObject({ anomalies: [], pdus: [{
      kind: 'memory_area_write_response', role: 'response', endCode: 0x2101, exception: { code: 0x2101, name: 'Read-only' } }] });
  });

  it('end code flag bits are reported, not taken for errors; unlisted sub-codes are named by their main code', () => {
    const r = one(sample(udpSamples, 'Controller Status Read response'), 1);
    expect(r.pdus[0]).toMatchObject({ kind: 'controller_status_read_response', endCode: 0, cpuNonFatalError: true, status: 1, statusName: 'Run',
      mode: 4, modeName: 'RUN', fatalErrorData: 0, nonFatalErrorData: 0x0800, messageFlags: 0, falNumber: 0 });
    expect(r.pdus[0]!.exception).toBeUndefined();
    // MRES bit 7 (relay error), SRES bit 7 (fatal CPU error), end code 0x1102 under them
    expect(one('c0 00 02 00 0a 00 00 14 00 01 01 01 91 82', 1).pdus[0]).toMatchObject({
      endCode: 0x1102, relayError: true, cpuFatalError: true, exception: { code: 0x1102, name: 'Access size error' } });
    expect(one('c0 00 02 00 0a 00 00 14 00 01 01 01 11 3e', 1).pdus[0]!.exception).toEqual({ code: 0x113e, name: 'Parameter error (0x113e)' });
  });

  it('Run with its mode, Stop, Forced Set/Reset: control operations', () => {
    expect(one(sample(udpSamples, 'Run')).pdus[0]).toMatchObject({ kind: 'run_request', functionName: 'Run', op: 'control', programNumber: 0xffff, mode: 4, modeName: 'RUN' });
    expect(one(sample(udpSamples, 'Stop')).pdus[0]).toMatchObject({ kind: 'stop_request', functionName: 'Stop', op: 'control', programNumber: 0xffff });
    expect(one('80 00 02 00 14 00 00 0a 00 04 04 01').pdus[0]).toMatchObject({ kind: 'run_request', op: 'control' });
    expect(one(sample(udpSamples, 'Forced Set/Reset')).pdus[0]).toMatchObject({ kind: 'forced_set_reset_request', op: 'control', count: 1,
      items: [{ action: 1, actionName: 'Force set', area: 0x30, areaName: 'CIO bit', address: 100, bit: 3 }] });
  });

  it('clock, cycle time, error log, access right holder', () => {
    expect(one(sample(udpSamples, 'Clock Read response'), 1).pdus[0]).toMatchObject({ clock: '24-01-03 10:20:30', dayOfWeek: 3 });
    expect(one('80 00 02 00 14 00 00 0a 00 01 07 02 24 01 04 08 30').pdus[0]).toMatchObject({ kind: 'clock_write_request', op: 'write', clock: '24-01-04 08:30' });
    expect(one('c0 00 02 00 0a 00 00 14 00 01 06 20 00 00 00000032 00000050 00000028', 1).pdus[0]).toMatchObject({
      averageCycleTimeMs: 5, maxCycleTimeMs: 8, minCycleTimeMs: 4 });
    expect(one('c0 00 02 00 0a 00 00 14 00 01 21 02 00 00 0014 0001 0001 00f7 0000 30 15 04 08 24 01', 1).pdus[0]).toMatchObject({
      maxRecords: 20, storedRecords: 1, count: 1, errors: [{ code: 0xf7, detail: 0 }] });
    expect(one('c0 00 02 00 0a 00 00 14 00 01 0c 01 30 01 00 33 00', 1).pdus[0]).toMatchObject({ op: 'session',
      exception: { code: 0x3001, name: 'No access right' }, holder: { network: 0, node: 51, unit: 0 } });
  });

  it('program upload/download, file writes: op program; program bytes and file contents are not kept', () => {
    const s = session();
    s('80 00 02 00 14 00 00 0a 00 01 03 06 ffff 00000000 0004');
    expect(s('c0 00 02 00 0a 00 00 14 00 01 03 06 00 00 ffff 00000000 8004 01020304', 1).pdus[0]).toMatchObject({
      kind: 'program_area_read_response', op: 'program', programNumber: 0xffff, address: 0, count: 4, last: true, dataLength: 4 });
    expect(one('80 00 02 00 14 00 00 0a 00 02 03 07 ffff 00000000 8004 01020304').pdus[0]).toMatchObject({
      kind: 'program_area_write_request', op: 'program', count: 4, last: true, dataLength: 4 });
    const w = one(`80 00 02 00 14 00 00 0a 00 03 22 03 8000 0001 ${Buffer.from('AUTOEXEC.OBJ').toString('hex')} 00000000 0002 abcd 0004 5c4c4f47`).pdus[0]!;
    expect(w).toMatchObject({ kind: 'single_file_write_request', op: 'program', disk: 0x8000, diskName: 'Memory card', fileName: 'AUTOEXEC.OBJ',
      dataLength: 2, directory: '\\LOG' });
    expect(JSON.stringify(w)).not.toContain('abcd');
  });

  it('Multiple Memory Area Read: items and the values of the matching response', () => {
    const s = session();
    expect(s('80 00 02 00 14 00 00 0a 00 04 01 04 30 0000 00 82 000a 00').pdus[0]).toMatchObject({
      items: [{ area: 0x30, areaName: 'CIO bit', address: 0, bit: 0 }, { area: 0x82, areaName: 'DM word', address: 10, bit: 0 }] });
    expect(s('c0 00 02 00 0a 00 00 14 00 04 01 04 00 00 30 01 82 04d2', 1)).toMatchObject({ anomalies: [], pdus: [{ values: [1, 1234] }] });
  });

  it('pairs by SID per direction: a command the PLC sends does not answer the HMI`s', () => {
    const s = session();
    s('80 00 02 00 14 00 00 0a 00 07 01 01 82 0064 00 0001', 0); // HMI -> PLC, SID 7
    s('80 00 02 00 0a 00 00 14 00 07 01 02 82 0000 00 0001 abcd', 1); // PLC -> HMI, SID 7
    expect(s('c0 00 02 00 14 00 00 0a 00 07 01 02 00 00', 0).anomalies).toEqual([]); // HMI answers the PLC's write
    expect(s('c0 00 02 00 0a 00 00 14 00 07 01 01 00 00 1234', 1).pdus[0]).toMatchObject({ values: [0x1234] });
  });

  it('a command that wants no response is not remembered', () => {
    const r = one('81 00 02 00 14 00 00 0a 00 09 01 02 82 0064 00 0001 0001');
    expect(r.pdus[0]).toMatchObject({ responseRequired: false });
    expect(r.state.pending.size).toBe(0);
  });
});

describe('fins decode: malformed input', () => {
  it('shorter than header and command code, or a response without its end code: fins.truncated, no PDU', () => {
    expect(one('80 00 02 00 14 00 00 0a 00 01 01')).toEqual({ pdus: [], anomalies: ['fins.truncated'], state: expect.anything() });
    expect(one('c0 00 02 00 0a 00 00 14 00 01 01 01', 1)).toMatchObject({ pdus: [], anomalies: ['fins.truncated'] });
  });

  it('reserved ICF bits or a non-zero RSV: fins.bad_header, no PDU', () => {
    expect(one(Buffer.from('GET / HTTP/1.0\r\n\r\n'))).toMatchObject({ pdus: [], anomalies: ['fins.bad_header'] });
    expect(one('80 07 02 00 14 00 00 0a 00 01 05 01')).toMatchObject({ pdus: [], anomalies: ['fins.bad_header'] });
  });

  it('an undefined command code: a PDU named Unknown and fins.unknown_command', () => {
    expect(one('80 00 02 00 14 00 00 0a 00 01 01 09 aa bb')).toMatchObject({ anomalies: ['fins.unknown_command'], pdus: [{
      kind: 'unknown_request', functionCode: 0x0109, functionName: 'Unknown (0x0109)', op: 'other', dataLength: 2, anomalies: ['fins.unknown_command'] }] });
  });

  it('a body cut short keeps the PDU with what was read, flagged fins.truncated', () => {
    expect(one('80 00 02 00 14 00 00 0a 00 01 01 02 82 0064 00')).toMatchObject({ anomalies: ['fins.truncated'], pdus: [{
      kind: 'memory_area_write_request', op: 'write', area: 0x82, anomalies: ['fins.truncated'] }] });
  });

  it('data that disagrees with the item count: fins.length_mismatch, no values', () => {
    const r = one('80 00 02 00 14 00 00 0a 00 01 01 02 82 0064 00 0002 1234');
    expect(r.anomalies).toEqual(['fins.length_mismatch']);
    expect(r.pdus[0]!.values).toBeUndefined();
    expect(one('80 00 02 00 14 00 00 0a 00 02 03 07 ffff 00000000 8008 01020304').anomalies).toEqual(['fins.length_mismatch']);
  });

  it('a response to a different command under the same SID: fins.command_mismatch', () => {
    const s = session();
    s('80 00 02 00 14 00 00 0a 00 05 01 01 82 0064 00 0001');
    expect(s('c0 00 02 00 0a 00 00 14 00 05 05 01 00 00', 1).anomalies).toEqual(['fins.command_mismatch']);
  });

  it('lists longer than 500 items stop there: fins.too_many_items', () => {
    const items = '0001 30 0000 00'.repeat(501);
    const r = one(`80 00 02 00 14 00 00 0a 00 01 23 01 01f5 ${items}`);
    expect(r.anomalies).toEqual(['fins.too_many_items']);
    expect((r.pdus[0]!.items as unknown[]).length).toBe(500);
  });
});

describe('fins decode: FINS/TCP', () => {
  const tcp = (h: string | Buffer, dir: Direction = 0) => one(h, dir, finstcp);

  it('node address exchange: client node 0 asks for one, the server allocates it', () => {
    expect(tcp(sample(tcpSamples, 'Node address data send client'))).toMatchObject({ anomalies: [], pdus: [{
      proto: 'fins', kind: 'node_address_request', role: 'request', functionCode: 0, op: 'session', clientNode: 0 }] });
    expect(tcp(sample(tcpSamples, 'Node address data send server'), 1).pdus).toEqual([{ proto: 'fins', kind: 'node_address_response', role: 'response',
      functionCode: 1, functionName: 'Node Address Data Send (Server to Client)', op: 'session', clientNode: 11, serverNode: 20 }]);
    expect(tcp('46494e53 00000010 00000001 00000021 00000033 00000014', 1).pdus[0]).toMatchObject({ exception: { code: 0x21, name: 'Node already connected' } });
  });

  it('frame send carries a FINS frame; its PDUs are proto fins, paired over the connection', () => {
    const s = session(finstcp);
    expect(s(sample(tcpSamples, 'Frame send: Controller Data Read to')).pdus[0]).toMatchObject({ ...header, kind: 'controller_data_read_request', sid: 5, dstNode: 0x14, srcUnit: 0xef });
    expect(s(sample(tcpSamples, 'Frame send: Controller Data Read response'), 1).pdus[0]).toMatchObject({
      kind: 'controller_data_read_response', identity: { vendor: 'Omron', model: 'CJ2M-CPU32', firmwareVersion: '02.01', deviceType: 'PLC' } });
    expect(s(sample(tcpSamples, 'Frame send: Run')).pdus[0]).toMatchObject({ kind: 'run_request', op: 'control', mode: 2, modeName: 'MONITOR' });
  });

  it('frame send error notification and connection confirmation are notifications', () => {
    expect(tcp(sample(tcpSamples, 'Frame send error'), 1).pdus).toEqual([{ proto: 'fins', kind: 'frame_send_error', role: 'notify', functionCode: 3,
      functionName: 'Frame Send Error Notification', op: 'session', exception: { code: 2, name: 'Data length too long' } }]);
    expect(tcp(sample(tcpSamples, 'Connection confirmation'), 1).pdus[0]).toMatchObject({ kind: 'connection_confirmation', role: 'notify' });
  });

  it('malformed FINS/TCP raises fins.* anomalies (never finstcp.*) and no bogus PDU', () => {
    expect(tcp('46494e53 00000008 00000005 00000000')).toMatchObject({ pdus: [], anomalies: ['fins.unknown_tcp_command'] });
    expect(tcp('46494e53 0000000c 00000001 00000000 0000000b', 1)).toMatchObject({ pdus: [], anomalies: ['fins.truncated'] });
    expect(tcp('46494e53 00000008 00000002 00000000')).toMatchObject({ pdus: [], anomalies: ['fins.truncated'] });
    expect(tcp(frameSend('80 00 02 00 14'))).toMatchObject({ pdus: [], anomalies: ['fins.truncated'] });
    expect(tcp(frameSend('be 00 02 00 14 00 00 63 00 01 01 01'))).toMatchObject({ pdus: [], anomalies: ['fins.bad_header'] });
    expect(tcp(hex('46494e53 0000000a'))).toMatchObject({ pdus: [], anomalies: ['fins.truncated'] });
    const extra = tcp('46494e53 00000010 00000000 00000000 00000000 00000000');
    expect(extra).toMatchObject({ anomalies: ['fins.bad_tcp_length'], pdus: [{ kind: 'node_address_request', anomalies: ['fins.bad_tcp_length'] }] });
  });
});

describe('fins: generated captures through the pipeline', () => {
  const ingest = async (name: string) => {
    const { pdus, report } = await ingestCapture(name);
    const anomalies = Object.fromEntries(Object.entries(report.anomalies).filter(([k]) => /^(fins|finstcp|stream|tcp|decode)\./.test(k)));
    return { pdus: pdus.filter((p) => p.proto === 'fins') as Array<Pdu & Record<string, unknown>>, anomalies };
  };

  it('fins/udp-session.pcap: identity, status, reads and writes both ways, a refused write, forcing', async () => {
    const r = await ingest('fins/udp-session.pcap');
    expect(r.anomalies).toEqual({});
    expect(r.pdus.map((p) => p.kind.replace(/_(request|response)$/, ''))).toEqual([
      'controller_data_read', 'controller_data_read', 'controller_status_read', 'controller_status_read', 'memory_area_read', 'memory_area_read',
      'multiple_memory_area_read', 'multiple_memory_area_read', 'memory_area_write', 'memory_area_write', 'memory_area_fill', 'memory_area_fill',
      'memory_area_write', 'memory_area_write', 'clock_read', 'clock_read', 'clock_write', 'clock_write', 'cycle_time_read', 'cycle_time_read',
      'error_log_read', 'error_log_read', 'access_right_acquire', 'access_right_acquire', 'forced_set_reset', 'forced_set_reset',
      'forced_set_reset_cancel', 'forced_set_reset_cancel', 'memory_area_write', 'memory_area_write',
    ]);
    expect(r.pdus[1]).toMatchObject({ src: '10.96.0.20', identity: { vendor: 'Omron', model: 'CJ2M-CPU32', firmwareVersion: '02.01', deviceType: 'PLC' } });
    expect(r.pdus[5]).toMatchObject({ src: '10.96.0.20', values: [0x1388, 0x1770, 0x1b58, 0] });
    expect(r.pdus[13]).toMatchObject({ exception: { code: 0x2101, name: 'Read-only' } });
    expect(r.pdus[28]).toMatchObject({ src: '10.96.0.20', dst: '10.96.0.10', role: 'request', op: 'write', srcNode: 20, dstNode: 10 });
  });

  it('fins/tcp-session.pcap: node addresses, program upload and download, STOP/RUN, refusals, and a probe-found port', async () => {
    const r = await ingest('fins/tcp-session.pcap');
    expect(r.anomalies).toEqual({});
    const eng = r.pdus.filter((p) => p.src === '10.96.0.50' && p.role === 'request').map((p) => `${p.functionName}:${p.op}`);
    expect(eng).toEqual([
      'Node Address Data Send (Client to Server):session', 'Controller Data Read:diagnostic', 'Access Right Acquire:session', 'Stop:control',
      'Program Area Read:program', 'Program Area Clear:program', 'Program Area Write:program', 'Single File Write:program', 'Error Clear:control',
      'Run:control', 'Access Right Release:session', 'Node Address Data Send (Client to Server):session',
    ]);
    expect(r.pdus.filter((p) => p.role === 'notify').map((p) => p.kind)).toEqual(['connection_confirmation', 'frame_send_error']);
    expect(r.pdus.find((p) => p.kind === 'node_address_response' && p.exception)).toMatchObject({ exception: { code: 0x21 } });
    expect(r.pdus.filter((p) => p.src === '10.96.0.21').map((p) => p.kind)).toEqual(['node_address_response', 'memory_area_read_response']);
  });

  it('fins/not-fins.pcap: named anomalies and no FINS PDU', async () => {
    const r = await ingest('fins/not-fins.pcap');
    expect(r.pdus).toEqual([]);
    expect(r.anomalies).toEqual({
      'fins.bad_header': 3, 'fins.truncated': 2, 'fins.unknown_tcp_command': 1, 'stream.desync': 2, 'tcp.gap': 1, 'tcp.out_of_order': 1,
    });
  });
});

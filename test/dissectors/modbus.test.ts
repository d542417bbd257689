// Modbus/TCP frame tests. Hex comes from cisagov/icsnpp-modbus modbus_example.pcap
// (../shared/pcaps/modbus/icsnpp-modbus-example.pcap, `tshark -T fields -e tcp.payload`, frame numbers
// given), from the Digital Bond function-code scan (digitalbond-modbus-fc-scan.pcap), or is built by
// hand from the field tables of the Modbus Application Protocol Specification v1.1b3 (section given).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { decodeApp } from '../../src/decode/reader.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { MAX_OUTSTANDING, modbus, type ModbusState, outstanding } from '../../src/dissectors/modbus.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/modbus.js';

/** Decodes ADUs in order through one flow state, as the pipeline does. */
function session() {
  const state = modbus.newState!();
  return (h: string, dir: Direction) => {
    const pdus: Pdu[] = [];
    const anomalies: string[] = [];
    decodeApp(modbus, hex(h), dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
    return { pdus, anomalies, state: state as ModbusState };
  };
}
const one = (h: string, dir: Direction) => session()(h, dir);

const base = { proto: 'modbus' };

describe('modbus frame', () => {
  it('frames each sample to its length, every prefix to 0 (need more)', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      expect(modbus.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(modbus.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(0);
      // a following ADU does not change the answer
      expect(modbus.frame(Buffer.concat([b, b]), s.dir)).toBe(b.length);
    }
  });

  it('rejects a non-zero protocol id and lengths outside 2..254 as soon as the bytes show it', () => {
    expect(modbus.frame(hex('0001 0001'), 0)).toBe(-1);
    expect(modbus.frame(hex('0001 00'), 0)).toBe(0);
    expect(modbus.frame(hex('0001 0000 01'), 0)).toBe(-1); // length >= 256
    expect(modbus.frame(hex('0001 0000 0001 01'), 0)).toBe(-1);
    expect(modbus.frame(hex('0001 0000 00ff 01'), 0)).toBe(-1);
    expect(modbus.frame(hex('0001 0000 00fe 01'), 0)).toBe(0);
    expect(modbus.frame(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe(-1);
    expect(modbus.frame(hex('16030100850100008103'), 0)).toBe(-1); // TLS ClientHello (zeek non-modbus p502)
  });

  it('probes: yes on every sample, no on other protocols seen on port 502', () => {
    for (const s of samples) expect(modbus.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(modbus.probe!(hex('0001 0000'), 0)).toBe('need-more');
    expect(modbus.probe!(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 0)).toBe('no');
    expect(modbus.probe!(hex('05000b03100000004800000001000000'), 0)).toBe('no'); // DCE/RPC bind
    expect(modbus.probe!(hex('0300002b26e00000000000436f6f6b69'), 0)).toBe('no'); // TPKT/COTP CR
    expect(modbus.probe!(hex('000100000002ff00'), 0)).toBe('no'); // exception bit in a request
    expect(modbus.probe!(hex('0001000000020150'), 0)).toBe('no'); // function 80: not public, not user-defined
    expect(modbus.probe!(hex('000100000006010300000001 41424344'), 0)).toBe('no'); // trailing bytes are no MBAP
  });
});

describe('modbus decode: requests and responses', () => {
  it('FC1 read coils: request and matched response trimmed to the requested quantity (frames 4, 6)', () => {
    const s = session();
    expect(s('000100000006040100010001', 0)).toMatchObject({ anomalies: [], pdus: [{
      ...base, kind: 'read_coils_request', role: 'request', functionCode: 1, functionName: 'Read Coils', op: 'read',
      unit: 4, transactionId: 1, address: 1, quantity: 1 }] });
    const r = s('00010000000404010101', 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{ ...base, kind: 'read_coils_response', role: 'response', functionCode: 1, functionName: 'Read Coils',
      op: 'read', unit: 4, transactionId: 1, byteCount: 1, values: [1] }]);
    expect(outstanding(r.state)).toBe(0);
  });

  it('FC3 read holding registers response (frame 26)', () => {
    const s = session();
    s('000600000006050300010008', 0);
    expect(s('00060000001305031000aa00aa00bb00ccef84e3eb9f8be4c1', 1).pdus).toEqual([{ ...base, kind: 'read_holding_registers_response',
      role: 'response', functionCode: 3, functionName: 'Read Holding Registers', op: 'read', unit: 5, transactionId: 6, byteCount: 16,
      values: [0xaa, 0xaa, 0xbb, 0xcc, 0xef84, 0xe3eb, 0x9f8b, 0xe4c1] }]);
  });

  it('FC4 read input registers request (frame 28)', () => {
    expect(one('000700000006040400010001', 0).pdus[0]).toMatchObject({ kind: 'read_input_registers_request', functionCode: 4, address: 1, quantity: 1 });
  });

  it('FC5 / FC6 single writes and their echoes (frames 36-42)', () => {
    const s = session();
    expect(s('00090000000606050001ff00', 0).pdus).toEqual([{ ...base, kind: 'write_single_coil_request', role: 'request', functionCode: 5,
      functionName: 'Write Single Coil', op: 'write', unit: 6, transactionId: 9, address: 1, values: [1] }]);
    expect(s('00090000000606050001ff00', 1).pdus[0]).toMatchObject({ kind: 'write_single_coil_response', address: 1, values: [1] });
    expect(s('000a0000000607060001abcd', 0).pdus).toEqual([{ ...base, kind: 'write_single_register_request', role: 'request', functionCode: 6,
      functionName: 'Write Single Register', op: 'write', unit: 7, transactionId: 10, address: 1, values: [0xabcd] }]);
  });

  it('FC7 read exception status, FC8 diagnostics (frames 44-50)', () => {
    const s = session();
    expect(s('000b000000020207', 0).pdus[0]).toMatchObject({ kind: 'read_exception_status_request', op: 'read', unit: 2 });
    expect(s('000b00000003020700', 1).pdus[0]).toMatchObject({ kind: 'read_exception_status_response', status: 0 });
    expect(s('000c00000006020800020000', 0).pdus).toEqual([{ ...base, kind: 'diagnostics_request', role: 'request', functionCode: 8,
      functionName: 'Diagnostics', op: 'diagnostic', unit: 2, transactionId: 12, subFunction: 2, values: [0] }]);
  });

  it('FC11 / FC12 comm event counter and log (hand-built, §6.9-6.10)', () => {
    const s = session();
    s('0001000000020b0b', 0);
    expect(s('0001000000060b0bffff0108', 1).pdus[0]).toMatchObject({ kind: 'get_comm_event_counter_response', status: 0xffff, eventCount: 264 });
    s('0002000000020b0c', 0);
    expect(s('00020000000c0b0c09000001080121200081', 1).pdus[0]).toMatchObject({ kind: 'get_comm_event_log_response', status: 0,
      eventCount: 264, messageCount: 0x121, events: [0x20, 0x00, 0x81] });
  });

  it('FC15 / FC16 multiple writes (frames 52-58)', () => {
    const s = session();
    expect(s('000d00000008070f000100040109', 0).pdus).toEqual([{ ...base, kind: 'write_multiple_coils_request', role: 'request',
      functionCode: 15, functionName: 'Write Multiple Coils', op: 'write', unit: 7, transactionId: 13, address: 1, quantity: 4, values: [1, 0, 0, 1] }]);
    expect(s('000d00000006070f00010004', 1).pdus[0]).toMatchObject({ kind: 'write_multiple_coils_response', address: 1, quantity: 4 });
    expect(s('000e0000000f0710000100040800aa00bb00cc00dd', 0).pdus[0]).toMatchObject({ kind: 'write_multiple_registers_request',
      address: 1, quantity: 4, values: [0xaa, 0xbb, 0xcc, 0xdd] });
  });

  it('FC17 report server id (frames 60, 62)', () => {
    const s = session();
    s('000f000000020211', 0);
    expect(s(samples.find((x) => x.note.startsWith('FC17'))!.hex, 1).pdus[0]).toMatchObject({ kind: 'report_server_id_response',
      serverId: 'Zeek Modbus Test-Protocol Parsing is fun!-1.2.3.6', runIndicator: true });
  });

  it('FC20 / FC21 file records (hand-built, §6.14-6.15)', () => {
    const s = session();
    expect(s('00030000000a0b140706000400010002', 0).pdus[0]).toMatchObject({ kind: 'read_file_record_request', records: [{ file: 4, record: 1, length: 2 }] });
    expect(s('0003000000090b140605060dfe0020', 1).pdus[0]).toMatchObject({ kind: 'read_file_record_response', records: [{ values: [0x0dfe, 0x20] }] });
    expect(s('00040000000c0b15090600040007000106af', 0).pdus[0]).toMatchObject({ kind: 'write_file_record_request', op: 'write',
      records: [{ file: 4, record: 7, length: 1, values: [0x06af] }] });
  });

  it('FC22 mask write, FC23 read/write, FC24 FIFO (frames 72, 84-90)', () => {
    const s = session();
    expect(s('0012000000080416000adead0000', 0).pdus[0]).toMatchObject({ kind: 'mask_write_register_request', op: 'write', address: 10, andMask: 0xdead, orMask: 0 });
    expect(s('001500000011061700010004000200030600aa00bb00cc', 0).pdus[0]).toMatchObject({ kind: 'read_write_multiple_registers_request',
      op: 'write', address: 1, quantity: 4, writeAddress: 2, writeQuantity: 3, values: [0xaa, 0xbb, 0xcc] });
    expect(s('00150000000b06170800aa00aa00bb00cc', 1).pdus[0]).toMatchObject({ kind: 'read_write_multiple_registers_response', values: [0xaa, 0xaa, 0xbb, 0xcc] });
    expect(s('0016000000040a180000', 0).pdus[0]).toMatchObject({ kind: 'read_fifo_queue_request', address: 0 });
    expect(s('0016000000060a1800020000', 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'read_fifo_queue_response', quantity: 0, values: [] }] });
  });

  it('FC43/14 read device identification: objects and identity (frames 92, 94)', () => {
    const s = session();
    expect(s('001700000005012b0e0100', 0).pdus).toEqual([{ ...base, kind: 'read_device_identification_request', role: 'request',
      functionCode: 43, functionName: 'Read Device Identification', op: 'diagnostic', unit: 1, transactionId: 23, meiType: 14,
      readDeviceIdCode: 1, objectId: 0 }]);
    const r = s(samples.find((x) => x.note.startsWith('FC43/14 response'))!.hex, 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{ ...base, kind: 'read_device_identification_response', role: 'response', functionCode: 43,
      functionName: 'Read Device Identification', op: 'diagnostic', unit: 1, transactionId: 23, meiType: 14, readDeviceIdCode: 1,
      conformityLevel: 0x83, moreFollows: false, nextObjectId: 0,
      objects: [{ id: 0, name: 'VendorName', value: 'Zeek Modbus Test' }, { id: 1, name: 'ProductCode', value: 'Protocol Parsing is fun!' },
        { id: 2, name: 'MajorMinorRevision', value: '1.2.3.6' }],
      identity: { vendor: 'Zeek Modbus Test', productCode: 'Protocol Parsing is fun!', firmwareVersion: '1.2.3.6' } }]);
  });

  it('exception response: base function code, exception code and name (frames 99, 100)', () => {
    const s = session();
    s('00010000000600030258000a', 0);
    expect(s('000100000003008302', 1)).toEqual({ anomalies: [], state: expect.anything(), pdus: [{ ...base, kind: 'exception', role: 'response',
      functionCode: 3, functionName: 'Read Holding Registers', op: 'read', unit: 0, transactionId: 1, exception: { code: 2, name: 'Illegal Data Address' } }] });
  });

  it('FC2 read discrete inputs, FC4 / FC16 / FC21 / FC22 responses (frames 12, 14, 30, 58; hand-built FC21 echo)', () => {
    const s = session();
    expect(s('000300000006040200010001', 0).pdus[0]).toMatchObject({ kind: 'read_discrete_inputs_request', functionName: 'Read Discrete Inputs', address: 1, quantity: 1 });
    expect(s('00030000000404020100', 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'read_discrete_inputs_response', byteCount: 1, values: [0] }] });
    s('000700000006040400010001', 0);
    expect(s('0007000000050404028e2b', 1).pdus).toEqual([{ ...base, kind: 'read_input_registers_response', role: 'response', functionCode: 4,
      functionName: 'Read Input Registers', op: 'read', unit: 4, transactionId: 7, byteCount: 2, values: [0x8e2b] }]);
    s('000e0000000f0710000100040800aa00bb00cc00dd', 0);
    expect(s('000e00000006071000010004', 1).pdus).toEqual([{ ...base, kind: 'write_multiple_registers_response', role: 'response', functionCode: 16,
      functionName: 'Write Multiple Registers', op: 'write', unit: 7, transactionId: 14, address: 1, quantity: 4 }]);
    s('00040000000c0b15090600040007000106af', 0);
    expect(s('00040000000c0b15090600040007000106af', 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'write_file_record_response',
      records: [{ file: 4, record: 7, length: 1, values: [0x06af] }] }] });
    s('0012000000080416000adead0000', 0);
    expect(s('0012000000080416000adead0000', 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'mask_write_register_response', address: 10, andMask: 0xdead, orMask: 0 }] });
  });

  it('every sample decodes alone to one PDU of its direction\'s role, a response only missing its request', () => {
    for (const smp of samples) {
      const r = one(smp.hex, smp.dir);
      expect(r.pdus, smp.note).toHaveLength(1);
      expect(r.pdus[0]!.role, smp.note).toBe(smp.dir === 0 ? 'request' : 'response');
      expect(r.anomalies, smp.note).toEqual(smp.dir === 0 ? [] : ['modbus.unmatched_response']);
    }
  });
});

describe('modbus decode: malformations are anomalies', () => {
  it('unknown function codes (Digital Bond scan, frames 6 and 9): PDU with its length, modbus.unknown_function', () => {
    const s = session();
    expect(s('000000000006010000000000', 0)).toMatchObject({ anomalies: ['modbus.unknown_function'],
      pdus: [{ kind: 'unknown_request', functionCode: 0, functionName: 'Unknown (0)', op: 'other', length: 4 }] });
    expect(s('000000000003018001', 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'exception', functionCode: 0, exception: { code: 1, name: 'Illegal Function' } }] });
    // user-defined codes (§5.1) are legal: no anomaly
    expect(one('000000000006014100000000', 0)).toMatchObject({ anomalies: [], pdus: [{ kind: 'user_defined_request', functionName: 'User Defined (65)' }] });
  });

  it('a body longer than its function allows: modbus.invalid_length (Digital Bond frame 22)', () => {
    expect(one('0000000000080106000000000000', 0)).toMatchObject({ anomalies: ['modbus.invalid_length'], pdus: [{ kind: 'write_single_register_request' }] });
  });

  it('a body cut short after the function code: the PDU with what was read, and modbus.truncated', () => {
    // Digital Bond frame 62: Mask Write Register with 4 of its 6 data bytes (tshark: malformed, still counted)
    expect(one('000000000006011600000000', 0)).toEqual({ anomalies: ['modbus.truncated'], state: expect.anything(), pdus: [{ ...base,
      kind: 'mask_write_register_request', role: 'request', functionCode: 22, functionName: 'Mask Write Register', op: 'write', unit: 1,
      transactionId: 0, address: 0, andMask: 0, anomalies: ['modbus.truncated'] }] });
  });

  it('an ADU shorter than its MBAP length: only modbus.truncated, no PDU', () => {
    expect(one('0001000000060403', 0)).toEqual({ anomalies: ['modbus.truncated'], pdus: [], state: expect.anything() });
    expect(one('00010000', 0)).toEqual({ anomalies: ['modbus.truncated'], pdus: [], state: expect.anything() });
  });

  it('quantity and value limits (§6.1, 6.5, 6.12)', () => {
    expect(one('000100000006010100000000', 0).anomalies).toEqual(['modbus.invalid_quantity']);
    expect(one('000100000006010300000080', 0).anomalies).toEqual(['modbus.invalid_quantity']);
    expect(one('00010000000601050001 1234', 0).anomalies).toEqual(['modbus.invalid_value']);
    expect(one('000e0000000d0710000100040600aa00bb00cc', 0).anomalies).toEqual(['modbus.invalid_length']); // byte count 6 for 4 registers
  });

  it('wrong protocol id or length handed to decode: anomaly, no PDU', () => {
    expect(one('000100010006010300000001', 0)).toMatchObject({ anomalies: ['modbus.invalid_protocol_id'], pdus: [] });
    expect(one('0001000000010103', 0)).toMatchObject({ anomalies: ['modbus.invalid_length'], pdus: [] });
  });

  it('exceptions: unknown code, and the exception bit in a request', () => {
    expect(one('000100000003018377', 1)).toMatchObject({ anomalies: ['modbus.unmatched_response', 'modbus.unknown_exception_code'],
      pdus: [{ kind: 'exception', exception: { code: 0x77, name: 'Unknown' } }] });
    expect(one('0001000000030183 02', 0)).toMatchObject({ anomalies: ['modbus.exception_in_request'], pdus: [{ kind: 'unknown_request', functionCode: 3 }] });
    // no exception code at all: the refusal is still a PDU
    const bare = one('00010000000201 83', 1);
    expect(bare.anomalies).toEqual(['modbus.unmatched_response', 'modbus.truncated']);
    expect(bare.pdus[0]).toMatchObject({ kind: 'exception', functionCode: 3 });
    expect(bare.pdus[0]!.exception).toBeUndefined();
  });

  it('transactions: unmatched response, function mismatch, bounded outstanding requests', () => {
    const s = session();
    expect(s('00090000000404010101', 1).anomalies).toEqual(['modbus.unmatched_response']);
    s('000a00000006040100010001', 0);
    expect(s('000a0000000504030200aa', 1).anomalies).toEqual(['modbus.function_mismatch']);
    let last: string[] = [];
    for (let tid = 0; tid <= MAX_OUTSTANDING; tid++) {
      last = s(`${tid.toString(16).padStart(4, '0')}00000006010300000001`, 0).anomalies;
      if (tid < MAX_OUTSTANDING) expect(last).toEqual([]);
    }
    expect(last).toEqual(['modbus.too_many_transactions']);
    const st = s('000b000000020207', 0).state;
    expect(st.pending.size).toBe(MAX_OUTSTANDING);
    expect(st.pending.has(0)).toBe(false); // the oldest went first
  });
});

describe('modbus: pipelined transactions', () => {
  it('two outstanding requests answered out of order both match, with their quantities; then one at a time again', () => {
    const s = session();
    s('001000000006040100010003', 0); // tid 16: read 3 coils
    expect(outstanding(s('001100000006040300000001', 0).state)).toBe(2); // tid 17: read 1 register
    const r17 = s('00110000000504030200 2a', 1);
    expect(r17.anomalies).toEqual([]);
    expect(r17.pdus[0]).toMatchObject({ kind: 'read_holding_registers_response', transactionId: 17 });
    const r16 = s('00100000000404010107', 1);
    expect(r16.anomalies).toEqual([]);
    expect(r16.pdus[0]).toMatchObject({ kind: 'read_coils_response', values: [1, 1, 1] }); // trimmed to the 3 asked for
    expect(outstanding(r16.state)).toBe(0);
    s('001200000006040100010002', 0);
    const r18 = s('00120000000404010103', 1);
    expect(r18.anomalies).toEqual([]);
    expect(r18.pdus[0]).toMatchObject({ values: [1, 1] });
    expect(s('00120000000404010103', 1).anomalies).toEqual(['modbus.unmatched_response']); // answered already
  });
});

describe('modbus: generated captures through the real pipeline', () => {
  const PCAPS = join(ROOT, 'pcaps', 'modbus');
  const expected = JSON.parse(readFileSync(join(PCAPS, 'EXPECTED.json'), 'utf8')) as Record<string, {
    kinds: Record<string, number>; anomalies: Record<string, number>; identity?: Record<string, string>;
  }>;
  for (const [file, e] of Object.entries(expected)) {
    it(file, async () => {
      const pdus: Pdu[] = [];
      const collect: Analyzer = { name: 'collect', pdu: (p) => { if (p.proto === 'modbus') pdus.push(p); } };
      const report = await new Ingest(createSensor([collect]), { files: [join(PCAPS, file)] }).run();
      const kinds: Record<string, number> = {};
      for (const p of pdus) kinds[p.kind] = (kinds[p.kind] ?? 0) + 1;
      expect(kinds).toEqual(e.kinds);
      const anomalies = Object.fromEntries(Object.entries(report.anomalies).filter(([id]) => id.startsWith('modbus.') || id.startsWith('stream.')));
      expect(anomalies).toEqual(e.anomalies);
      expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
      if (e.identity) expect(pdus.find((p) => p.identity)?.identity).toEqual(e.identity);
    });
  }
});

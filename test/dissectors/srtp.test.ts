// GE SRTP frame tests. Public hex is that of Booozie-Z/Fanuc_GESRTP_Driver docs/srtp packets.txt (a
// Kepware and a Python client talking to a FANUC robot controller; see samples/srtp.ts); the rest is
// built from the field tables (DFRWS 2017 Tables 1-4, GFK-0529 chapter 3) by test/pcapgen/srtp.ts.
import { describe, expect, it } from 'vitest';
import { decodeApp } from '../../src/decode/reader.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { HEADER, MAX_PENDING, srtp, type SrtpState } from '../../src/dissectors/srtp/index.js';
import { hex } from '../support/decode.js';
import { ingestCapture } from '../support/pipeline.js';
import { ack, ackText, init, initAck, nack, piggyback, request, requestText } from '../pcapgen/srtp.js';
import { samples } from './samples/srtp.js';

/** Decodes packets in order through one flow state, as the pipeline does. */
function session() {
  const state = srtp.newState!();
  return (b: Buffer | string, dir: Direction) => {
    const pdus: Pdu[] = [];
    const anomalies: string[] = [];
    decodeApp(srtp, typeof b === 'string' ? hex(b) : b, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
    return { pdus, anomalies, state: state as SrtpState };
  };
}
const one = (b: Buffer | string, dir: Direction) => session()(b, dir);
const sample = (i: number) => samples[i]!.hex;

describe('srtp frame', () => {
  it('frames each sample to its length, every prefix to 0 (need more)', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      expect(srtp.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(srtp.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(0);
      expect(srtp.frame(Buffer.concat([b, b]), s.dir)).toBe(b.length);
    }
  });

  it('the header alone of a packet with a text buffer needs more; the text length may reach 65535', () => {
    const [h, t] = ackText(3, piggyback(1, 0), Buffer.alloc(16));
    expect(srtp.frame(h, 1)).toBe(0);
    expect(srtp.frame(Buffer.concat([h, t]), 1)).toBe(72);
    const big = Buffer.alloc(6);
    big[0] = 3;
    big.writeUInt16LE(0xffff, 4);
    expect(srtp.frame(big, 1)).toBe(0);
    expect(srtp.frame(Buffer.alloc(HEADER + 0xffff, 0).fill(0xff, 4, 6), 1)).toBe(srtp.maxPdu);
  });

  it('rejects a first byte that is no packet type, and a non-zero byte 1, as soon as the bytes show it', () => {
    expect(srtp.frame(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe(-1);
    expect(srtp.frame(hex('16030100850100008103'), 0)).toBe(-1); // TLS ClientHello
    expect(srtp.frame(hex('02'), 0)).toBe(0);
    expect(srtp.frame(hex('0201'), 0)).toBe(-1);
    expect(srtp.frame(hex('09'), 0)).toBe(-1);
    expect(srtp.frame(init(), 0)).toBe(56);
    expect(srtp.frame(Buffer.concat([hex('08'), Buffer.alloc(55)]), 1)).toBe(56); // FANUC's type 8 is framed, then reported
  });

  it('probes: yes on every sample, no on initialize packets, other protocols and implausible headers', () => {
    for (const s of samples) expect(srtp.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(srtp.probe!(hex(sample(0)).subarray(0, 30), 0)).toBe('need-more');
    expect(srtp.probe!(init(), 0)).toBe('no');
    expect(srtp.probe!(initAck(), 1)).toBe('no');
    expect(srtp.probe!(hex(sample(0)), 1)).toBe('no'); // a request from the server
    expect(srtp.probe!(hex(sample(1)), 0)).toBe('no'); // a response from the client
    expect(srtp.probe!(Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\n${'x'.repeat(60)}`), 0)).toBe('no');
    const reserved = hex(sample(0));
    reserved[22] = 1;
    expect(srtp.probe!(reserved, 0)).toBe('no');
    const mailbox = hex(sample(0));
    mailbox[31] = 0xd4;
    expect(srtp.probe!(mailbox, 0)).toBe('no');
    const packet = hex(sample(0));
    packet[40] = 2; // packet 2 of 1
    expect(srtp.probe!(packet, 0)).toBe('no');
    // a response header whose text buffer is still to come is enough
    expect(srtp.probe!(ackText(3, piggyback(1, 0), Buffer.alloc(16))[0], 1)).toBe('yes');
    // more bytes after a whole packet must start another one
    expect(srtp.probe!(Buffer.concat([hex(sample(0)), hex(sample(2))]), 0)).toBe('yes');
    expect(srtp.probe!(Buffer.concat([hex(sample(0)), Buffer.from('junk')]), 0)).toBe('no');
  });
});

describe('srtp decode: public request/response pairs', () => {
  it('Session Control request and its ACK: matched by sequence numbers, with the PLC status', () => {
    const s = session();
    expect(s(sample(0), 0)).toMatchObject({ anomalies: [], pdus: [{
      proto: 'srtp', kind: 'session_control_request', role: 'request', functionCode: 0x4f, functionName: 'Session Control', op: 'session',
      category: 'command', sequence: 1, mailboxSequence: 1, mailboxType: 'initial_request' }] });
    const r = s(sample(1), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'srtp', kind: 'session_control_response', role: 'response', functionCode: 0x4f, functionName: 'Session Control', op: 'session',
      category: 'command', sequence: 1, mailboxSequence: 1, mailboxType: 'completion_ack',
      controlProgram: -1, privilegeLevel: 2, sweepTimeMs: 0, statusWord: 0x217c, plcStateCode: 2, plcStateName: 'Stop I/O disabled',
      plcState: 'stop', programmerAttached: true }]);
    expect(r.state.pending.size).toBe(0);
  });

  it('Read System Memory %AI11 (1 word) and %R2001 (40 words, answered with an 80-byte text buffer)', () => {
    const s = session();
    expect(s(sample(4), 0).pdus[0]).toMatchObject({ kind: 'read_system_memory_request', functionCode: 4, op: 'read', category: 'system_memory',
      segmentSelector: 0x0a, memoryType: '%AI', access: 'word', address: 10, count: 1, sequence: 0xae, mailboxSequence: 6 });
    expect(s(sample(5), 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'read_system_memory_response', functionCode: 4, privilegeLevel: 0, controlProgram: 0 }] });
    expect(s(sample(6), 0).pdus[0]).toMatchObject({ memoryType: '%R', address: 2000, count: 40, sequence: 0x6870 });
    expect(s(sample(7), 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'read_system_memory_response', mailboxType: 'completion_ack_with_text',
      textLength: 80, privilegeLevel: 4, plcState: 'stop' }] });
  });

  it('Write System Memory with a text buffer (0x80): selector, offset and length at 51-55', () => {
    const s = session();
    expect(s(sample(8), 0)).toMatchObject({ anomalies: [], pdus: [{ kind: 'write_system_memory_request', functionCode: 7, op: 'write',
      mailboxType: 'initial_request_with_text', memoryType: '%R', address: 11000, count: 2, textLength: 4, sequence: 0xc1, mailboxSequence: 9 }] });
    expect(s(sample(9), 1).pdus[0]).toMatchObject({ kind: 'write_system_memory_response', functionCode: 7, privilegeLevel: 4 });
  });
});

describe('srtp decode: control, privilege and errors', () => {
  it('the initialize exchange is session set-up without a function code', () => {
    const s = session();
    expect(s(init(), 0).pdus).toEqual([{ proto: 'srtp', kind: 'connect_request', role: 'request', functionName: 'Initialize', op: 'session' }]);
    expect(s(initAck(), 1).pdus).toEqual([{ proto: 'srtp', kind: 'connect_response', role: 'response', functionName: 'Initialize Acknowledge', op: 'session' }]);
  });

  it('an Error NACK to a privilege change is an exception with major and minor status', () => {
    const s = session();
    expect(s(request(7, 0x21), 0).pdus[0]).toMatchObject({ kind: 'change_privilege_level_request', op: 'control' });
    expect(s(nack(7, 0x05, 0xf5), 1)).toMatchObject({ anomalies: [], pdus: [{ kind: 'change_privilege_level_response', functionCode: 0x21,
      mailboxType: 'error_nack', majorStatus: 5, minorStatus: 0xf5, exception: { code: 0x05f5, name: 'Service request error: invalid password' } }] });
    const r = one(nack(1, 0x02, 0), 1);
    expect(r.anomalies).toEqual(['srtp.unmatched_response']);
    expect(r.pdus[0]).toMatchObject({ kind: 'response', exception: { code: 0x0200, name: 'Insufficient privilege' } });
    expect(r.pdus[0]).not.toHaveProperty('functionCode');
  });

  it('privilege and run/stop changes show against the flow\'s previous ACK', () => {
    const s = session();
    s(request(1, 0x00), 0);
    expect(s(ack(1, piggyback(1, 0)), 1).pdus[0]).not.toHaveProperty('previousPrivilegeLevel');
    s(request(2, 0x21), 0);
    expect(s(ack(2, piggyback(3, 0)), 1).pdus[0]).toMatchObject({ privilegeLevel: 3, previousPrivilegeLevel: 1 });
    expect(s(request(3, 0x23, [0x02]), 0).pdus[0]).toMatchObject({ kind: 'set_plc_state_request', functionName: 'Set PLC State', op: 'control', stateCode: 2 });
    expect(s(ack(3, piggyback(3, 6)), 1).pdus[0]).toMatchObject({ kind: 'set_plc_state_response', plcState: 'stop', plcStateName: 'Stop I/O enabled',
      previousPlcState: 'run', previousPlcStateCode: 0 });
    s(request(4, 0x20), 0);
    expect(s(ack(4, piggyback(3, 6, 0x0040)), 1).pdus[0]).toMatchObject({ kind: 'programmer_logon_response', op: 'program', programmerAttached: true });
  });

  it('file services and program transfers are categorised for the rules', () => {
    expect(one(request(1, 0x1e), 0).pdus[0]).toMatchObject({ functionName: 'Write File', op: 'program', category: 'file' });
    expect(one(requestText(1, 0x3f, [], Buffer.alloc(8)), 0).pdus[0]).toMatchObject({ functionName: 'Program Store', op: 'program', textLength: 8 });
    expect(one(request(1, 0x53), 0).pdus[0]).toMatchObject({ functionName: 'Load OS Extension', op: 'firmware' });
  });
});

describe('srtp decode: malformed input raises named anomalies and no bogus PDU', () => {
  it('a short header and a text buffer cut short are truncated', () => {
    expect(one(hex(sample(0)).subarray(0, 40), 0)).toMatchObject({ pdus: [], anomalies: ['srtp.truncated'] });
    expect(one(hex(sample(8)).subarray(0, 58), 0)).toMatchObject({ pdus: [], anomalies: ['srtp.truncated'] });
  });

  it('unknown packet types and mailbox types are not decoded', () => {
    const t8 = hex(sample(0));
    t8[0] = 8;
    expect(one(t8, 0)).toEqual({ pdus: [], anomalies: ['srtp.unknown_packet_type'], state: expect.anything() });
    const b1 = hex(sample(0));
    b1[1] = 1;
    expect(one(b1, 0).anomalies).toEqual(['srtp.unknown_packet_type']);
    const mb = hex(sample(0));
    mb[31] = 0x94; // a response mailbox in a request
    expect(one(mb, 0)).toMatchObject({ pdus: [], anomalies: ['srtp.bad_mailbox_type'] });
  });

  it('an unknown service code, a bad packet number and trailing bytes are reported on a decoded PDU', () => {
    expect(one(request(1, 0x70), 0)).toMatchObject({ anomalies: ['srtp.unknown_service'], pdus: [{ kind: 'unknown_request', functionCode: 0x70,
      functionName: 'Service Request 0x70', op: 'other' }] });
    const pn = request(1, 0x04);
    pn[40] = 0;
    expect(one(pn, 0).anomalies).toEqual(['srtp.bad_packet_number']);
    expect(one(Buffer.concat([request(1, 0x00), Buffer.from([0])]), 0).anomalies).toEqual(['srtp.length_mismatch']);
  });

  it(`keeps at most ${MAX_PENDING} outstanding requests per flow`, () => {
    const s = session();
    let r = s(request(0, 0x04), 0);
    for (let i = 1; i <= MAX_PENDING; i++) r = s(request(i, 0x04), 0);
    expect(r.anomalies).toEqual(['srtp.too_many_pending']);
    expect(r.state.pending.size).toBe(MAX_PENDING);
    expect(s(ack(0, piggyback(1, 0)), 1).anomalies).toEqual(['srtp.unmatched_response']); // the oldest was forgotten
  });
});

// The generated captures through the real pipeline (test/pcapgen/srtp.ts writes them).
describe('GE SRTP generated captures through the pipeline', () => {
  it('srtp/session.pcap: initialize, reads, a write, privilege, logon, stop/run and a program store', async () => {
    const { pdus: all, report } = await ingestCapture('srtp/session.pcap');
    const pdus = all.filter((p) => p.proto === 'srtp');
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('srtp.') || k === 'stream.desync' || k.startsWith('tcp.'))).toEqual([]);
    const req = (k: string) => [`${k}_request`, `${k}_response`];
    expect(pdus.map((p) => p.kind)).toEqual([
      'connect_request', 'connect_response', ...req('return_controller_type_and_id'), ...req('plc_short_status'),
      ...req('read_system_memory'), ...req('read_system_memory'), ...req('return_plc_time_date'), ...req('write_system_memory'),
      ...req('change_privilege_level'), ...req('change_privilege_level'), ...req('programmer_logon'), ...req('set_plc_state'),
      ...req('program_store'), ...req('set_plc_state'), ...req('return_fault_table'),
    ]);
    expect(pdus[7]).toMatchObject({ src: '10.245.0.20', textLength: 16, mailboxType: 'completion_ack_with_text' });
    expect(pdus[15]).toMatchObject({ src: '10.245.0.20', exception: { code: 0x05f5 } });
    expect(pdus[17]).toMatchObject({ privilegeLevel: 4, previousPrivilegeLevel: 1 });
    expect(pdus[21]).toMatchObject({ functionCode: 0x23, plcState: 'stop', previousPlcState: 'run' });
    expect(pdus[25]).toMatchObject({ functionCode: 0x23, plcState: 'run', previousPlcState: 'stop' });
  });

  it('srtp/not-srtp.pcap: HTTP, garbage after a gap and undecodable packets give anomalies and no SRTP PDU', async () => {
    const { pdus, report } = await ingestCapture('srtp/not-srtp.pcap');
    expect(pdus.filter((p) => p.proto === 'srtp')).toEqual([]);
    expect(report.anomalies).toMatchObject({ 'stream.desync': 2, 'tcp.gap': 1, 'srtp.bad_mailbox_type': 1, 'srtp.unknown_packet_type': 1 });
    expect(report.anomalies).not.toHaveProperty('decode.exception');
  });
});

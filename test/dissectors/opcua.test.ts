// Frame tests for OPC UA binary (Part 6 §7.1 UA TCP, §6.7 secure conversation). Hex comes from the
// public capture icsnpp-open62541-non-standard-port.pcap (open62541 on TCP 48010, frame numbers as
// tshark numbers them with `-d tcp.port==48010,opcua`), from icsnpp-python-opcua-encrypted-null-linktype
// (python-opcua, Basic256Sha256 channel), or is built by hand from the spec tables where noted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { opcua, type OpcuaState } from '../../src/dissectors/opcua.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { hex } from '../support/decode.js';
import { ROOT } from '../support/env.js';
import { samples } from './samples/opcua.js';

function run(h: string | Buffer, dir: Direction = 0, state: OpcuaState = opcua.newState!()) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(opcua, typeof h === 'string' ? hex(h) : h, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies, state };
}
const sample = (frameNo: number) => samples.find((s) => s.note.includes(`(frame ${frameNo})`))!.hex;
const NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';

describe('opcua connection protocol (§7.1.2)', () => {
  it('Hello: buffer sizes and endpoint URL', () => {
    const r = run(sample(5));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'opcua', kind: 'hello', messageType: 'HEL', role: 'request', functionName: 'Hello', op: 'session',
      protocolVersion: 0, receiveBufferSize: 65535, sendBufferSize: 65535, maxMessageSize: 0, maxChunkCount: 0,
      endpointUrl: 'opc.tcp://192.168.224.102:4840',
    }]);
  });

  it('Acknowledge', () => {
    const r = run(sample(7), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'acknowledge', messageType: 'ACK', role: 'response', op: 'session', receiveBufferSize: 65535 });
  });

  it('Error: status code name and reason', () => {
    // hand-built (§7.1.2.5): BadTcpMessageTypeInvalid, reason "bad"
    const r = run('45 52 52 46 13 00 00 00  00 00 7e 80  03 00 00 00 62 61 64', 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{ proto: 'opcua', kind: 'error', messageType: 'ERR', role: 'response', functionName: 'Error', op: 'session', exception: { code: 0x807e0000, name: 'BadTcpMessageTypeInvalid' }, reason: 'bad' }]);
  });

  it('ReverseHello: server URI and endpoint URL', () => {
    // hand-built (§7.1.2.6): ServerUri "urn:s", EndpointUrl "opc.tcp://h"
    const r = run('52 48 45 46 1e 00 00 00  05 00 00 00 75 72 6e 3a 73  0b 00 00 00 6f 70 63 2e 74 63 70 3a 2f 2f 68', 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'reverse_hello', role: 'notify', serverUri: 'urn:s', endpointUrl: 'opc.tcp://h' });
  });

  it('small buffers, a chunked Hello, a bad string length and a cut message are named', () => {
    // frame 7 with ReceiveBufferSize 0x1000
    expect(run('41434b461c00000000000000 00100000 ffff0000 0000000000000000', 1).anomalies).toEqual(['opcua.buffer_too_small']);
    expect(run('41434b431c00000000000000ffff0000ffff00000000000000000000', 1).anomalies).toEqual(['opcua.bad_chunk_type']);
    expect(run('48454c461c00000000000000ffff0000ffff0000000000000000000000 fe ff ff ff').anomalies).toEqual(['opcua.bad_string_length']);
    expect(run('41434b461400000000000000ffff0000', 1).anomalies).toEqual(['opcua.truncated']);
    expect(run('41434b461c00000000000000ffff0000ffff0000000000000000000000', 1).anomalies).toEqual(['opcua.trailing_bytes']);
  });
});

describe('opcua secure conversation (§6.7)', () => {
  it('OpenSecureChannel request and response under policy None', () => {
    const st = opcua.newState!();
    const req = run(sample(9), 0, st);
    expect(req.anomalies).toEqual([]);
    expect(req.pdus[0]).toEqual({
      proto: 'opcua', kind: 'open_secure_channel', messageType: 'OPN', chunk: 'F', role: 'request', op: 'session', channelId: 0,
      securityPolicy: NONE, sequenceNumber: 1, requestId: 1, functionCode: 446, functionName: 'OpenSecureChannelRequest',
      requestType: 'Issue', securityMode: 'None',
    });
    const resp = run(sample(11), 1, st);
    expect(resp.anomalies).toEqual([]);
    expect(resp.pdus[0]).toMatchObject({ role: 'response', functionCode: 449, functionName: 'OpenSecureChannelResponse', channelId: 9, tokenId: 9 });
    expect(st).toMatchObject({ policy: NONE, securityMode: 1, channelId: 9 });
  });

  it('MSG services: names, op classes, endpoint URLs', () => {
    const st = opcua.newState!();
    const ge = run(sample(13), 0, st).pdus[0]!;
    expect(ge).toMatchObject({ kind: 'message', messageType: 'MSG', channelId: 9, tokenId: 9, sequenceNumber: 2, requestId: 2, functionCode: 428, functionName: 'GetEndpointsRequest', op: 'discovery', role: 'request', endpointUrl: 'opc.tcp://192.168.224.102:4840' });
    const cs = run(sample(39)).pdus[0]!;
    expect(cs).toMatchObject({ functionCode: 461, functionName: 'CreateSessionRequest', op: 'session', applicationUri: 'urn:unconfigured:application', endpointUrl: 'opc.tcp://192.168.224.102:4840' });
    expect(run(sample(47)).pdus[0]).toMatchObject({ functionCode: 527, functionName: 'BrowseRequest', op: 'read' });
    expect(run(sample(87)).pdus[0]).toMatchObject({ functionCode: 631, functionName: 'ReadRequest', op: 'read' });
    expect(run(sample(89), 1).pdus[0]).toMatchObject({ functionCode: 634, functionName: 'ReadResponse', role: 'response', op: 'read' });
    expect(run(sample(91)).pdus[0]).toMatchObject({ functionCode: 673, functionName: 'WriteRequest', op: 'write' });
    expect(run(sample(57), 1).pdus[0]).toMatchObject({ functionCode: 790, functionName: 'CreateSubscriptionResponse', role: 'response' });
    const clo = run(sample(17));
    expect(clo.anomalies).toEqual([]);
    expect(clo.pdus[0]).toMatchObject({ kind: 'close_secure_channel', messageType: 'CLO', functionCode: 452, functionName: 'CloseSecureChannelRequest', op: 'session' });
  });

  it('GetEndpointsResponse: the server\'s endpoints with mode, policy and application URI', () => {
    // open62541 frame 15
    const r = run('4d534746e2010000090000000900000002000000020000000100af012e26f0edde0cd601010000000000000000ffffffff000000010000001e0000006f70632e7463703a2f2f3139322e3136382e3232342e3130323a343834302000000075726e3a6f70656e36323534312e7365727665722e6170706c69636174696f6e14000000687474703a2f2f6f70656e36323534312e6f72670302000000656e220000006f70656e36323534312d6261736564204f5043205541204170706c69636174696f6e00000000ffffffffffffffffffffffffffffffff010000002f000000687474703a2f2f6f7063666f756e646174696f6e2e6f72672f55412f5365637572697479506f6c696379234e6f6e65020000001a0000006f70656e36323534312d616e6f6e796d6f75732d706f6c69637900000000ffffffffffffffffffffffff190000006f70656e36323534312d757365726e616d652d706f6c69637901000000ffffffffffffffff2f000000687474703a2f2f6f7063666f756e646174696f6e2e6f72672f55412f5365637572697479506f6c696379234e6f6e6541000000687474703a2f2f6f7063666f756e646174696f6e2e6f72672f55412d50726f66696c652f5472616e73706f72742f75617463702d756173632d756162696e61727901', 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({
      functionCode: 431, functionName: 'GetEndpointsResponse', op: 'discovery', role: 'response', serverApplicationUri: 'urn:open62541.server.application',
      endpoints: [{ endpointUrl: 'opc.tcp://192.168.224.102:4840', securityMode: 'None', securityPolicy: NONE }],
    });
  });

  it('Call is a write; a bad service result is an exception; ServiceFault is a response', () => {
    // hand-built: MSG CallRequest (i=712) with a null request header and no methods
    const call = '4d5347462f000000 01000000 01000000 02000000 02000000 01 00 c8 02  0000 0000000000000000 00000000 00000000 ffffffff 00000000 000000 00000000';
    const r = run(call);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ functionCode: 712, functionName: 'CallRequest', op: 'write' });
    // hand-built: ServiceFault (i=397) with BadSessionIdInvalid
    const fault = run('4d53474635000000 01000000 01000000 03000000 02000000 01 00 8d 01  0000000000000000 00000000 00002580 00 00000000 000000', 1);
    expect(fault.anomalies).toEqual([]);
    expect(fault.pdus[0]).toMatchObject({ functionCode: 397, functionName: 'ServiceFault', role: 'response', exception: { code: 0x80250000, name: 'BadSessionIdInvalid' } });
  });

  it('per-flow state: channel id and sequence numbers are checked', () => {
    const st = opcua.newState!();
    run(sample(9), 0, st);
    run(sample(11), 1, st);
    expect(run(sample(13), 0, st).anomalies).toEqual([]);                // seq 2 after 1, channel 9
    expect(run(sample(17), 0, st).anomalies).toEqual([]);                // seq 3
    // frame 39 belongs to channel 10 with seq 3: both checks fire
    expect(run(sample(39), 0, st).anomalies).toEqual(['opcua.channel_id_mismatch', 'opcua.unexpected_sequence_number']);
  });

  it('under Basic256Sha256: OPN is encrypted, a signed MSG is still read, ciphertext is recorded as encrypted', () => {
    const st = opcua.newState!();
    const policy = 'http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256';
    const p = Buffer.from(policy);
    const len = Buffer.alloc(4); len.writeUInt32LE(p.length);
    // OPN header as in python-opcua frame 31 (policy, certificate and thumbprint); body replaced by 16 opaque bytes
    const body = Buffer.concat([Buffer.from('00000000', 'hex'), len, p, Buffer.from('ffffffffffffffff', 'hex'), Buffer.alloc(16, 0xa5)]);
    const size = Buffer.alloc(4); size.writeUInt32LE(8 + body.length);
    const opn = run(Buffer.concat([Buffer.from('OPNF'), size, body]), 0, st);
    expect(opn.pdus[0]).toMatchObject({ kind: 'open_secure_channel', securityPolicy: policy, encrypted: true, functionCode: 446, functionName: 'OpenSecureChannelRequest' });
    expect(opn.pdus[0]).not.toHaveProperty('sequenceNumber');
    // the response's header assigns channel 7 even though its body is ciphertext
    const resp = Buffer.concat([Buffer.from('OPNF'), size, Buffer.from('07000000', 'hex'), body.subarray(4)]);
    expect(run(resp, 1, st).pdus[0]).toMatchObject({ role: 'response', functionCode: 449, channelId: 7, encrypted: true });
    expect(st.channelId).toBe(7);
    expect(run('4d5347461c000000 08000000 0e000000 9a3c51e2 77b0c4d1 8f2e6a03', 0, st).anomalies).toEqual(['opcua.channel_id_mismatch']);
    // python-opcua frame 35 (mode Sign): MSG whose body starts with CreateSessionRequest (i=461)
    const signed = run('4d5347461c000000 07000000 0e000000 02000000 02000000 0100cd01', 0, st);
    expect(signed.pdus[0]).toMatchObject({ functionCode: 461, functionName: 'CreateSessionRequest', sequenceNumber: 2 });
    expect(signed.pdus[0]).not.toHaveProperty('encrypted');
    // the same header with ciphertext after the token id
    const enc = run('4d5347461c000000 07000000 0e000000 9a3c51e2 77b0c4d1 8f2e6a03', 0, st);
    expect(enc.anomalies).toEqual([]);
    expect(enc.pdus[0]).toMatchObject({ kind: 'message', functionName: 'encrypted', encrypted: true, channelId: 7, tokenId: 14 });
  });

  it('multi-chunk messages: later chunks keep the first chunk\'s service; abort carries a status', () => {
    const st = opcua.newState!();
    // hand-built: ReadRequest split in two chunks ('C' then 'F'), then an abort chunk
    expect(run('4d5347431c000000 01000000 01000000 01000000 05000000 01007702', 0, st).pdus[0]).toMatchObject({ chunk: 'C', functionName: 'ReadRequest' });
    const f = run('4d53474618000000 01000000 01000000 02000000 05000000 00000000', 0, st);
    expect(f.anomalies).toEqual([]);
    expect(f.pdus[0]).toMatchObject({ chunk: 'F', functionCode: 631, continuation: true });
    const a = run('4d53474120000000 01000000 01000000 03000000 06000000 00008080 00000000 ', 0, st);
    expect(a.pdus[0]).toMatchObject({ chunk: 'A', functionName: 'Abort', exception: { code: 0x80800000, name: 'BadTcpMessageTooLarge' } });
    expect(run('4d5347461c000000 01000000 01000000 04000000 07000000 0100ffff', 0, st).anomalies).toEqual(['opcua.unknown_service']);
  });
});

describe('opcua framing and probe', () => {
  it('every prefix of every sample needs more; the whole sample frames to its length', () => {
    for (const s of samples) {
      const b = hex(s.hex);
      expect(opcua.frame(b, s.dir), s.note).toBe(b.length);
      for (let n = 0; n < b.length; n++) expect(opcua.frame(b.subarray(0, n), s.dir), `${s.note} prefix ${n}`).toBe(n < 8 ? 0 : b.length);
    }
  });

  it('rejects unknown message types, chunk types and sizes outside 8..16 MiB', () => {
    expect(opcua.frame(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe(-1);
    expect(opcua.frame(Buffer.from('HEX'), 0)).toBe(-1);
    expect(opcua.frame(hex('48454c5820000000'), 0)).toBe(-1);          // chunk type 'X'
    expect(opcua.frame(hex('4d53474607000000'), 0)).toBe(-1);          // size 7
    expect(opcua.frame(hex('4d53474601000001'), 0)).toBe(-1);          // 16 MiB + 1
    expect(opcua.frame(hex('4d53474600000001'), 0)).toBe(16 * 1024 * 1024);
  });

  it('probe: yes on messages, no on other bytes, need-more on a short head', () => {
    for (const s of samples) expect(opcua.probe!(hex(s.hex), s.dir), s.note).toBe('yes');
    expect(opcua.probe!(hex('48454c46'), 0)).toBe('need-more');
    expect(opcua.probe!(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe('no');
    expect(opcua.probe!(Buffer.from('HELO smtp.example.org\r\n'), 0)).toBe('no');
    expect(opcua.probe!(hex('41434b4620000000'), 1)).toBe('no');        // ACK is always 28 bytes
    expect(opcua.probe!(hex('4d53474610000000'), 0)).toBe('no');        // MSG too short for its headers
  });
});

describe('opcua generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Array<Pdu & { src: string }> = [];
    const collect: Analyzer = { name: 'collect', pdu(p, flow, dir) { if (p.proto === 'opcua') pdus.push({ ...p, src: flow ? (dir === 0 ? flow.clientIp : flow.serverIp) : '' }); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'opcua', name)] }).run();
    return { pdus, report };
  }
  const SESSION = [
    '10.48.0.10 Hello', '10.48.0.20 Acknowledge',
    '10.48.0.10 OpenSecureChannelRequest', '10.48.0.20 OpenSecureChannelResponse',
    '10.48.0.10 CreateSessionRequest', '10.48.0.20 CreateSessionResponse',
    '10.48.0.10 ActivateSessionRequest', '10.48.0.20 ActivateSessionResponse',
    '10.48.0.10 ReadRequest', '10.48.0.20 ReadResponse',
    '10.48.0.10 BrowseRequest', '10.48.0.20 BrowseResponse',
    '10.48.0.10 CloseSessionRequest', '10.48.0.20 CloseSessionResponse',
    '10.48.0.10 CloseSecureChannelRequest',
  ];

  for (const [name, port] of [['session.pcap', 4840], ['non-standard-port.pcap', 48010]] as const) {
    it(`${name}: a policy-None session on ${port}`, async () => {
      const { pdus, report } = await replay(name);
      expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
      expect(Object.keys(report.anomalies).filter((k) => k.startsWith('opcua.') || k === 'stream.desync')).toEqual([]);
      expect(pdus.map((p) => `${p.src} ${p.functionName}`)).toEqual(SESSION);
      expect(pdus[0]).toMatchObject({ endpointUrl: `opc.tcp://10.48.0.20:${port}` });
      expect(pdus[2]).toMatchObject({ securityPolicy: NONE, securityMode: 'None' });
      expect(pdus[4]).toMatchObject({ applicationUri: 'urn:otsensor:test-client' });
      expect(pdus.filter((p) => p.op === 'read').length).toBe(4);
    });
  }

  it('not-opcua.pcap: text on port 4840 gives no OPC UA PDUs, only a framing anomaly', async () => {
    const { pdus, report } = await replay('not-opcua.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies['stream.desync']).toBeGreaterThan(0);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});

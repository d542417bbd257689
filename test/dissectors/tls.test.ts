// Frame tests for TLS records (RFC 8446 §5.1) and hellos (§4.1.2 ClientHello with RFC 6066 §3 SNI
// and RFC 7301 ALPN, §4.1.3 ServerHello). Hex comes from the public capture
// zeek-modbus-and-non-modbus-p502 (frame 49, as tshark numbers it) or test/pcapgen/it.ts builders.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { tls, type TlsState } from '../../src/dissectors/tls.js';
import { hex } from '../support/decode.js';
import { clientHello, record } from '../pcapgen/it.js';
import { samples } from './samples/tls.js';

function run(data: Buffer, dir: Direction = 0, state: TlsState = tls.newState!()) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(tls, data, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies, state };
}

describe('tls hellos', () => {
  it('ClientHello without SNI (zeek p502 frame 49)', () => {
    const data = hex(samples[0]!.hex);
    expect(tls.frame(data, 0)).toBe(data.length);
    const r = run(data);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ proto: 'tls', kind: 'client_hello', role: 'request', functionName: 'ClientHello', version: 'TLS 1.2', recordVersion: 'TLS 1.0', cipherSuiteCount: 16 });
    expect(r.pdus[0]!.serverName).toBeUndefined();
  });

  it('ClientHello with SNI, ALPN and supported_versions (hand-built)', () => {
    const r = run(hex(samples[1]!.hex));
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'client_hello', serverName: 'historian.plant.local', alpn: ['h2', 'http/1.1'], supportedVersions: ['TLS 1.3', 'TLS 1.2'], cipherSuiteCount: 2 });
  });

  it('ServerHello: chosen suite, TLS 1.3 from supported_versions (hand-built)', () => {
    const r = run(hex(samples[2]!.hex), 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ kind: 'server_hello', role: 'response', version: 'TLS 1.3', cipherSuite: 0x1301, cipherSuiteHex: '0x1301' });
  });

  it('an SNI that is not a host name is flagged', () => {
    expect(run(clientHello('bad name\x00')).anomalies).toEqual(['tls.bad_sni']);
  });
});

describe('tls records', () => {
  it('after ChangeCipherSpec handshake records are encrypted; application data by length only', () => {
    const st = tls.newState!();
    expect(run(record(20, [1], 0x0303), 0, st).pdus[0]).toMatchObject({ kind: 'change_cipher_spec' });
    expect(run(record(22, [0xde, 0xad, 0xbe, 0xef], 0x0303), 0, st).pdus[0]).toMatchObject({ kind: 'encrypted_handshake', length: 4 });
    expect(run(record(23, [1, 2, 3], 0x0303), 0, st).pdus[0]).toMatchObject({ kind: 'application_data', length: 3 });
    expect(run(record(21, [2, 40], 0x0303), 1).pdus[0]).toMatchObject({ kind: 'alert', level: 2, description: 40 });
  });

  it('a handshake message longer than its record is a fragment', () => {
    expect(run(record(22, [1, 0, 1, 0, 3, 3])).anomalies).toEqual(['tls.handshake_fragment']);
  });

  it('frame: prefixes need more, two records frame one at a time, non-TLS is -1', () => {
    for (const s of samples) {
      const data = hex(s.hex);
      for (let n = 0; n < 5; n++) expect(tls.frame(data.subarray(0, n), s.dir)).toBe(0);
      for (let n = 5; n < data.length; n++) expect(tls.frame(data.subarray(0, n), s.dir)).toBe(data.length);
      expect(tls.probe!(data, s.dir)).toBe('yes');
    }
    const two = Buffer.concat([record(20, [1]), record(23, [9, 9])]);
    expect(tls.frame(two, 0)).toBe(6);
    expect(tls.frame(Buffer.from('GET / HTTP/1.1\r\n'), 0)).toBe(-1);
    expect(tls.frame(hex('16 03 05 00 10'), 0)).toBe(-1); // version beyond 1.3
    expect(tls.frame(hex('17 03 03 ff ff'), 0)).toBe(-1); // longer than 2^14 + 2048
    expect(tls.probe!(hex('17 03 03 00 02 01 02'), 0)).toBe('no'); // mid-stream data does not start a flow
    expect(tls.probe!(hex('16 03 01 00 05 0b 00 00 01 00'), 0)).toBe('no'); // a handshake, but not a hello
    expect(tls.probe!(Buffer.from('SSH-2.0-x\r\n'), 0)).toBe('no');
    expect(tls.probe!(hex('16 03'), 0)).toBe('need-more');
  });
});

describe('tls generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'tls') pdus.push(p); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'tls', name)] }).run();
    return { pdus, report };
  }

  it('client-hello-sni.pcap: hellos, then records by type', async () => {
    const { pdus, report } = await replay('client-hello-sni.pcap');
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('tls.') || k === 'stream.desync' || k === 'decode.exception')).toEqual([]);
    expect(pdus.map((p) => p.kind)).toEqual(['client_hello', 'server_hello', 'change_cipher_spec', 'application_data', 'change_cipher_spec', 'application_data']);
    expect(pdus[0]).toMatchObject({ serverName: 'historian.plant.local', alpn: ['h2', 'http/1.1'] });
    expect(pdus[1]).toMatchObject({ version: 'TLS 1.3', cipherSuite: 0x1301 });
  });

  it('not-tls-on-443.pcap: no tls PDU', async () => {
    const { pdus, report } = await replay('not-tls-on-443.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies).toMatchObject({ 'stream.desync': 1 });
  });
});

// Frame tests for SSH (RFC 4253 §4.2 identification string, §6 binary packets). Samples are
// hand-built from the RFC (see samples/ssh.ts); encrypted packets are random-looking bytes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { ssh, type SshState } from '../../src/dissectors/ssh.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/ssh.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function run(data: Buffer, dir: Direction = 0, state: SshState = ssh.newState!()) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(ssh, data, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies, state };
}

describe('ssh identification', () => {
  it('server banner gives the server software as identity (hand-built, §4.2)', () => {
    const data = hex(samples[0]!.hex);
    expect(ssh.frame(Buffer.concat([data, hex('000001bc')]), 1)).toBe(data.length);
    const r = run(data, 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{ proto: 'ssh', kind: 'identification', op: 'session', role: 'response', functionName: 'identification',
      protoVersion: '2.0', software: 'OpenSSH_8.9p1', comments: 'Ubuntu-3ubuntu0.6', identity: { productName: 'OpenSSH_8.9p1' } }]);
  });

  it('SSH-1.5 is flagged, 1.99 is not; a malformed line is a bad banner', () => {
    expect(run(b('SSH-1.5-OldServer\r\n'), 1).anomalies).toEqual(['ssh.version_1']);
    expect(run(b('SSH-1.99-Cisco-1.25\r\n'), 1).anomalies).toEqual([]);
    expect(run(b('SSH-garbage\r\n'), 1).anomalies).toEqual(['ssh.bad_banner']);
    expect(run(Buffer.concat([b('SSH-2.0-'), Buffer.alloc(300, 0x41)]), 1).anomalies).toContain('ssh.banner_too_long');
  });
});

describe('ssh packets', () => {
  it('cleartext NEWKEYS then encrypted chunks (length only)', () => {
    const st = ssh.newState!();
    expect(run(hex('8f3a91c2 7d00e1b4'), 0, st)).toMatchObject({ pdus: [], anomalies: ['ssh.no_identification'] });
    run(hex(samples[1]!.hex), 0, st);
    const nk = hex('0000000c0a15' + '00'.repeat(10)); // packet_length 12, padding 10, NEWKEYS (§7.3)
    expect(ssh.frame(nk, 0)).toBe(16);
    expect(run(nk, 0, st).pdus[0]).toMatchObject({ kind: 'newkeys', functionCode: 21 });
    expect(st).toEqual({ newKeys: [true, false], identified: [true, false] });
    const enc = hex('8f3a91c2 7d00e1b4 55aa0f13 c9d2e7f0 11223344');
    expect(ssh.frame(enc, 0)).toBe(enc.length);
    expect(run(enc, 0, st).pdus[0]).toMatchObject({ kind: 'encrypted', length: 20 });
  });

  it('frame: prefixes need more; probe only says yes to "SSH-d.d-"', () => {
    for (const s of samples) {
      const data = hex(s.hex);
      for (let n = 0; n < data.length; n++) expect([0, data.length]).toContain(ssh.frame(data.subarray(0, n), s.dir));
    }
    for (const s of samples) expect(ssh.probe!(hex(s.hex), s.dir)).toBe('yes');
    expect(ssh.probe!(b('SSH'), 1)).toBe('need-more');
    expect(ssh.probe!(b('SSH-HELLO THERE FRIEND'), 1)).toBe('no');
    expect(ssh.probe!(b('GET / HTTP/1.1\r\n'), 0)).toBe('no');
    expect(ssh.probe!(hex('16 03 01 00 10 01'), 0)).toBe('no');
  });
});

describe('ssh generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'ssh') pdus.push(p); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'ssh', name)] }).run();
    return { pdus, report };
  }

  it('banners.pcap: both identifications, key exchange, then ciphertext', async () => {
    const { pdus, report } = await replay('banners.pcap');
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('ssh.') || k === 'stream.desync' || k === 'decode.exception')).toEqual([]);
    expect(pdus.map((p) => p.kind)).toEqual(['identification', 'identification', 'kexinit', 'kexinit', 'newkeys', 'newkeys', 'encrypted', 'encrypted']);
    expect(pdus.slice(0, 2).map((p) => p.software)).toEqual(['OpenSSH_8.9p1', 'PuTTY_Release_0.78']);
  });

  it('not-ssh-on-22.pcap: no ssh PDU', async () => {
    const { pdus, report } = await replay('not-ssh-on-22.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies).toMatchObject({ 'ssh.no_identification': 1 });
  });
});

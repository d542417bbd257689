// Frame tests for the FTP control connection (RFC 959 §4.1-§4.2, §5.3): hand-built lines.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { ftp, type FtpState } from '../../src/dissectors/ftp.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/ftp.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function run(line: string | Buffer, dir: Direction, state: FtpState) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(ftp, typeof line === 'string' ? b(line) : line, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies };
}

describe('ftp session', () => {
  it('greeting gives identity; USER/PASS give credentials without the password', () => {
    const st = ftp.newState!();
    const g = run(hex(samples[0]!.hex), 1, st);
    expect(g.anomalies).toEqual([]);
    expect(g.pdus[0]).toEqual({ proto: 'ftp', kind: 'greeting', role: 'response', replyCode: 220, functionCode: 220, functionName: 'greeting',
      text: 'ProFTPD 1.3.5e Server (Debian) [10.80.0.50]', identity: { productName: 'ProFTPD 1.3.5e Server (Debian) [10.80.0.50]' } });
    expect(run('USER operator\r\n', 0, st).pdus[0]).toMatchObject({ kind: 'command', command: 'USER', argument: 'operator', op: 'session' });
    expect(run('331 Password required for operator\r\n', 1, st).pdus[0]).toMatchObject({ replyCode: 331 });
    const pass = run('PASS Pl@nt2024secret\r\n', 0, st);
    expect(pass.pdus[0]).toMatchObject({ command: 'PASS', credentials: { protocol: 'FTP', user: 'operator', passwordLength: 15, passwordStrength: 'Strong' } });
    expect(JSON.stringify(pass.pdus)).not.toContain('Pl@nt2024secret');
    expect(run('530 Login incorrect.\r\n', 1, st).pdus[0]).toMatchObject({ exception: { code: 530, name: 'Login incorrect.' } });
    expect(run('STOR plc_backup.bin\r\n', 0, st).pdus[0]).toMatchObject({ command: 'STOR', op: 'write', argument: 'plc_backup.bin' });
    expect(run('RETR recipe.csv\r\n', 0, st).pdus[0]).toMatchObject({ op: 'read' });
  });

  it('multi-line reply: free text lines inside it are not anomalies', () => {
    const st = ftp.newState!();
    expect(run('211-Features:\r\n', 1, st).pdus[0]).toMatchObject({ replyCode: 211, multiline: true });
    expect(run(' MDTM\r\n', 1, st)).toMatchObject({ anomalies: [], pdus: [{ kind: 'reply_text', text: ' MDTM' }] });
    expect(run('211 End\r\n', 1, st).pdus[0]).toMatchObject({ replyCode: 211 });
    expect(run('hello\r\n', 1, st).anomalies).toEqual(['ftp.bad_reply']);
  });

  it('anomalies: PASS without USER, bad command, missing line end', () => {
    expect(run('PASS x\r\n', 0, ftp.newState!()).anomalies).toEqual(['ftp.pass_without_user']);
    expect(run('\x7f\x01 zz\r\n', 0, ftp.newState!()).anomalies).toEqual(['ftp.bad_command']);
    expect(run('USER a', 0, ftp.newState!()).anomalies).toEqual(['ftp.truncated']);
  });

  it('passwords never appear in any PDU', () => {
    for (const pw of ['hunter2', 'S3cure!Passw0rd', 'x y z']) {
      const st = ftp.newState!();
      const r = [run('USER plcadmin\r\n', 0, st), run(`PASS ${pw}\r\n`, 0, st)];
      expect(JSON.stringify(r.map((x) => x.pdus))).not.toContain(pw);
      expect(r[1]!.pdus[0]).toMatchObject({ credentials: { user: 'plcadmin', passwordLength: pw.length } });
    }
  });
});

describe('ftp framing', () => {
  it('one line per PDU; prefixes need more; binary and overlong are not FTP', () => {
    for (const s of samples) {
      const data = hex(s.hex);
      for (let n = 0; n < data.length; n++) expect(ftp.frame(data.subarray(0, n), s.dir)).toBe(0);
      expect(ftp.frame(Buffer.concat([data, b('USER x\r\n')]), s.dir)).toBe(data.length);
      expect(ftp.probe!(data, s.dir)).toBe('yes');
    }
    expect(ftp.frame(hex('00 01 02 03 0a'), 0)).toBe(-1);
    expect(ftp.frame(Buffer.alloc(9000, 0x41), 0)).toBe(-1);
    expect(ftp.probe!(b('220 mail.plant.local ESMTP Postfix\r\n'), 1)).toBe('no');
    expect(ftp.probe!(b('220 ready\r\n'), 0)).toBe('no');
    expect(ftp.probe!(b('22'), 1)).toBe('need-more');
    expect(ftp.probe!(b('SSH-2.0-x\r\n'), 1)).toBe('no');
  });
});

describe('ftp generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'ftp') pdus.push(p); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'ftp', name)] }).run();
    return { pdus, report };
  }

  it('login.pcap: greeting, two logins, transfers; passwords never kept', async () => {
    const { pdus, report } = await replay('login.pcap');
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('ftp.') || k === 'stream.desync' || k === 'decode.exception')).toEqual([]);
    expect(pdus[0]).toMatchObject({ kind: 'greeting', identity: { productName: 'ProFTPD 1.3.5e Server (Debian) [10.80.0.50]' } });
    expect(pdus.filter((p) => p.credentials).map((p) => p.credentials)).toEqual([
      { protocol: 'FTP', user: 'plcadmin', passwordLength: 5, passwordStrength: 'Very Weak' },
      { protocol: 'FTP', user: 'plcadmin', passwordLength: 15, passwordStrength: 'Strong' },
    ]);
    expect(pdus.filter((p) => p.kind === 'command').map((p) => p.command)).toEqual(['USER', 'PASS', 'USER', 'PASS', 'FEAT', 'RETR', 'STOR', 'QUIT']);
    const json = JSON.stringify(pdus);
    expect(json).not.toContain('Pl@nt2024secret');
    expect(json).not.toContain('wrong');
  });

  it('not-ftp-on-21.pcap: no ftp PDU', async () => {
    const { pdus, report } = await replay('not-ftp-on-21.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies).toMatchObject({ 'stream.desync': 1 });
  });
});

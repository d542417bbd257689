// Frame tests for Telnet (RFC 854, RFC 855 option negotiation): hand-built negotiation and a login.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { telnet, type TelnetState } from '../../src/dissectors/telnet.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/telnet.js';

const b = (s: string) => Buffer.from(s, 'latin1');

/** Frames `data` as the flow stage would and decodes every PDU. */
function feed(data: Buffer, dir: Direction, state: TelnetState, pdus: Pdu[] = [], anomalies: AnomalyId[] = []) {
  let pos = 0;
  while (pos < data.length) {
    const n = telnet.frame(data.subarray(pos), dir);
    if (n <= 0) break;
    decodeApp(telnet, data.subarray(pos, pos + n), dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
    pos += n;
  }
  return { pdus, anomalies };
}

describe('telnet refused sign-ins', () => {
  it('server text refusing a sign-in marks its PDU loginFailed (login(1), Cisco IOS); other text does not', () => {
    const st = telnet.newState!();
    const r = feed(b('rtu login: '), 1, st);
    for (const text of ['\r\nLogin incorrect\r\n', '% Login invalid\r\n', '% Authentication failed\r\n', 'Access denied\r\n']) feed(b(text), 1, st, r.pdus);
    feed(b('Last login: Mon Nov 23\r\n$ '), 1, st, r.pdus);
    expect(r.pdus.map((p) => p.loginFailed === true)).toEqual([false, true, true, true, true, false]);
    // what the client types is never read for this (a user typing "access denied" is no failure)
    expect(feed(b('access denied\r\n'), 0, telnet.newState!()).pdus[0]!.loginFailed).toBeUndefined();
  });
});

describe('telnet negotiation', () => {
  it('IAC commands are stripped from text and named', () => {
    const r = feed(Buffer.concat([hex('ff fd 18 ff fb 01'), b('Welcome'), hex('ff fa 18 00 41 ff f0')]), 1, telnet.newState!());
    expect(r.anomalies).toEqual([]);
    expect(r.pdus.map((p) => [p.kind, p.command ?? p.functionName ?? '', p.optionName ?? ''])).toEqual([
      ['negotiation', 'DO', 'terminal-type'], ['negotiation', 'WILL', 'echo'], ['banner', '', ''], ['subnegotiation', 'SB', 'terminal-type'],
    ]);
  });

  it('a bad command after IAC is an anomaly; a cut one is truncated', () => {
    expect(feed(hex('ff 10'), 1, telnet.newState!()).anomalies).toEqual(['telnet.bad_command']);
    const pdus: Pdu[] = []; const an: AnomalyId[] = [];
    decodeApp(telnet, hex('ff fb'), 1, telnet.newState!(), { pdu: (p) => pdus.push(p), anomaly: (id) => an.push(id) });
    expect(an).toEqual(['telnet.truncated']);
  });
});

describe('telnet login', () => {
  it('banner kept; user typed after login: becomes credentials; the password never appears', () => {
    const st = telnet.newState!();
    const pdus: Pdu[] = [];
    feed(b('\r\nSCADA-RTU-7 (BusyBox v1.31.1)\r\n\r\nrtu7 login: '), 1, st, pdus);
    for (const ch of 'operx\x7fator\r') feed(b(ch), 0, st, pdus); // one keystroke per segment, with a backspace
    feed(b('\r\nPassword: '), 1, st, pdus);
    for (const ch of 'Tr0ub4dor&3\r\n') feed(b(ch), 0, st, pdus);
    feed(b('\r\n$ '), 1, st, pdus);
    expect(pdus[0]).toMatchObject({ kind: 'banner', banner: 'SCADA-RTU-7 (BusyBox v1.31.1)\r\n\r\nrtu7 login:' });
    expect(pdus.filter((p) => p.credentials !== undefined).map((p) => p.credentials)).toEqual([{ protocol: 'TELNET', user: 'operator' }]);
    const json = JSON.stringify(pdus);
    expect(json).not.toContain('Tr0ub4dor');
    for (const ch of 'Tr0ub4dor&3') expect(pdus.filter((p) => p.role === 'request' && JSON.stringify(p).includes(`"${ch}"`))).toEqual([]);
  });
});

describe('telnet framing', () => {
  it('samples frame whole; prefixes need more; probe wants IAC negotiation first', () => {
    for (const s of samples) {
      const data = hex(s.hex);
      expect(telnet.frame(data, s.dir)).toBe(data.length);
      for (let n = 0; n < data.length; n++) expect(telnet.frame(data.subarray(0, n), s.dir)).toBe(0);
      expect(telnet.probe!(data, s.dir)).toBe('yes');
    }
    expect(telnet.frame(b('abc\xffxyz'), 1)).toBe(3);
    expect(telnet.frame(hex('ff ff 41'), 1)).toBe(2); // IAC IAC is a data byte 0xff
    expect(telnet.frame(Buffer.concat([hex('ff fa 18'), Buffer.alloc(1100, 0x41)]), 1)).toBe(-1);
    expect(telnet.probe!(b('login: '), 1)).toBe('no');
    expect(telnet.probe!(hex('ff 10 00'), 1)).toBe('no');
    expect(telnet.probe!(hex('ff'), 1)).toBe('need-more');
    expect(telnet.probe!(hex('16 03 01 00 10 01'), 0)).toBe('no');
  });
});

describe('telnet generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'telnet') pdus.push(p); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'telnet', name)] }).run();
    return { pdus, report };
  }

  it('login.pcap: negotiation, banner, the user name; never the password', async () => {
    const { pdus, report } = await replay('login.pcap');
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('telnet.') || k === 'stream.desync' || k === 'decode.exception')).toEqual([]);
    expect(pdus.filter((p) => p.kind === 'negotiation')).toHaveLength(8);
    expect(pdus.filter((p) => p.banner).map((p) => p.banner)).toEqual(['SCADA-RTU-7 (BusyBox v1.31.1)\r\n\r\nrtu7 login:']);
    expect(pdus.filter((p) => p.credentials).map((p) => p.credentials)).toEqual([{ protocol: 'TELNET', user: 'operator' }]);
    expect(JSON.stringify(pdus)).not.toContain('Tr0ub4dor');
  });

  it('not-telnet-on-23.pcap: no telnet PDU', async () => {
    const { pdus, report } = await replay('not-telnet-on-23.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies).toMatchObject({ 'telnet.bad_command': 2 });
  });
});

// Frame tests for HTTP/1.x (RFC 9112). Text comes from the public capture zeek-wikipedia-http-dns-nbns
// (frames 6 and 7, as tshark numbers them) or is built by hand from RFC 9112's grammar where noted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../src/analyzers/analyzer.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import { ROOT } from '../support/env.js';
import type { AnomalyId } from '../../src/decode/anomalies.js';
import type { Direction, Pdu } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { http, passwordStrength, type HttpState } from '../../src/dissectors/http.js';
import { hex } from '../support/decode.js';
import { samples } from './samples/http.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function run(data: Buffer, dir: Direction = 0, state: HttpState = http.newState!()) {
  const pdus: Pdu[] = [];
  const anomalies: AnomalyId[] = [];
  decodeApp(http, data, dir, state, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies };
}

describe('http requests', () => {
  it('GET with Host and User-Agent (zeek-wikipedia frame 6)', () => {
    const data = hex(samples[0]!.hex);
    expect(http.frame(data, 0)).toBe(data.length);
    const r = run(data);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus).toEqual([{
      proto: 'http', kind: 'request', role: 'request', method: 'GET', functionName: 'GET', op: 'read', path: '/', version: '1.1',
      host: 'www.wikipedia.org', userAgent: 'Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15',
    }]);
  });

  it('POST with Basic credentials: user kept, password never (hand-built, RFC 7617)', () => {
    const data = hex(samples[2]!.hex);
    expect(http.frame(data, 0)).toBe(data.length);
    const r = run(data);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ method: 'POST', op: 'write', path: '/cgi-bin/setpoint', bodyLength: 7,
      credentials: { protocol: 'HTTP', user: 'admin', passwordLength: 5, passwordStrength: 'Very Weak' } });
  });

  it('the query string is not kept; a 1.1 request without Host is flagged', () => {
    const r = run(b('DELETE /api/tags?session=abc HTTP/1.1\r\n\r\n'));
    expect(r.pdus[0]).toMatchObject({ method: 'DELETE', op: 'write', path: '/api/tags' });
    expect(JSON.stringify(r.pdus)).not.toContain('session=abc');
    expect(r.anomalies).toEqual(['http.missing_host']);
  });
});

describe('http responses', () => {
  it('304 has no body even without Content-Length (zeek-wikipedia frame 7)', () => {
    const data = hex(samples[1]!.hex);
    expect(http.frame(Buffer.concat([data, b('HTTP/1.0 304')]), 1)).toBe(data.length);
    const r = run(data, 1);
    expect(r.pdus[0]).toMatchObject({ kind: 'response', role: 'response', statusCode: 304, functionName: 'Not Modified', version: '1.0' });
  });

  it('chunked body framed up to the 0 chunk; Server gives the server identity (hand-built)', () => {
    const data = hex(samples[3]!.hex);
    expect(http.frame(Buffer.concat([data, b('HTTP/1.1 200 OK\r\n')]), 1)).toBe(data.length);
    const r = run(data, 1);
    expect(r.anomalies).toEqual([]);
    expect(r.pdus[0]).toMatchObject({ statusCode: 200, server: 'GoAhead-Webs/2.5.0', identity: { productName: 'GoAhead-Webs/2.5.0', firmwareVersion: '2.5.0' } });
    expect(JSON.stringify(r.pdus)).not.toContain('hello');
  });

  it('error status becomes an exception', () => {
    const r = run(b('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'), 1);
    expect(r.pdus[0]).toMatchObject({ statusCode: 401, exception: { code: 401, name: 'Unauthorized' } });
  });
});

describe('http framing', () => {
  it('every prefix of a message needs more bytes (0, or the whole length once the head is in)', () => {
    for (const s of samples) {
      const data = hex(s.hex);
      for (let n = 0; n < data.length; n++) expect([0, data.length]).toContain(http.frame(data.subarray(0, n), s.dir));
    }
  });

  it('a body beyond the bound is framed as the head alone, so the request is still decoded', () => {
    const head = b('POST /upload/firmware HTTP/1.1\r\nHost: plc\r\nContent-Length: 20000000\r\n\r\n');
    expect(http.frame(Buffer.concat([head, Buffer.alloc(100)]), 0)).toBe(head.length);
    expect(run(head).pdus[0]).toMatchObject({ method: 'POST', path: '/upload/firmware', bodyLength: 20000000 });
  });

  it('two pipelined messages frame one at a time', () => {
    const one = b('GET /a HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(http.frame(Buffer.concat([one, one]), 0)).toBe(one.length);
  });

  it('not HTTP: binary, other text, an oversized head, a bad chunk', () => {
    expect(http.frame(hex('00 01 00 00 00 06 01 03 00 00 00 0a'), 0)).toBe(-1);
    expect(http.frame(b('SSH-2.0-OpenSSH_8.9\r\n'), 1)).toBe(-1);
    expect(http.frame(Buffer.concat([b('GET / HTTP/1.1\r\nX: '), Buffer.alloc(17000, 0x61)]), 0)).toBe(-1);
    expect(http.frame(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'), 1)).toBe(-1);
    expect(http.probe!(b('GETTING STARTED\r\n'), 0)).toBe('no');
    expect(http.probe!(b('220 FTP ready\r\n'), 1)).toBe('no');
    expect(http.probe!(b('GE'), 0)).toBe('need-more');
    for (const s of samples) expect(http.probe!(hex(s.hex), s.dir)).toBe('yes');
  });

  it('bad Content-Length and a bad start line are anomalies', () => {
    expect(run(b('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x1\r\n\r\n')).anomalies).toEqual(['http.bad_content_length']);
    expect(run(b('GET /\r\n\r\n')).anomalies).toEqual(['http.bad_start_line']);
    expect(run(b('GET / HTTP/1.1\r\nHost: a\r\n')).anomalies).toEqual(['http.truncated']);
  });
});

describe('http upgrade to WebSocket (RFC 6455)', () => {
  it('after 101, masked client and unmasked server frames are WebSocket PDUs; before it they are not HTTP', () => {
    const st = http.newState!();
    const ping = hex('89 80 01 02 03 04'); // client ping, masked, no payload
    const text = hex('81 02 68 69'); // server text "hi", unmasked
    expect(http.frame(ping, 0)).toBe(6);
    expect(http.frame(text, 1)).toBe(4);
    expect(http.frame(text, 0)).toBe(-1); // a client frame must be masked (§5.1)
    expect(run(ping, 0, st)).toMatchObject({ pdus: [], anomalies: ['http.bad_start_line'] });
    run(b('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'), 1, st);
    expect(st.upgraded).toBe(true);
    expect(run(ping, 0, st).pdus).toEqual([{ proto: 'http', kind: 'websocket', role: 'request', opcode: 'ping', length: 6 }]);
    expect(run(text, 1, st).pdus[0]).toMatchObject({ kind: 'websocket', opcode: 'text', length: 4 });
    expect(JSON.stringify(run(text, 1, st).pdus)).not.toContain('hi');
  });
});

describe('http credentials', () => {
  it('passwords never appear in any PDU', () => {
    for (const pw of ['S3cr3t!Pass#2024', 'admin', 'zzzzzzzzzzzz']) {
      const tok = Buffer.from(`operator:${pw}`).toString('base64');
      const r = run(b(`GET / HTTP/1.1\r\nHost: plc\r\nAuthorization: Basic ${tok}\r\n\r\n`));
      const json = JSON.stringify(r.pdus);
      expect(json).not.toContain(pw);
      expect(json).not.toContain(tok);
      expect(r.pdus[0]).toMatchObject({ credentials: { protocol: 'HTTP', user: 'operator', passwordLength: pw.length } });
    }
  });

  it('strength: short or single-class is Very Weak', () => {
    expect(passwordStrength('abc')).toBe('Very Weak');
    expect(passwordStrength('zzzzzzzzzzzz')).toBe('Very Weak');
    expect(passwordStrength('abcdefg1')).toBe('Weak');
    expect(passwordStrength('S3cr3t!Pass#2024')).toBe('Strong');
  });
});

describe('http generated captures through the pipeline', () => {
  async function replay(name: string) {
    const pdus: Pdu[] = [];
    const collect: Analyzer = { name: 'collect', pdu(p) { if (p.proto === 'http') pdus.push(p); } };
    const report = await new Ingest(createSensor([collect]), { files: [join(ROOT, 'pcaps', 'http', name)] }).run();
    return { pdus, report };
  }

  it('basic-auth.pcap: GET/200 and POST with Basic credentials/chunked 200', async () => {
    const { pdus, report } = await replay('basic-auth.pcap');
    expect(Object.keys(report.anomalies).filter((k) => k.startsWith('http.') || k === 'stream.desync' || k === 'decode.exception')).toEqual([]);
    expect(pdus.map((p) => p.method ?? p.statusCode)).toEqual(['GET', 200, 'POST', 200]);
    expect(pdus[0]).toMatchObject({ host: '10.80.0.20', userAgent: 'hmi-panel/3.2', path: '/status.html' });
    expect(pdus[1]).toMatchObject({ server: 'GoAhead-Webs/2.5.0', identity: { productName: 'GoAhead-Webs/2.5.0' } });
    expect(pdus[2]).toMatchObject({ credentials: { protocol: 'HTTP', user: 'admin', passwordStrength: 'Very Weak' } });
    expect(JSON.stringify(pdus)).not.toContain('YWRtaW46YWRtaW4=');
  });

  it('not-http-on-80.pcap: no http PDU', async () => {
    const { pdus, report } = await replay('not-http-on-80.pcap');
    expect(pdus).toEqual([]);
    expect(report.anomalies).toMatchObject({ 'stream.desync': 1 });
  });
});

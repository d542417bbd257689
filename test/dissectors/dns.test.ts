// Frame tests for the shared DNS decoder (RFC 1035 §4.1) behind the dns, mdns (RFC 6762) and llmnr
// (RFC 4795) dissectors. The first messages are hand-assembled hex; the rest come from the builders
// in test/pcapgen/discovery.ts, which encode names with compression.
import { describe, expect, it } from 'vitest';
import { ingestCapture } from '../support/pipeline.js';
import type { DatagramDissector } from '../../src/decode/types.js';
import { decodeApp } from '../../src/decode/reader.js';
import { dns, llmnr, mdns } from '../../src/dissectors/dns.js';
import { dnsExchange, dnsMessage, llmnrFrames, mdnsAnnouncement, rd, T } from '../pcapgen/discovery.js';
import { hex } from '../support/decode.js';

function run(d: DatagramDissector, b: Buffer) {
  const pdus: Array<Record<string, unknown>> = [], anomalies: string[] = [];
  decodeApp(d, b, 0, undefined, { pdu: (p) => pdus.push(p), anomaly: (id) => anomalies.push(id) });
  return { pdus, anomalies };
}
const udpPayload = (frame: Buffer) => frame.subarray(42);

// hand-assembled: id 0x1234, RD, one question "plc.example" A IN
const QUERY = `12 34 01 00 00 01 00 00 00 00 00 00  03 70 6c 63 07 65 78 61 6d 70 6c 65 00  00 01 00 01`;
// its answer: QR RD RA, the answer's owner a pointer to offset 12 (c0 0c), TTL 60, 192.168.50.21
const ANSWER = `12 34 81 80 00 01 00 01 00 00 00 00  03 70 6c 63 07 65 78 61 6d 70 6c 65 00  00 01 00 01
                c0 0c 00 01 00 01 00 00 00 3c 00 04 c0 a8 32 15`;

describe('dns', () => {
  it('query and compressed answer', () => {
    expect(run(dns, hex(QUERY))).toEqual({ anomalies: [], pdus: [{
      proto: 'dns', kind: 'query', role: 'request', functionCode: 0, functionName: 'QUERY', op: 'discovery',
      txid: 0x1234, opcode: 0, rcode: 0, authoritative: false, truncatedFlag: false,
      questions: [{ name: 'plc.example', type: 'A', class: 1 }], answers: [], authority: [], additional: [],
    }] });
    const a = run(dns, hex(ANSWER));
    expect(a.anomalies).toEqual([]);
    expect(a.pdus[0]).toMatchObject({ kind: 'response', role: 'response', answers: [{ name: 'plc.example', type: 'A', class: 1, ttl: 60, address: '192.168.50.21' }] });
    expect(a.pdus[0]!.identity).toBeUndefined(); // unicast DNS answers describe remote names
  });

  it('CNAME chain, NXDOMAIN, PTR', () => {
    const m = dnsExchange().map((f) => run(dns, udpPayload(f)).pdus[0]!);
    expect(m[1]!.answers).toEqual([
      { name: 'historian.plant.example', type: 'CNAME', class: 1, ttl: 120, target: 'srv1.plant.example' },
      { name: 'srv1.plant.example', type: 'A', class: 1, ttl: 120, address: '192.168.50.40' },
    ]);
    expect(m[3]).toMatchObject({ kind: 'response', rcode: 3, exception: { code: 3, name: 'NXDOMAIN' } });
    expect(m[4]!.questions).toEqual([{ name: '21.50.168.192.in-addr.arpa', type: 'PTR', class: 1 }]);
    expect((m[5]!.answers as unknown[])[0]).toMatchObject({ type: 'PTR', target: 'plc-line1.plant.example' });
  });

  it('types it does not interpret keep their number and data length', () => {
    const b = dnsMessage({ id: 1, flags: 0x8180, answers: [{ name: 'x.example', type: 99, rdata: rd.raw(Buffer.from('abcd')) }] });
    expect(run(dns, b).pdus[0]!.answers).toEqual([{ name: 'x.example', type: 99, class: 1, ttl: 120, length: 4 }]);
  });

  it('negative: compression loops, forward pointers, reserved labels, long names, bad opcode, cut messages', () => {
    // the question's name is a pointer to itself (offset 12)
    expect(run(dns, hex('beef 0100 0001 0000 0000 0000  c0 0c  0001 0001'))).toEqual({ pdus: [], anomalies: ['dns.compression_loop'] });
    // two pointers pointing at each other: 12 -> 14 (forward) is refused before it can loop
    expect(run(dns, hex('beef 0100 0001 0000 0000 0000  c0 0e c0 0c  0001 0001'))).toEqual({ pdus: [], anomalies: ['dns.compression_loop'] });
    // an answer whose pointer targets its own position, after a valid question
    expect(run(dns, hex(`${QUERY.replace('00 00 00 00 00 00', '00 01 00 00 00 00')}  c0 1d 0001 0001 0000003c 0004 c0a83215`)).anomalies).toEqual(['dns.compression_loop']);
    expect(run(dns, hex('beef 0100 0001 0000 0000 0000  41 61 62 00 0001 0001'))).toEqual({ pdus: [], anomalies: ['dns.bad_label'] });
    const long = Buffer.concat([hex('beef 0100 0001 0000 0000 0000'), Buffer.from(Array.from({ length: 5 }, () => [63, ...Buffer.alloc(63, 0x61)]).flat()), hex('00 0001 0001')]);
    expect(run(dns, long)).toEqual({ pdus: [], anomalies: ['dns.name_too_long'] });
    expect(run(dns, hex('beef 7900 0001 0000 0000 0000'))).toEqual({ pdus: [], anomalies: ['dns.bad_header'] });
    expect(run(dns, hex(ANSWER).subarray(0, 40))).toEqual({ pdus: [], anomalies: ['dns.truncated'] });
    expect(run(dns, hex('beef 0100 ffff ffff 0000 0000 00'))).toEqual({ pdus: [], anomalies: ['dns.truncated'] });
  });

  // Names already read in a message are reused when a pointer targets them: the result and the
  // bounds must be exactly those of reading the name again.
  it('names reached by pointers to names read before: labels before the pointer, and the 255-byte bound counted across it', () => {
    // answer owner "www" + pointer to the question's "plc.example"; CNAME target "a.b" + the same pointer
    const m = run(dns, hex(`12 34 81 80 00 01 00 01 00 00 00 00  03 70 6c 63 07 65 78 61 6d 70 6c 65 00  00 05 00 01
      03 77 77 77 c0 0c  00 05 00 01 00 00 00 3c 00 06  01 61 01 62 c0 0c`));
    expect(m.anomalies).toEqual([]);
    expect(m.pdus[0]!.answers).toEqual([{ name: 'www.plc.example', type: 'CNAME', class: 1, ttl: 60, target: 'a.b.plc.example' }]);
    // a question name of 4 x 63-byte labels (wire 257 is too long, so 3 labels + "ab": wire 195 + 4 = 199)...
    const labels = (n: number, len: number) => Buffer.from(Array.from({ length: n }, () => [len, ...Buffer.alloc(len, 0x61)]).flat());
    const q = Buffer.concat([labels(3, 63), labels(1, 2), hex('00')]);
    const head = hex('beef 8180 0001 0001 0000 0000');
    // ...and an answer owner of 63 + 1 bytes followed by a pointer to it: 199 + 64 = 263 > 255
    const tooLong = Buffer.concat([head, q, hex('0001 0001'), labels(1, 63), hex('c0 0c  0001 0001 0000003c 0004 c0a83215')]);
    expect(run(dns, tooLong)).toEqual({ pdus: [], anomalies: ['dns.name_too_long'] });
    // with a 50-byte label instead: 199 + 51 = 250, within the bound
    const fits = run(dns, Buffer.concat([head, q, hex('0001 0001'), labels(1, 50), hex('c0 0c  0001 0001 0000003c 0004 c0a83215')]));
    expect(fits.anomalies).toEqual([]);
    expect((fits.pdus[0]!.answers as Array<{ name: string }>)[0]!.name).toBe(`${'a'.repeat(50)}.${'a'.repeat(63)}.${'a'.repeat(63)}.${'a'.repeat(63)}.aa`);
  });

  it('names are decoded per message: the same pointer in the next message is its own name', () => {
    const other = hex(ANSWER.replace('03 70 6c 63 07 65 78 61 6d 70 6c 65', '03 72 74 75 07 65 78 61 6d 70 6c 65'));
    expect((run(dns, hex(ANSWER)).pdus[0]!.answers as Array<{ name: string }>)[0]!.name).toBe('plc.example');
    expect((run(dns, other).pdus[0]!.answers as Array<{ name: string }>)[0]!.name).toBe('rtu.example');
    // UTF-8 labels (mDNS names may be UTF-8) reached through a pointer
    const utf = Buffer.concat([hex('0000 8400 0000 0002 0000 0000'), Buffer.from([6, ...Buffer.from('küche', 'utf8')]), hex('00'), hex('0001 0001 0000003c 0004 c0a83215'),
      hex('04 6f 66 65 6e c0 0c  0001 0001 0000003c 0004 c0a83216')]);
    const answers = run(mdns, utf).pdus[0]!.answers as Array<{ name: string }>;
    expect(answers.map((x) => x.name)).toEqual(['küche', 'ofen.küche']);
  });
});

describe('mdns', () => {
  it('announcement: PTR, SRV, TXT, A, AAAA with cache-flush; identity from the address record', () => {
    const { pdus, anomalies } = run(mdns, mdnsAnnouncement());
    expect(anomalies).toEqual([]);
    expect(pdus[0]).toMatchObject({ proto: 'mdns', kind: 'response', authoritative: true, identity: { name: 'plc-line1.local', about: '192.168.50.21' } });
    expect(pdus[0]!.answers).toEqual([
      { name: '_http._tcp.local', type: 'PTR', class: 1, ttl: 4500, cacheFlush: false, target: 'PLC Line 1._http._tcp.local' },
      { name: 'PLC Line 1._http._tcp.local', type: 'SRV', class: 1, ttl: 120, cacheFlush: true, priority: 0, weight: 0, port: 80, target: 'plc-line1.local' },
      { name: 'PLC Line 1._http._tcp.local', type: 'TXT', class: 1, ttl: 4500, cacheFlush: true, txt: ['path=/', 'model=X100'] },
      { name: 'plc-line1.local', type: 'A', class: 1, ttl: 120, cacheFlush: true, address: '192.168.50.21' },
      { name: 'plc-line1.local', type: 'AAAA', class: 1, ttl: 120, cacheFlush: true, address: 'fd00:50::21' },
    ]);
  });

  it('QU question bit; opcode other than 0 is not mDNS', () => {
    const q = dnsMessage({ id: 0, flags: 0, questions: [{ name: '_http._tcp.local', type: T.PTR, cls: 0x8001 }] });
    expect(run(mdns, q).pdus[0]!.questions).toEqual([{ name: '_http._tcp.local', type: 'PTR', class: 1, unicastResponse: true }]);
    expect(run(mdns, hex('0000 2800 0000 0000 0000 0000'))).toEqual({ pdus: [], anomalies: ['mdns.bad_header'] });
    expect(run(mdns, hex('0000 8400 0001 0000 0000 0000 c0 0c 000c 0001')).anomalies).toEqual(['mdns.compression_loop']);
  });
});

describe('llmnr', () => {
  it('query and answer; the answer names the responder', () => {
    const [q, a] = llmnrFrames().map((f) => run(llmnr, udpPayload(f)));
    expect(q!.pdus[0]).toMatchObject({ proto: 'llmnr', kind: 'query', questions: [{ name: 'plc-line1', type: 'A', class: 1 }] });
    expect(a!.pdus[0]).toMatchObject({ kind: 'response', answers: [{ name: 'plc-line1', address: '192.168.50.21', ttl: 30 }], identity: { name: 'plc-line1', about: '192.168.50.21' } });
    expect(run(llmnr, hex('0001 0000 0001 0000 0000 0000 03 61 62'))).toEqual({ pdus: [], anomalies: ['llmnr.truncated'] });
  });
});

describe('dns family: generated captures through the pipeline', () => {
  const ingest = ingestCapture;
  it('dns/dns-mdns-llmnr.pcap', async () => {
    const { pdus, report } = await ingest('dns/dns-mdns-llmnr.pcap');
    expect(pdus.map((p) => `${p.proto}/${p.kind}`)).toEqual([
      'dns/query', 'dns/response', 'dns/query', 'dns/response', 'dns/query', 'dns/response',
      'mdns/query', 'mdns/response', 'llmnr/query', 'llmnr/response',
    ]);
    expect(Object.keys(report.anomalies).filter((k) => /^(dns|mdns|llmnr|decode)\./.test(k))).toEqual([]);
  });
  it('dns/dns-garbage.pcap: anomalies, no PDUs', async () => {
    const { pdus, report } = await ingest('dns/dns-garbage.pcap');
    expect(pdus.filter((p) => ['dns', 'mdns', 'llmnr'].includes(p.proto))).toEqual([]);
    const n = (pre: string) => Object.entries(report.anomalies).filter(([k]) => k.startsWith(pre)).reduce((s, [, v]) => s + v, 0);
    expect([n('dns.'), n('mdns.'), n('llmnr.')]).toEqual([14, 12, 12]);
    expect(report.anomalies['dns.compression_loop']).toBe(1);
    expect(report.anomalies['dns.bad_label']).toBe(1);
    expect(report.anomalies['decode.exception'] ?? 0).toBe(0);
  });
});

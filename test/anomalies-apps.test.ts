// Application dissector anomalies that no other test names: each input has one defect and must raise
// exactly its one id; a valid neighbour (usually the same input at the bound) raises none. Datagram
// dissectors are called through decodeApp as the sensor does; stream dissectors get their bytes framed
// first, as the flow stage's StreamFramer hands them over. One TLS case also runs the whole pipeline.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingest } from '../src/ingest.js';
import { createSensor } from '../src/pipeline.js';
import { decodeApp } from '../src/decode/reader.js';
import type { DatagramDissector, Direction, Pdu, StreamDissector } from '../src/decode/types.js';
import { dhcp } from '../src/dissectors/dhcp.js';
import { dns, llmnr, mdns } from '../src/dissectors/dns.js';
import { nbns } from '../src/dissectors/nbns.js';
import { snmp } from '../src/dissectors/snmp.js';
import { s7comm } from '../src/dissectors/s7comm/index.js';
import { dnp3 } from '../src/dissectors/dnp3.js';
import { tls } from '../src/dissectors/tls.js';
import { type ConversationMessage, type Endpoint, Rng, tcpConversation } from './support/frames.js';
import { writePcap } from './support/pcap-writer.js';
import { removeTempDirs, tempDir } from './support/env.js';
import { hex } from './support/decode.js';
import { dhcpMessage, netbiosEncode, snmpMessage, varbind } from './pcapgen/discovery.js';
import { tpktDt, userdata } from './pcapgen/s7comm.js';
import { appFrames } from './pcapgen/dnp3.js';
import { clientHello } from './pcapgen/it.js';

afterAll(removeTempDirs);

type Out = { pdus: Array<Record<string, unknown>>; anomalies: string[] };

function run(d: DatagramDissector, b: Buffer): Out {
  const out: Out = { pdus: [], anomalies: [] };
  decodeApp(d, b, 0, undefined, { pdu: (p) => out.pdus.push(p), anomaly: (id) => out.anomalies.push(id) });
  return out;
}

/** Frames `data` with the dissector's own frame() and decodes each PDU, keeping `state` across calls. */
function feed<S>(d: StreamDissector<S>, data: Buffer, dir: Direction, state: S): Out {
  const out: Out = { pdus: [], anomalies: [] };
  const sink = { pdu: (p: Pdu) => out.pdus.push(p), anomaly: (id: string) => out.anomalies.push(id) };
  for (let pos = 0; pos < data.length;) {
    const n = d.frame(data.subarray(pos), dir);
    if (n <= 0 || pos + n > data.length) { out.anomalies.push(n < 0 ? 'stream.desync' : 'need-more'); break; }
    decodeApp(d as StreamDissector<unknown>, data.subarray(pos, pos + n), dir, state, sink);
    pos += n;
  }
  return out;
}

/** A TCP conversation written as a capture and replayed through the whole pipeline (no analyzers). */
function ingestConversation(name: string, client: Endpoint, server: Endpoint, seed: number, messages: ConversationMessage[]) {
  const conv = tcpConversation({ client, server, startNs: 1_700_000_000_000_000_000n, rng: new Rng(seed), messages });
  const file = join(tempDir('anoms-apps-'), `${name}.pcap`);
  writeFileSync(file, writePcap(conv.frames.map((f) => ({ ts: f.tsNs / 1000n, data: f.data }))).bytes);
  return new Ingest(createSensor([]), { files: [file] }).run();
}

// ---------------------------------------------------------------- DNS family (RFC 1035 §4.1)

const u16 = (...xs: number[]) => { const b = Buffer.alloc(xs.length * 2); xs.forEach((x, i) => b.writeUInt16BE(x, i * 2)); return b; };
/** Header with opcode 0 (the only one mDNS and LLMNR define) and `qd` questions. */
const header = (qd: number, flags = 0x0000) => u16(0x1234, flags, qd, 0, 0, 0);
const labels = (...lens: number[]) => Buffer.concat(lens.map((n) => Buffer.concat([Buffer.from([n]), Buffer.alloc(n, 0x61)])));
/** One question: name bytes (ending in its root label or a pointer), type A, class IN. */
const question = (name: Buffer) => Buffer.concat([name, u16(1, 1)]);
const oneQuestion = (name: Buffer, flags = 0) => Buffer.concat([header(1, flags), question(name)]);
/** `n` questions for the root name: the smallest question there is (5 bytes). */
const rootQuestions = (n: number) => Buffer.concat([header(n), ...Array.from({ length: n }, () => question(hex('00')))]);

describe('dns, mdns (RFC 6762) and llmnr (RFC 4795) report their own ids', () => {
  for (const d of [dns, mdns, llmnr]) {
    it(`${d.id}: a valid query and a 255-octet name decode without anomalies`, () => {
      expect(run(d, oneQuestion(Buffer.concat([labels(3), hex('00')])))).toMatchObject({ anomalies: [], pdus: [{ proto: d.id, questions: [{ name: 'aaa' }] }] });
      // RFC 1035 §2.3.4: 255 octets including length bytes and the root: 3 x (1 + 63) + (1 + 61) + 1
      const r = run(d, oneQuestion(Buffer.concat([labels(63, 63, 63, 61), hex('00')])));
      expect(r.anomalies).toEqual([]);
      expect((r.pdus[0]!.questions as Array<{ name: string }>)[0]!.name).toHaveLength(63 * 3 + 61 + 3);
    });

    it(`${d.id}.bad_label: a label length with the reserved top bits 01 (RFC 6891 §5) ends the message`, () => {
      expect(run(d, oneQuestion(hex('41 61 62 00')))).toEqual({ pdus: [], anomalies: [`${d.id}.bad_label`] });
    });

    it(`${d.id}.name_too_long: 256 octets on the wire (4 x 63-byte labels and the root)`, () => {
      expect(run(d, oneQuestion(Buffer.concat([labels(63, 63, 63, 63), hex('00')])))).toEqual({ pdus: [], anomalies: [`${d.id}.name_too_long`] });
    });

    it(`${d.id}.too_many_records: 257 questions are counted once, the first 256 decoded; 256 are fine`, () => {
      const ok = run(d, rootQuestions(256));
      expect(ok.anomalies).toEqual([]);
      expect(ok.pdus[0]!.questions).toHaveLength(256);
      const over = run(d, rootQuestions(257));
      expect(over.anomalies).toEqual([`${d.id}.too_many_records`]);
      expect(over.pdus[0]!.questions).toHaveLength(256);
    });
  }

  it('mdns.truncated: the question ends inside its class field', () => {
    const whole = oneQuestion(Buffer.concat([labels(3), hex('00')]));
    expect(run(mdns, whole).anomalies).toEqual([]);
    expect(run(mdns, whole.subarray(0, whole.length - 1))).toEqual({ pdus: [], anomalies: ['mdns.truncated'] });
    expect(run(mdns, whole.subarray(0, 11))).toEqual({ pdus: [], anomalies: ['mdns.truncated'] }); // not even a header
  });

  it('llmnr.compression_loop: the question name is a pointer to itself (RFC 1035 §4.1.4 pointers go back)', () => {
    expect(run(llmnr, oneQuestion(hex('c0 0c')))).toEqual({ pdus: [], anomalies: ['llmnr.compression_loop'] });
  });
});

describe('nbns (RFC 1002 §4.2) reports its own ids from the shared name reader', () => {
  // RFC 1001 §14.1: the NetBIOS name as one 32-letter label; further labels are the scope id
  const nbLabel = Buffer.concat([Buffer.from([32]), Buffer.from(netbiosEncode('PLC', 0), 'latin1')]);
  const NB_QUERY = 0x0110; // name query, broadcast
  const nbQuestion = (name: Buffer) => Buffer.concat([name, u16(0x20, 1)]); // NB, IN
  const nbOne = (name: Buffer) => Buffer.concat([header(1, NB_QUERY), nbQuestion(name)]);
  /** n questions: the first spells the name, the rest point back at it (offset 12). */
  const nbMany = (n: number) => Buffer.concat([header(n, NB_QUERY), nbQuestion(Buffer.concat([nbLabel, hex('00')])),
    ...Array.from({ length: n - 1 }, () => nbQuestion(hex('c0 0c')))]);

  it('valid: a name with a scope id filling 255 octets (33 + 3 x 64 + 29 + 1)', () => {
    const r = run(nbns, nbOne(Buffer.concat([nbLabel, labels(63, 63, 63, 28), hex('00')])));
    expect(r.anomalies).toEqual([]);
    expect((r.pdus[0]!.questions as Array<{ name: string }>)[0]!.name).toMatch(/^PLC<00>\.a{63}\.a{63}\.a{63}\.a{28}$/);
  });

  it('nbns.bad_label: a label length with the reserved top bits 10', () => {
    expect(run(nbns, nbOne(hex('81 61 00')))).toEqual({ pdus: [], anomalies: ['nbns.bad_label'] });
  });

  it('nbns.name_too_long: the encoded name and a scope id of 256 octets', () => {
    expect(run(nbns, nbOne(Buffer.concat([nbLabel, labels(63, 63, 63, 29), hex('00')])))).toEqual({ pdus: [], anomalies: ['nbns.name_too_long'] });
  });

  it('nbns.too_many_records: 257 questions (compressed) raise it once; 256 do not', () => {
    const ok = run(nbns, nbMany(256));
    expect(ok.anomalies).toEqual([]);
    expect(ok.pdus[0]!.questions).toHaveLength(256);
    const over = run(nbns, nbMany(257));
    expect(over.anomalies).toEqual(['nbns.too_many_records']);
    expect(over.pdus[0]!.questions).toHaveLength(256);
    expect((over.pdus[0]!.questions as Array<{ name: string }>)[255]!.name).toBe('PLC<00>');
  });
});

// ---------------------------------------------------------------- DHCP (RFC 2131 §2)

describe('dhcp.bad_hlen', () => {
  const msg = (htype: number, hlen: number, cookie?: number) => {
    const b = dhcpMessage({ op: 1, xid: 7, mac: '02:00:5e:10:00:21', options: [[53, [1]]], ...(cookie === undefined ? {} : { cookie }) });
    b[1] = htype;
    b[2] = hlen;
    return b;
  };

  it('hlen above the 16 bytes chaddr holds', () => {
    expect(run(dhcp, msg(1, 16)).anomalies).toEqual([]); // the bound itself is fine
    expect(run(dhcp, msg(1, 17))).toEqual({ pdus: [], anomalies: ['dhcp.bad_hlen'] });
    expect(run(dhcp, msg(1, 255))).toEqual({ pdus: [], anomalies: ['dhcp.bad_hlen'] });
  });

  it('no magic cookie and not a 6-byte Ethernet address: nothing says it is BOOTP', () => {
    expect(run(dhcp, msg(1, 6, 0)).pdus).toMatchObject([{ kind: 'BOOTP' }]); // RFC 951 BOOTP: fine
    // with the cookie, other hardware types are DHCP and keep their address as hex
    expect(run(dhcp, msg(6, 8))).toMatchObject({ anomalies: [], pdus: [{ kind: 'DISCOVER', clientMac: '02005e1000210000' }] });
    expect(run(dhcp, msg(6, 6, 0))).toEqual({ pdus: [], anomalies: ['dhcp.bad_hlen'] });
    expect(run(dhcp, msg(1, 8, 0))).toEqual({ pdus: [], anomalies: ['dhcp.bad_hlen'] });
  });
});

// ---------------------------------------------------------------- SNMP (RFC 3416 §3)

describe('snmp.too_many_varbinds', () => {
  const get = (n: number) => snmpMessage({ version: 1, community: 'public', pduTag: 0xa0, requestId: 1,
    varbinds: Array.from({ length: n }, (_, i) => varbind(`1.3.6.1.2.1.2.2.1.10.${i + 1}`)) });

  it('the 257th varbind ends the list with the anomaly; 256 decode whole', () => {
    const ok = run(snmp, get(256));
    expect(ok.anomalies).toEqual([]);
    expect(ok.pdus[0]!.varbinds).toHaveLength(256);
    const over = run(snmp, get(257));
    expect(over.anomalies).toEqual(['snmp.too_many_varbinds']);
    expect(over.pdus).toHaveLength(1);
    expect(over.pdus[0]!.varbinds).toHaveLength(256);
    expect((over.pdus[0]!.varbinds as Array<{ oid: string }>)[255]!.oid).toBe('1.3.6.1.2.1.2.2.1.10.256');
  });
});

// ---------------------------------------------------------------- S7comm / S7comm-plus

describe('s7comm.userdata_reassembly_overflow', () => {
  // Userdata answers with "last data unit" = 1 are held per direction up to 64 KiB (state.ts MAX_REASSEMBLY)
  const frag = (len: number, more: boolean) => tpktDt(userdata(0x400, { type: 8, group: 2, sub: 1, seq: 1, unit: 3, more }, Buffer.alloc(len, 0x11)));
  const answer = (sizes: number[]) => {
    const st = s7comm.newState!();
    return sizes.map((n, i) => feed(s7comm, frag(n, i < sizes.length - 1), 1, st));
  };

  it('three fragments of exactly 65536 bytes are reassembled; one byte more overflows on the last', () => {
    const ok = answer([30000, 30000, 5536]);
    expect(ok.flatMap((r) => r.anomalies)).toEqual([]);
    expect(ok.map((r) => r.pdus.length)).toEqual([1, 1, 1]);
    const over = answer([30000, 30000, 5537]);
    expect(over.map((r) => r.anomalies)).toEqual([[], [], ['s7comm.userdata_reassembly_overflow']]);
    expect(over[2]!.pdus).toMatchObject([{ proto: 's7comm', group: 2, subfunction: 1 }]); // the PDU itself still stands
  });

  it('a "more follows" fragment past the bound overflows at once, and the held parts are dropped', () => {
    const st = s7comm.newState!();
    expect(feed(s7comm, frag(40000, true), 1, st).anomalies).toEqual([]);
    expect(feed(s7comm, frag(30000, true), 1, st).anomalies).toEqual(['s7comm.userdata_reassembly_overflow']);
    expect(st.ud[1]).toBeNull();
    expect(st.udBytes[1]).toBe(0);
  });
});

describe('s7commplus.length_mismatch', () => {
  // V1 request (no integrity part): opcode 0x31, reserved, function 0x04F2 Set Variable, reserved, sequence 1
  const DATA = hex('31 0000 04f2 0000 0001');
  const plus = (after: Buffer) => tpktDt(Buffer.concat([hex('72 01 0009'), DATA, after]));

  it('bytes after the data that are not the 4-byte trailer', () => {
    const ok = feed(s7comm, plus(hex('72 01 0000')), 0, s7comm.newState!());
    expect(ok).toMatchObject({ anomalies: [], pdus: [{ proto: 's7commplus', kind: 'set_variable_request', sequence: 1 }] });
    const r = feed(s7comm, plus(hex('72 01')), 0, s7comm.newState!());
    expect(r.anomalies).toEqual(['s7commplus.length_mismatch']);
    expect(r.pdus).toMatchObject([{ proto: 's7commplus', kind: 'set_variable_request' }]);
    expect(feed(s7comm, plus(hex('72 01 0000 00')), 0, s7comm.newState!()).anomalies).toEqual(['s7commplus.length_mismatch']);
  });
});

// ---------------------------------------------------------------- DNP3 (IEEE 1815-2012 clause 4)

describe('dnp3.too_many_objects', () => {
  // READ (function 1) of n class-1 headers (g60v2, qualifier 0x06 all points): 3 octets each
  const read = (n: number) => Buffer.concat(appFrames({ fromMaster: true, destination: 10, source: 1,
    apdu: Buffer.concat([hex('c0 01'), ...Array.from({ length: n }, () => hex('3c 02 06'))]) }));

  it('the 65th object header is not walked; 64 are', () => {
    const ok = feed(dnp3, read(64), 0, dnp3.newState!());
    expect(ok.anomalies).toEqual([]);
    expect(ok.pdus[0]!.objects).toHaveLength(64);
    const over = feed(dnp3, read(65), 0, dnp3.newState!());
    expect(over.anomalies).toEqual(['dnp3.too_many_objects']);
    expect(over.pdus).toHaveLength(1);
    expect(over.pdus[0]!.objects).toHaveLength(64);
  });
});

// ---------------------------------------------------------------- TLS (RFC 8446 §4.1.2)

describe('tls.truncated', () => {
  it('a ClientHello whose handshake length ends inside its random', () => {
    // record: handshake, TLS 1.0, 6 bytes; handshake: ClientHello, 2 bytes (legacy_version only)
    expect(feed(tls, hex('16 0301 0006  01 000002  0303'), 0, tls.newState!())).toEqual({ pdus: [], anomalies: ['tls.truncated'] });
  });

  it('a ClientHello whose extensions length runs past the message; the same hello intact is fine', () => {
    const ok = clientHello('plc.example');
    expect(feed(tls, ok, 0, tls.newState!())).toMatchObject({ anomalies: [], pdus: [{ kind: 'client_hello', serverName: 'plc.example' }] });
    // extensions length: after record (5), handshake header (4), version, random, session id, 2 suites, 1 compression
    const at = 5 + 4 + 2 + 32 + 1 + 2 + 4 + 1 + 1;
    expect(ok.readUInt16BE(at)).toBe(ok.length - at - 2);
    const bad = Buffer.from(ok);
    bad.writeUInt16BE(bad.readUInt16BE(at) + 16, at); // 16 bytes of extensions are missing
    expect(feed(tls, bad, 0, tls.newState!())).toEqual({ pdus: [], anomalies: ['tls.truncated'] });
  });

  it('lengths are counted from after their own field: an extensions length 1 or 2 bytes too long is truncation, a 1-byte ALPN name is kept', () => {
    const ok = clientHello('plc.example');
    const at = 5 + 4 + 2 + 32 + 1 + 2 + 4 + 1 + 1;
    for (const over of [1, 2]) {
      const bad = Buffer.from(ok);
      bad.writeUInt16BE(bad.readUInt16BE(at) + over, at);
      expect(feed(tls, bad, 0, tls.newState!())).toEqual({ pdus: [], anomalies: ['tls.truncated'] });
    }
    expect(feed(tls, clientHello('plc.example', ['http/1.1', 'x']), 0, tls.newState!()).pdus[0]).toMatchObject({ alpn: ['http/1.1', 'x'], serverName: 'plc.example' });
  });

  it('through the pipeline: counted in the ingest report', async () => {
    const bad = hex('16 0301 0006  01 000002  0303');
    const ingest = (hello: Buffer) => ingestConversation('tls',
      { mac: '02:00:00:00:44:01', ip: '10.44.0.1', port: 50001 }, { mac: '02:00:00:00:44:02', ip: '10.44.0.2', port: 443 }, 443, [{ from: 'client', data: hello }]);
    const ok = await ingest(clientHello('plc.example'));
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.tls).toBe(1);
    expect((await ingest(bad)).anomalies).toEqual({ 'tls.truncated': 1 });
  });
});

describe('names at the RFC 1035 bound (§2.3.4: 255 octets, which holds 127 one-byte labels and the root)', () => {
  const name = (labels: number) => Buffer.concat([Buffer.from(Array.from({ length: labels }, () => [1, 0x61]).flat()), Buffer.from([0])]);
  const query = (labels: number) => Buffer.concat([header(1), name(labels), u16(1, 1)]);
  it('127 labels (255 octets) decode; 128 (257 octets) are too long', () => {
    const ok = run(mdns, query(127));
    expect(ok.anomalies).toEqual([]);
    expect((ok.pdus[0]!.questions as Array<{ name: string }>)[0]!.name).toBe(Array.from({ length: 127 }, () => 'a').join('.'));
    expect(run(mdns, query(128))).toEqual({ pdus: [], anomalies: ['mdns.name_too_long'] });
  });
});

describe('http framing (RFC 9112 §2.1, §4)', () => {
  it('a HEAD request is framed as a request, with its body: only "HTTP/" starts a status line', async () => {
    const { http } = await import('../src/dissectors/http.js');
    const head = Buffer.from('HEAD /abc204 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody', 'latin1');
    expect(http.frame(head, 0)).toBe(head.length);
    const get = Buffer.from('GET /abc204 HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nbody', 'latin1');
    expect(http.frame(get, 0)).toBe(get.length);
  });
});

describe('http framing refusals name their reason (instead of the generic stream.desync)', () => {
  // through the pipeline, so the StreamFramer asks the dissector why it refused
  const ingest = (name: string, messages: ConversationMessage[]) => ingestConversation(name,
    { mac: '02:00:00:00:80:01', ip: '10.80.0.1', port: 50080 }, { mac: '02:00:00:00:80:02', ip: '10.80.0.2', port: 80 }, 80, messages);
  const get = (filler: number) => Buffer.from(`GET / HTTP/1.1\r\nHost: plc\r\nX-Fill: ${'a'.repeat(filler)}\r\n\r\n`, 'latin1');
  const chunked = (sizeLine: string) => Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${sizeLine}\r\nabcd\r\n0\r\n\r\n`, 'latin1');
  const request = { from: 'client' as const, data: get(10) };

  it('http.head_too_long: no end of head within 16 KiB (MAX_HEAD); a head just under the bound decodes', async () => {
    const ok = await ingest('head-ok', [{ from: 'client', data: get(16 * 1024 - 100) }]);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.http).toBe(1);
    const bad = await ingest('head-long', [{ from: 'client', data: get(17 * 1024) }]);
    expect(bad.anomalies).toEqual({ 'http.head_too_long': 1 });
    expect(bad.protocols.http).toBeUndefined();
  });

  it('http.bad_chunk: a chunk size line that is not hex (RFC 9112 §7.1); a valid one frames the response', async () => {
    const ok = await ingest('chunk-ok', [request, { from: 'server', data: chunked('4') }]);
    expect(ok.anomalies).toEqual({});
    expect(ok.protocols.http).toBe(2);
    const bad = await ingest('chunk-bad', [request, { from: 'server', data: chunked('zz') }]);
    expect(bad.anomalies).toEqual({ 'http.bad_chunk': 1 });
    expect(bad.protocols.http).toBe(1); // the request
  });

  it('bytes that are not HTTP at all still report stream.desync', async () => {
    const r = await ingest('garbage', [request, { from: 'server', data: Buffer.from('\xff\xfe garbage that is not a status line\r\n\r\n', 'latin1') }]);
    expect(r.anomalies).toEqual({ 'stream.desync': 1 });
  });
});

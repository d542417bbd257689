// TLS records over TCP 443, and on other ports by probe. Only the cleartext handshake start is read:
// the ClientHello (RFC 8446 §4.1.2) with its server_name (RFC 6066 §3) and ALPN (RFC 7301 §3.1)
// extensions, and the ServerHello's chosen version and cipher suite (RFC 8446 §4.1.3, supported_versions
// §4.2.1 for TLS 1.3, whose legacy_version field says 1.2). Everything else is recorded by record type
// only: after ChangeCipherSpec, and for application data, the bytes are encrypted.
//
// Framing (RFC 8446 §5.1): a record is type (20-23; 24 heartbeat is not accepted, it is not used by
// the handshake and is a favourite of attacks), legacy_record_version 0x0300-0x0304, and a 16-bit
// length of at most 2^14 + 2048 (TLSCiphertext bound, §5.2). Anything else is not a TLS record.
// A handshake message split across records is not reassembled (rare for hellos); it is recorded as
// a fragment.
import type { AnomalyId } from '../decode/anomalies.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';
import { Reader } from '../decode/reader.js';

const CHANGE_CIPHER_SPEC = 20, ALERT = 21, HANDSHAKE = 22, APPLICATION_DATA = 23;
const MAX_RECORD = 16384 + 2048;
/** Names and ALPN protocols kept per hello: bounded. */
const MAX_LIST = 16;

export const TLS_ANOMALIES = [
  'tls.truncated',
  'tls.bad_sni',
  'tls.handshake_fragment',
] as const satisfies readonly AnomalyId[];

const VERSIONS: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };
const versionName = (v: number) => VERSIONS[v] ?? `0x${v.toString(16).padStart(4, '0')}`;
/** GREASE values (RFC 8701): 0x?a?a, sent to keep servers tolerant; not real choices. */
const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a && (v >> 8) === (v & 0xff);

export interface TlsState {
  /** ChangeCipherSpec seen per direction: later handshake records are encrypted */
  ccs: [boolean, boolean];
}

function frame(data: Buffer, _dir: Direction): number {
  if (data.length < 5) return data.length > 0 && (data[0]! < CHANGE_CIPHER_SPEC || data[0]! > APPLICATION_DATA) ? -1 : 0;
  const type = data[0]!, ver = data.readUInt16BE(1), len = data.readUInt16BE(3);
  if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA || ver < 0x0300 || ver > 0x0304 || len > MAX_RECORD) return -1;
  return 5 + len;
}

function probe(data: Buffer, _dir: Direction): ProbeResult {
  if (data.length < 6) {
    const want = [HANDSHAKE, 0x03];
    for (let i = 0; i < Math.min(data.length, 2); i++) if (data[i] !== want[i]) return 'no';
    if (data.length >= 3 && data[2]! > 4) return 'no';
    return 'need-more';
  }
  // A hello opens the handshake: record type 22, version 3.0-1.3, a sane length, ClientHello or ServerHello.
  if (data[0] !== HANDSHAKE || data[1] !== 0x03 || data[2]! > 4) return 'no';
  const len = data.readUInt16BE(3);
  if (len < 4 || len > MAX_RECORD) return 'no';
  return data[5] === 1 || data[5] === 2 ? 'yes' : 'no';
}

/** ClientHello extensions we read: server_name (0), ALPN (16), supported_versions (43). */
function extensions(r: Reader, p: Record<string, unknown>, client: boolean, out: PduSink): void {
  if (r.left === 0) return; // extensions are absent in old hellos
  // the length first, then where it ends: `r.pos + r.u16()` would add it to the position before the
  // length field, two bytes short (and so would every list below)
  const extLen = r.u16();
  const end = r.pos + extLen;
  r.need(extLen);
  let count = 0;
  while (r.pos < end) {
    const type = r.u16();
    const len = r.u16();
    const body = new Reader(r.buf, r.pos, r.pos + len);
    r.skip(len);
    count++;
    if (type === 0 && client) {
      // RFC 6066 §3: ServerNameList of (name_type, HostName); only host_name (0) is defined.
      const listLen = body.u16();
      const listEnd = body.pos + listLen;
      while (body.pos < listEnd) {
        const nameType = body.u8();
        const name = body.bytes(body.u16()).toString('latin1');
        if (nameType === 0 && p.serverName === undefined) {
          // "HostName" is ASCII without a trailing dot; anything else is worth noting
          if (!/^[A-Za-z0-9._-]{1,253}$/.test(name) || name.endsWith('.')) out.anomaly('tls.bad_sni');
          p.serverName = name.slice(0, 253);
        }
      }
    } else if (type === 16) {
      const listLen = body.u16();
      const listEnd = body.pos + listLen;
      const alpn: string[] = [];
      while (body.pos < listEnd) {
        const proto = body.bytes(body.u8()).toString('latin1');
        if (alpn.length < MAX_LIST) alpn.push(proto);
      }
      p.alpn = alpn;
    } else if (type === 43) {
      if (client) {
        const n = body.u8();
        const vs: string[] = [];
        for (let i = 0; i + 1 < n; i += 2) { const v = body.u16(); if (!isGrease(v) && vs.length < MAX_LIST) vs.push(versionName(v)); }
        p.supportedVersions = vs;
      } else {
        p.version = versionName(body.u16()); // TLS 1.3 is announced here, not in legacy_version
      }
    }
  }
  p.extensionCount = count;
}

function hello(r: Reader, msgType: number, p: Record<string, unknown>, out: PduSink): void {
  const client = msgType === 1;
  p.kind = client ? 'client_hello' : 'server_hello';
  p.role = client ? 'request' : 'response';
  p.functionName = client ? 'ClientHello' : 'ServerHello';
  p.version = versionName(r.u16());
  r.skip(32); // random
  r.skip(r.u8()); // legacy_session_id
  if (client) {
    const n = r.u16();
    let suites = 0;
    for (let i = 0; i + 1 < n; i += 2) if (!isGrease(r.u16())) suites++;
    if (n % 2) r.skip(1);
    p.cipherSuiteCount = suites;
    r.skip(r.u8()); // legacy_compression_methods
  } else {
    const suite = r.u16();
    p.cipherSuite = suite;
    p.cipherSuiteHex = `0x${suite.toString(16).padStart(4, '0')}`;
    r.skip(1); // legacy_compression_method
  }
  extensions(r, p, client, out);
}

function decode(pdu: Buffer, dir: Direction, state: TlsState, out: PduSink): void {
  const r = new Reader(pdu);
  const type = r.u8();
  const ver = r.u16();
  const len = r.u16();
  r.need(len);
  const p: Record<string, unknown> & { proto: string; kind: string } = { proto: 'tls', kind: 'record', recordVersion: versionName(ver), length: len, op: 'session' };
  switch (type) {
    case CHANGE_CIPHER_SPEC:
      p.kind = 'change_cipher_spec';
      state.ccs[dir] = true;
      break;
    case ALERT:
      p.kind = 'alert';
      if (len === 2 && !state.ccs[dir]) { p.level = r.u8(); p.description = r.u8(); } // encrypted alerts are longer
      break;
    case APPLICATION_DATA:
      p.kind = 'application_data'; // encrypted: length only
      break;
    case HANDSHAKE: {
      if (state.ccs[dir]) { p.kind = 'encrypted_handshake'; break; }
      const msgType = r.u8();
      const msgLen = r.u24();
      p.kind = 'handshake';
      p.handshakeType = msgType;
      if (msgLen > r.left) { out.anomaly('tls.handshake_fragment'); break; }
      const body = new Reader(pdu, r.pos, r.pos + msgLen);
      if (msgType === 1 || msgType === 2) hello(body, msgType, p, out);
      break;
    }
  }
  out.pdu(p);
}

export const tls: StreamDissector<TlsState> = {
  id: 'tls',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 443 }],
  anomalies: TLS_ANOMALIES,
  maxPdu: 5 + MAX_RECORD,
  probe,
  frame,
  decode,
  newState: () => ({ ccs: [false, false] }),
};

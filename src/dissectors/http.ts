// HTTP/1.0 and HTTP/1.1 message heads (RFC 9112) over TCP 80 and 8080, and on other ports by probe.
//
// Framing (RFC 9112 §2.1, §6.3): a message is its head (start line and header fields, ended by an
// empty line CRLF CRLF) plus a body whose length is Content-Length, or a chunked body (§7.1) read
// chunk by chunk up to the last (0) chunk and its trailer section. The head is bounded (MAX_HEAD):
// a longer one is not an HTTP head we can use and the stream is treated as out of step. Body bytes
// are never kept, only counted. A response without Content-Length or chunked coding that is
// delimited by the connection closing (§6.3 item 8) cannot be framed ahead: its head alone is the
// PDU, and the body bytes after it are skipped by the flow stage's resync.
//
// After "101 Switching Protocols" (RFC 9110 §15.2.2) the connection is no longer HTTP; the usual
// successor is WebSocket (RFC 6455), whose frames are framed here by their own header (§5.2: client
// frames masked, server frames not) and recorded by opcode and length only, so an upgraded connection
// does not read as an HTTP stream out of step. Without a 101 seen first, such bytes are not HTTP.
//
// What is kept: the request line (method, path without the query, version), Host, User-Agent
// (describes the client), Server (identity of the server: productName), status code and reason.
// `Authorization: Basic` (RFC 7617) decodes the user name; the password is never kept, only its
// length and a rough strength, so credential findings can be raised without storing secrets.
import type { AnomalyId } from '../decode/anomalies.js';
import type { Identity, OpClass } from '../decode/pdu.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';

/** Largest head we frame: 16 KiB covers real browsers' cookies; longer is not a usable head. */
const MAX_HEAD = 16 * 1024;
/**
 * Largest message framed with its body: bodies are skipped, but the flow stage buffers a whole PDU
 * first, so this bounds memory per direction. A larger body (a firmware upload, a big download) is
 * framed as its head alone, so the request is still decoded; its body bytes then put the stream into
 * resync until the next message head.
 */
const MAX_PDU = 1024 * 1024;
/** Chunks followed in one chunked body before we give up on it (bounded work). */
const MAX_CHUNKS = 4096;
/** Longest string field kept (target, User-Agent, ...). */
const MAX_FIELD = 512;

export const HTTP_ANOMALIES = [
  'http.truncated',
  'http.bad_start_line',
  'http.head_too_long',
  'http.bad_content_length',
  'http.bad_chunk',
  'http.missing_host',
] as const satisfies readonly AnomalyId[];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'CONNECT', 'TRACE'] as const;
const OPS: Record<string, OpClass> = {
  GET: 'read', HEAD: 'read', POST: 'write', PUT: 'write', DELETE: 'write', PATCH: 'write',
  OPTIONS: 'diagnostic', TRACE: 'diagnostic', CONNECT: 'session',
};

/** What a message head starts with: a method and a space, or a status line's version. */
const STARTS: readonly string[] = [...METHODS.map((m) => m + ' '), 'HTTP/1.'];

const STARTS_BYTES = STARTS.map((c) => Buffer.from(c, 'latin1'));

/** Does data start like a request ("GET ") or a response ("HTTP/1.")? 1 = yes, 0 = need more, -1 = no. */
function startsLike(data: Buffer): number {
  let partial = false;
  next: for (let i = 0; i < STARTS_BYTES.length; i++) {
    const c = STARTS_BYTES[i]!;
    const n = Math.min(c.length, data.length);
    for (let k = 0; k < n; k++) if (data[k] !== c[k]) continue next;
    if (n === c.length) return 1;
    partial = true;
  }
  return partial ? 0 : -1;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** Index of CRLFCRLF ending the head (position after it), 0 when not yet seen, -1 when past the bound. */
function headEnd(data: Buffer): number {
  const lim = Math.min(data.length, MAX_HEAD);
  const i = (lim === data.length ? data : data.subarray(0, lim)).indexOf(CRLFCRLF);
  if (i >= 0) return i + 4;
  return data.length >= MAX_HEAD ? -1 : 0;
}

/** The header fields the sensor uses; the rest are skipped without building strings for them. */
const WANTED = ['host', 'user-agent', 'server', 'authorization', 'transfer-encoding', 'content-length', 'content-type'] as const;
const WANTED_BYTES = WANTED.map((n) => Buffer.from(n, 'latin1'));

/** A parsed head: where the start line ends and where each wanted field's value is (strings on demand). */
interface Head {
  buf: Buffer;
  startEnd: number;
  /** [start, end) of each WANTED field's value, -1 when absent */
  at: Int32Array;
}

const F_HOST = 0, F_USER_AGENT = 1, F_SERVER = 2, F_AUTHORIZATION = 3, F_TRANSFER_ENCODING = 4, F_CONTENT_LENGTH = 5, F_CONTENT_TYPE = 6;

function field(h: Head, i: number): string | undefined {
  const from = h.at[2 * i]!;
  return from < 0 ? undefined : h.buf.toString('latin1', from, h.at[2 * i + 1]);
}

const isOws = (c: number) => c === 0x20 || c === 0x09;

/**
 * Start line and the wanted header fields (RFC 9112 §5): names are case-insensitive; the first of a
 * repeat is kept. A byte scan rather than split/Map: every frame() call parses the head again while a
 * message is incomplete, and this was the largest single cost of HTTP in the ingest benchmark.
 */
function parseHead(buf: Buffer, end: number): Head {
  const stop = end - 4; // the head without its final CRLFCRLF
  const at = new Int32Array(2 * WANTED.length).fill(-1);
  let eol = lineEnd(buf, 0, stop);
  const startEnd = eol;
  for (let n = 1, pos = eol + 2; pos < stop && n < 256; n++, pos = eol + 2) {
    eol = lineEnd(buf, pos, stop);
    let c = pos;
    while (c < eol && buf[c] !== 0x3a) c++;
    if (c === pos || c === eol) continue; // no name, or no colon
    let ns = pos, ne = c;
    while (ns < ne && isOws(buf[ns]!)) ns++;
    while (ne > ns && isOws(buf[ne - 1]!)) ne--;
    const i = wantedIndex(buf, ns, ne);
    if (i < 0 || at[2 * i]! >= 0) continue;
    let vs = c + 1, ve = eol;
    while (vs < ve && isOws(buf[vs]!)) vs++;
    while (ve > vs && isOws(buf[ve - 1]!)) ve--;
    at[2 * i] = vs;
    at[2 * i + 1] = ve;
  }
  return { buf, startEnd, at };
}

/** Position of the next CRLF at or after `pos` (or `stop`). */
function lineEnd(buf: Buffer, pos: number, stop: number): number {
  for (let i = pos; i + 1 < stop + 2; i++) if (buf[i] === 0x0d && buf[i + 1] === 0x0a) return Math.min(i, stop);
  return stop;
}

/** Which wanted field name buf[from, to) is, case-insensitively; -1 for none. */
function wantedIndex(buf: Buffer, from: number, to: number): number {
  const len = to - from;
  next: for (let w = 0; w < WANTED_BYTES.length; w++) {
    const name = WANTED_BYTES[w]!;
    if (name.length !== len) continue;
    for (let k = 0; k < len; k++) {
      const b = buf[from + k]!;
      if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== name[k]) continue next;
    }
    return w;
  }
  return -1;
}

/** Content-Length: digits only (§6.3 item 5: an invalid value is unrecoverable); -1 when absent, -2 when invalid. */
function contentLength(h: Head): number {
  const from = h.at[2 * F_CONTENT_LENGTH]!, to = h.at[2 * F_CONTENT_LENGTH + 1]!;
  if (from < 0) return -1;
  if (to - from < 1 || to - from > 10) return -2;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = h.buf[i]! - 0x30;
    if (d < 0 || d > 9) return -2;
    n = n * 10 + d;
  }
  return n;
}

/** Length of a chunked body (§7.1) starting at `at`; 0 when more is needed; -1 when malformed; -2 when beyond the bound. */
function chunkedLength(data: Buffer, at: number): number {
  let pos = at;
  for (let n = 0; n < MAX_CHUNKS; n++) {
    const eol = data.indexOf('\r\n', pos, 'latin1');
    if (eol < 0) return data.length - pos > 1024 ? -1 : 0;
    const sizeStr = data.toString('latin1', pos, eol).split(';')[0]!.trim();
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeStr)) return -1;
    const size = Number.parseInt(sizeStr, 16);
    pos = eol + 2;
    if (size === 0) {
      // trailer section: header lines until an empty line (§7.1.2)
      for (let t = 0; t < 64; t++) {
        const e = data.indexOf('\r\n', pos, 'latin1');
        if (e < 0) return 0;
        const empty = e === pos;
        pos = e + 2;
        if (empty) return pos - at;
      }
      return -1;
    }
    if (pos + size + 2 > MAX_PDU) return -2;
    if (data.length < pos + size + 2) return 0;
    if (data[pos + size] !== 0x0d || data[pos + size + 1] !== 0x0a) return -1;
    pos += size + 2;
  }
  return -2;
}

/** Message length: head plus body; the bodies of HEAD replies and 1xx/204/304 are empty (§6.3). */
function messageLength(data: Buffer, hend: number, h: Head, isResponse: boolean): number {
  if (isResponse) {
    const b = h.buf;
    const code = (b[9]! - 0x30) * 100 + (b[10]! - 0x30) * 10 + (b[11]! - 0x30);
    if ((code >= 100 && code < 200) || code === 204 || code === 304) return hend;
  }
  const te = field(h, F_TRANSFER_ENCODING);
  if (te !== undefined && /chunked\s*$/i.test(te)) {
    const n = chunkedLength(data, hend);
    if (n === -2) return hend; // too large to buffer: the head alone
    return n <= 0 ? n : hend + n;
  }
  const cl = contentLength(h);
  if (cl === -2) return hend; // bad length: the head alone; decode reports it
  if (cl >= 0) return hend + cl > MAX_PDU ? hend : hend + cl;
  return hend; // no length: requests have no body (§6.3 item 7); close-delimited responses cannot be framed ahead
}

/** WebSocket opcodes (RFC 6455 §5.2): continuation, text, binary, close, ping, pong. */
const WS_OPCODES: Record<number, string> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

/** Length of a WebSocket frame at data[0] (RFC 6455 §5.2); 0 when more is needed; -1 when it is not one. */
function wsLength(data: Buffer, dir: Direction): number {
  if (data.length < 2) return data.length === 1 && (data[0]! & 0x30) === 0 && WS_OPCODES[data[0]! & 0x0f] !== undefined ? 0 : -1;
  const b0 = data[0]!, b1 = data[1]!;
  // RSV2/RSV3 unused (RSV1 is permessage-deflate), a defined opcode, and the mask bit as §5.1 requires
  if ((b0 & 0x30) !== 0 || WS_OPCODES[b0 & 0x0f] === undefined || ((b1 & 0x80) !== 0) !== (dir === 0)) return -1;
  let len = b1 & 0x7f, at = 2;
  if (len === 126) { if (data.length < 4) return 0; len = data.readUInt16BE(2); at = 4; }
  else if (len === 127) { if (data.length < 10) return 0; if (data.readUInt32BE(2) !== 0) return -1; len = data.readUInt32BE(6); at = 10; }
  if (b1 & 0x80) at += 4;
  return at + len;
}

/** A status line starts "HTTP/" (RFC 9112 §4); a HEAD request starts with an H too. */
const isStatusLine = (data: Buffer): boolean => data.length >= 5 && data[0] === 0x48 && data[1] === 0x54 && data[2] === 0x54 && data[3] === 0x50 && data[4] === 0x2f;

function frame(data: Buffer, dir: Direction): number {
  const s = startsLike(data);
  if (s < 0) return wsLength(data, dir);
  if (s === 0) return 0;
  const hend = headEnd(data);
  if (hend <= 0) return hend;
  const h = parseHead(data, hend);
  const n = messageLength(data, hend, h, isStatusLine(data));
  if (n < 0) return -1;
  if (n === 0) return 0;
  return n;
}

/**
 * Why frame() refused a message that starts like HTTP: a head with no CRLFCRLF within MAX_HEAD bytes,
 * or a chunk size line that is not one (RFC 9112 §7.1). Anything else is not HTTP (null).
 */
function refusal(data: Buffer, _dir: Direction): AnomalyId | null {
  if (startsLike(data) <= 0) return null;
  const hend = headEnd(data);
  if (hend < 0) return 'http.head_too_long';
  if (hend === 0) return null;
  // messageLength is -1 only for a bad chunk
  return messageLength(data, hend, parseHead(data, hend), isStatusLine(data)) === -1 ? 'http.bad_chunk' : null;
}

function probe(data: Buffer, _dir: Direction): ProbeResult {
  try {
    const s = startsLike(data);
    if (s < 0) return 'no';
    if (s === 0) return 'need-more';
    // The start line must look like one: "METHOD SP target SP HTTP/1.x" or "HTTP/1.x SP 3DIGIT".
    const eol = data.indexOf('\r\n', 0, 'latin1');
    if (eol < 0) return data.length > 2048 ? 'no' : 'need-more';
    const line = data.toString('latin1', 0, eol);
    if (/^HTTP\/1\.[01] \d{3}( |$)/.test(line)) return 'yes';
    return /^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line) ? 'yes' : 'no';
  } catch {
    return 'no';
  }
}

const clip = (s: string) => (s.length > MAX_FIELD ? s.slice(0, MAX_FIELD) : s);

/** A rough password strength from its length and character classes (the value itself is discarded). */
export function passwordStrength(pw: string): 'Very Weak' | 'Weak' | 'Medium' | 'Strong' {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(pw)).length;
  if (pw.length < 8 || classes <= 1) return 'Very Weak';
  if (pw.length < 10 || classes === 2) return 'Weak';
  if (pw.length < 14 || classes === 3) return 'Medium';
  return 'Strong';
}

/** Server / User-Agent product token "name/version (comment)" (RFC 9110 §10.1.5, §10.2.4). */
function productOf(v: string): Identity {
  const id: Identity = { productName: clip(v) };
  const m = /^([^\s/]+)\/([^\s]+)/.exec(v);
  if (m) id.firmwareVersion = clip(m[2]!);
  return id;
}

export interface HttpState {
  /** a 101 Switching Protocols response was seen: what follows is WebSocket, not HTTP */
  upgraded: boolean;
}

function decode(pdu: Buffer, dir: Direction, state: HttpState, out: PduSink): void {
  if (startsLike(pdu) < 0 && wsLength(pdu, dir) === pdu.length) {
    if (!state.upgraded) { out.anomaly('http.bad_start_line'); return; }
    out.pdu({ proto: 'http', kind: 'websocket', role: dir === 0 ? 'request' : 'response', opcode: WS_OPCODES[pdu[0]! & 0x0f], length: pdu.length });
    return;
  }
  const hend = headEnd(pdu);
  if (hend <= 0) { out.anomaly(hend < 0 ? 'http.head_too_long' : 'http.truncated'); return; }
  const h = parseHead(pdu, hend);
  const p: Record<string, unknown> & { proto: string; kind: string } = { proto: 'http', kind: 'request' };
  const start = pdu.toString('latin1', 0, h.startEnd);
  const resp = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(start);
  if (resp) {
    const code = Number.parseInt(resp[2]!, 10);
    p.kind = 'response';
    p.role = 'response';
    p.version = resp[1];
    p.statusCode = code;
    p.functionCode = code;
    p.functionName = clip(resp[3] ?? '');
    if (code === 101) state.upgraded = true;
    if (code >= 400) p.exception = { code, name: clip(resp[3] ?? '') };
    const server = field(h, F_SERVER);
    if (server !== undefined) { p.server = clip(server); p.identity = productOf(server); }
  } else {
    const req = /^([A-Z]+) (\S+) HTTP\/(1\.[01])$/.exec(start);
    if (!req) { out.anomaly('http.bad_start_line'); return; }
    const method = req[1]!;
    p.role = 'request';
    p.method = method;
    p.functionName = method;
    p.op = OPS[method] ?? 'other';
    // the path only: query strings carry session ids and form data we do not keep
    const target = req[2]!;
    const q = target.indexOf('?');
    p.path = clip(q >= 0 ? target.slice(0, q) : target);
    p.version = req[3];
    const host = field(h, F_HOST);
    if (host !== undefined) p.host = clip(host);
    else if (req[3] === '1.1') out.anomaly('http.missing_host'); // RFC 9112 §3.2: a 1.1 request MUST send Host
    const ua = field(h, F_USER_AGENT);
    if (ua !== undefined) p.userAgent = clip(ua);
    const auth = field(h, F_AUTHORIZATION);
    if (auth !== undefined) {
      const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth);
      if (m) {
        const plain = Buffer.from(m[1]!, 'base64').toString('utf8');
        const c = plain.indexOf(':');
        const user = c >= 0 ? plain.slice(0, c) : plain;
        const pw = c >= 0 ? plain.slice(c + 1) : '';
        p.credentials = { protocol: 'HTTP', user: clip(user), passwordLength: pw.length, passwordStrength: passwordStrength(pw) };
      } else {
        p.authScheme = clip(auth.split(/\s/)[0] ?? '');
      }
    }
  }
  const te = field(h, F_TRANSFER_ENCODING);
  if (te !== undefined && /chunked\s*$/i.test(te)) {
    const n = chunkedLength(pdu, hend);
    if (n === -1) out.anomaly('http.bad_chunk');
    else if (n > 0) p.bodyLength = n; // chunked framing included (a body too large to buffer: not known)
  } else {
    const cl = contentLength(h);
    if (cl === -2) out.anomaly('http.bad_content_length');
    else if (cl >= 0) p.bodyLength = cl; // as declared: a body too large to buffer is framed without it
  }
  const ct = field(h, F_CONTENT_TYPE);
  if (ct !== undefined) p.contentType = clip(ct);
  out.pdu(p);
}

export const http: StreamDissector<HttpState> = {
  id: 'http',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 80 }, { table: 'tcp.port', value: 8080 }],
  anomalies: HTTP_ANOMALIES,
  maxPdu: MAX_PDU,
  probe,
  frame,
  refusal,
  decode,
  newState: () => ({ upgraded: false }),
};

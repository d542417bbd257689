// OPC UA binary over TCP (UA TCP / UA SecureConversation, port 4840).
//
// Message header (OPC UA Part 6 §7.1.2.2, table 50): 3-byte MessageType (HEL, ACK, ERR, RHE, or the
// secure conversation types OPN, MSG, CLO of §6.7.2.2), 1-byte chunk type ('F' final, 'C'
// intermediate, 'A' abort), UInt32 MessageSize (little-endian, includes the header).
//   HEL (§7.1.2.3): ProtocolVersion, ReceiveBufferSize, SendBufferSize, MaxMessageSize, MaxChunkCount, EndpointUrl
//   ACK (§7.1.2.4): the same five UInt32 without the URL
//   ERR (§7.1.2.5): Error (StatusCode), Reason (String)
//   RHE (§7.1.2.6): ServerUri, EndpointUrl
//   OPN (§6.7.2.3 table 44): SecureChannelId, asymmetric security header (SecurityPolicyUri,
//        SenderCertificate, ReceiverCertificateThumbprint), sequence header, body
//   MSG/CLO (§6.7.2.3 table 45): SecureChannelId, TokenId, sequence header (§6.7.2.4: SequenceNumber,
//        RequestId), body
// A body starts with the NodeId of the service's DefaultBinary encoding (Part 6 §5.2.2.9, encodings
// 0x00 two-byte, 0x01 four-byte, 0x02 numeric), then the Request/ResponseHeader (Part 4 §7.28/§7.29).
//
// Per-flow state keeps the channel's security policy: under a policy other than None the OPN body is
// asymmetrically encrypted, and MSG bodies are encrypted when the mode is SignAndEncrypt. The mode is
// inside the encrypted OPN, so a MSG under such a policy is parsed only when its body starts with a
// known service NodeId (mode Sign leaves it in clear); otherwise it is recorded as encrypted.
import type { AnomalyId } from '../decode/anomalies.js';
import type { OpClass } from '../decode/pdu.js';
import { type Direction, type PduSink, type ProbeResult, type StreamDissector } from '../decode/types.js';
import { Reader, Truncated } from '../decode/reader.js';

/** Far above any real chunk (servers announce 8 KiB..16 MiB buffers); a larger size is desync. */
const MAX_SIZE = 16 * 1024 * 1024;
/** §7.1.2.3: buffers "shall be at least 8192 bytes". */
const MIN_BUFFER = 8192;
/** Part 6 §5.2.2.4 leaves string length to the profile; URLs and URIs beyond this are not names. */
const MAX_TEXT = 4096;
/** Part 6 §6.7.2.4: a sequence number past this may wrap to a value below 1024. */
const SEQ_WRAP = 4294966271;
export const POLICY_NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';

const T_HEL = 0x48454c, T_ACK = 0x41434b, T_ERR = 0x455252, T_RHE = 0x524845, T_OPN = 0x4f504e, T_MSG = 0x4d5347, T_CLO = 0x434c4f;
const CHUNK_F = 0x46, CHUNK_C = 0x43, CHUNK_A = 0x41;

function typeOf(b: Buffer): number {
  const t = (b[0]! << 16) | (b[1]! << 8) | b[2]!;
  return t === T_HEL || t === T_ACK || t === T_ERR || t === T_RHE || t === T_OPN || t === T_MSG || t === T_CLO ? t : 0;
}

/**
 * Services by the numeric id of their DefaultBinary encoding NodeId (Part 6 Annex, NodeIds.csv):
 * request ids, the response is the next id of each pair (+3).
 */
const SERVICES: Array<[number, string, OpClass]> = [
  [422, 'FindServers', 'discovery'], [428, 'GetEndpoints', 'discovery'], [437, 'RegisterServer', 'discovery'],
  [12208, 'FindServersOnNetwork', 'discovery'], [12211, 'RegisterServer2', 'discovery'],
  [446, 'OpenSecureChannel', 'session'], [452, 'CloseSecureChannel', 'session'],
  [461, 'CreateSession', 'session'], [467, 'ActivateSession', 'session'], [473, 'CloseSession', 'session'], [479, 'Cancel', 'session'],
  [488, 'AddNodes', 'write'], [494, 'AddReferences', 'write'], [500, 'DeleteNodes', 'write'], [506, 'DeleteReferences', 'write'],
  [527, 'Browse', 'read'], [533, 'BrowseNext', 'read'], [554, 'TranslateBrowsePathsToNodeIds', 'read'],
  [560, 'RegisterNodes', 'read'], [566, 'UnregisterNodes', 'read'], [615, 'QueryFirst', 'read'], [621, 'QueryNext', 'read'],
  [631, 'Read', 'read'], [664, 'HistoryRead', 'read'], [673, 'Write', 'write'], [700, 'HistoryUpdate', 'write'], [712, 'Call', 'write'],
  [751, 'CreateMonitoredItems', 'read'], [763, 'ModifyMonitoredItems', 'read'], [769, 'SetMonitoringMode', 'read'],
  [775, 'SetTriggering', 'read'], [781, 'DeleteMonitoredItems', 'read'],
  [787, 'CreateSubscription', 'read'], [793, 'ModifySubscription', 'read'], [799, 'SetPublishingMode', 'read'],
  [826, 'Publish', 'read'], [832, 'Republish', 'read'], [841, 'TransferSubscriptions', 'read'], [847, 'DeleteSubscriptions', 'read'],
];
interface Service { name: string; op: OpClass; role: 'request' | 'response' }
const SERVICE = new Map<number, Service>();
for (const [id, name, op] of SERVICES) {
  // FindServersOnNetwork and RegisterServer2 pair with the next id, the classic services with id + 3
  const resp = id >= 12000 ? id + 1 : id + 3;
  SERVICE.set(id, { name: `${name}Request`, op, role: 'request' });
  SERVICE.set(resp, { name: `${name}Response`, op, role: 'response' });
}
const SERVICE_FAULT = 397;
SERVICE.set(SERVICE_FAULT, { name: 'ServiceFault', op: 'other', role: 'response' });

/** Status codes a UA TCP peer sends in ERR and ServiceFault (Part 6 §7.1.5 table 56, Part 4 §7.34). */
const STATUS: Record<number, string> = {
  0x80010000: 'BadUnexpectedError', 0x80020000: 'BadInternalError', 0x80050000: 'BadCommunicationError',
  0x80070000: 'BadDecodingError', 0x800a0000: 'BadTimeout', 0x800b0000: 'BadServiceUnsupported',
  0x80120000: 'BadCertificateInvalid', 0x80130000: 'BadSecurityChecksFailed', 0x80220000: 'BadSecureChannelIdInvalid',
  0x80250000: 'BadSessionIdInvalid', 0x80540000: 'BadSecurityModeRejected', 0x80550000: 'BadSecurityPolicyRejected',
  0x807d0000: 'BadTcpServerTooBusy', 0x807e0000: 'BadTcpMessageTypeInvalid', 0x807f0000: 'BadTcpSecureChannelUnknown',
  0x80800000: 'BadTcpMessageTooLarge', 0x80810000: 'BadTcpNotEnoughResources', 0x80820000: 'BadTcpInternalError',
  0x80830000: 'BadTcpEndpointUrlInvalid', 0x80840000: 'BadRequestInterrupted', 0x80850000: 'BadRequestTimeout',
  0x80860000: 'BadSecureChannelClosed', 0x80870000: 'BadSecureChannelTokenUnknown', 0x80880000: 'BadSequenceNumberInvalid',
  0x80be0000: 'BadProtocolVersionUnsupported',
};
const statusName = (c: number) => STATUS[c] ?? `0x${c.toString(16).padStart(8, '0')}`;

const MODES: Record<number, string> = { 1: 'None', 2: 'Sign', 3: 'SignAndEncrypt' };

export interface OpcuaState {
  /** the channel's SecurityPolicyUri from the last OPN; null until one is seen (mid-stream capture) */
  policy: string | null;
  securityMode: number;
  /** secure channel id the server assigned (0 until the OPN response) */
  channelId: number;
  /** last sequence number per direction; -1 until the first */
  lastSeq: [number, number];
  /** per direction: the service of a message whose intermediate chunks are still coming (-1: none) */
  contService: [number, number];
}

export const OPCUA_ANOMALIES = [
  'opcua.truncated',
  'opcua.bad_chunk_type',
  'opcua.bad_string_length',
  'opcua.buffer_too_small',
  'opcua.unknown_service',
  'opcua.channel_id_mismatch',
  'opcua.unexpected_sequence_number',
  'opcua.trailing_bytes',
] as const satisfies readonly AnomalyId[];

/** Header check shared by probe and frame: >0 the size, 0 need more, -1 not a header. */
function header(data: Buffer): number {
  const n = data.length;
  // check what is there byte by byte, so a prefix of a valid header is never rejected
  for (let i = 0; i < 3 && i < n; i++) if (!MSG_CHARS.includes(data[i]!)) return -1;
  if (n < 3) return 0;
  const t = typeOf(data);
  if (t === 0) return -1;
  if (n < 4) return 0;
  const c = data[3]!;
  if (c !== CHUNK_F && c !== CHUNK_C && c !== CHUNK_A) return -1;
  if (n < 8) return 0;
  const size = data.readUInt32LE(4);
  if (size < 8 || size > MAX_SIZE) return -1;
  return size;
}
/** the letters of the seven message types */
const MSG_CHARS = Buffer.from('HELACKERRHEOPNMSGCLO');

function probe(data: Buffer, _dir: Direction): ProbeResult {
  const h = header(data);
  if (h < 0) return 'no';
  if (h === 0) return 'need-more';
  const t = typeOf(data);
  // Tighter than frame, because a probe claims a whole flow: the fixed parts must fit the size.
  if (t === T_ACK) return h === 28 && data[3] === CHUNK_F ? 'yes' : 'no';
  if (t === T_HEL) return h >= 32 && data[3] === CHUNK_F ? 'yes' : 'no';
  if (t === T_ERR) return h >= 16 && data[3] === CHUNK_F ? 'yes' : 'no';
  if (t === T_RHE) return h >= 16 && data[3] === CHUNK_F ? 'yes' : 'no';
  if (t === T_OPN) return h >= 32 ? 'yes' : 'no';   // channel id + three string lengths + sequence header
  return h >= 24 ? 'yes' : 'no';                      // MSG/CLO: channel, token, sequence header
}

function frame(data: Buffer, _dir: Direction): number {
  return header(data);
}

/** String / ByteString (Part 6 §5.2.2.4/§5.2.2.7): Int32 length, -1 null. Returns the byte length. */
function strLen(r: Reader, out: PduSink): number {
  const n = r.i32le();
  if (n === -1) return -1;
  if (n < -1) {
    out.anomaly('opcua.bad_string_length');
    return -2;
  }
  r.need(n);
  return n;
}

function text(r: Reader, out: PduSink): string | undefined {
  const n = strLen(r, out);
  if (n === -2) throw new BadString();
  if (n < 0) return undefined;
  if (n > MAX_TEXT) {
    out.anomaly('opcua.bad_string_length');
    r.skip(n);
    return undefined;
  }
  return r.bytes(n).toString('utf8');
}

function skipStr(r: Reader, out: PduSink): void {
  const n = strLen(r, out);
  if (n === -2) throw new BadString();
  if (n > 0) r.skip(n);
}

/** A negative length other than -1: nothing after it can be located. */
class BadString extends Error {}

/** NodeId (§5.2.2.9) of any encoding; returns the numeric id in namespace 0, else -1. */
function nodeId(r: Reader, out: PduSink): number {
  const enc = r.u8();
  switch (enc & 0x3f) {
    case 0: return r.u8();
    case 1: { const ns = r.u8(); const id = r.u16le(); return ns === 0 ? id : -1; }
    case 2: { const ns = r.u16le(); const id = r.u32le(); return ns === 0 ? id : -1; }
    case 3: r.skip(2); skipStr(r, out); return -1;
    case 4: r.skip(18); return -1;
    case 5: r.skip(2); skipStr(r, out); return -1;
    default: return -2;
  }
}

/** ExtensionObject (§5.2.2.15): type NodeId, encoding byte, body when the encoding says there is one. */
function skipExtensionObject(r: Reader, out: PduSink): void {
  nodeId(r, out);
  const enc = r.u8();
  if (enc === 1 || enc === 2) skipStr(r, out);
}

/** DiagnosticInfo (§5.2.2.12): an encoding mask, then the fields it names; nesting is bounded. */
function skipDiagnosticInfo(r: Reader, out: PduSink, depth = 0): void {
  const m = r.u8();
  if (m & 0x01) r.skip(4);
  if (m & 0x02) r.skip(4);
  if (m & 0x08) r.skip(4);
  if (m & 0x04) r.skip(4);
  if (m & 0x10) skipStr(r, out);
  if (m & 0x20) r.skip(4);
  if (m & 0x40) {
    if (depth >= 8) throw new BadString();
    skipDiagnosticInfo(r, out, depth + 1);
  }
}

/** RequestHeader (Part 4 §7.28) up to and including the AdditionalHeader. */
function skipRequestHeader(r: Reader, out: PduSink): void {
  nodeId(r, out);          // authentication token
  r.skip(8 + 4 + 4);       // timestamp, request handle, return diagnostics
  skipStr(r, out);         // audit entry id
  r.skip(4);               // timeout hint
  skipExtensionObject(r, out);
}

/** ResponseHeader (Part 4 §7.29); returns the ServiceResult. */
function responseHeader(r: Reader, out: PduSink): number {
  r.skip(8 + 4);           // timestamp, request handle
  const result = r.u32le();
  skipDiagnosticInfo(r, out);
  const n = r.i32le();     // string table
  for (let i = 0; i < n; i++) skipStr(r, out);
  skipExtensionObject(r, out);
  return result;
}

type P = Record<string, unknown> & { proto: string; kind: string };

function decode(pdu: Buffer, dir: Direction, state: OpcuaState, out: PduSink): void {
  const t = typeOf(pdu);
  const chunk = pdu[3]!;
  const r = new Reader(pdu, 8);
  try {
    if (t === T_HEL || t === T_ACK || t === T_ERR || t === T_RHE) {
      if (chunk !== CHUNK_F) out.anomaly('opcua.bad_chunk_type');
      connection(t, r, out);
    } else {
      secure(t, chunk, r, dir, state, out);
    }
  } catch (err) {
    if (!(err instanceof BadString)) throw err;
  }
}

/** HEL, ACK, ERR, RHE (§7.1.2): the connection protocol, never secured. */
function connection(t: number, r: Reader, out: PduSink): void {
  if (t === T_HEL || t === T_ACK) {
    const protocolVersion = r.u32le(), receiveBufferSize = r.u32le(), sendBufferSize = r.u32le();
    const maxMessageSize = r.u32le(), maxChunkCount = r.u32le();
    if (receiveBufferSize < MIN_BUFFER || sendBufferSize < MIN_BUFFER) out.anomaly('opcua.buffer_too_small');
    const p: P = t === T_HEL
      ? { proto: 'opcua', kind: 'hello', role: 'request', functionName: 'Hello', op: 'session' }
      : { proto: 'opcua', kind: 'acknowledge', role: 'response', functionName: 'Acknowledge', op: 'session' };
    p.messageType = t === T_HEL ? 'HEL' : 'ACK';
    Object.assign(p, { protocolVersion, receiveBufferSize, sendBufferSize, maxMessageSize, maxChunkCount });
    if (t === T_HEL) {
      const url = text(r, out);
      if (url !== undefined) p.endpointUrl = url;
    }
    if (r.left !== 0) out.anomaly('opcua.trailing_bytes');
    out.pdu(p);
    return;
  }
  if (t === T_ERR) {
    const code = r.u32le();
    const reason = text(r, out);
    const p: P = { proto: 'opcua', kind: 'error', messageType: 'ERR', role: 'response', functionName: 'Error', op: 'session', exception: { code, name: statusName(code) } };
    if (reason) p.reason = reason;
    out.pdu(p);
    return;
  }
  const serverUri = text(r, out);
  const endpointUrl = text(r, out);
  const p: P = { proto: 'opcua', kind: 'reverse_hello', messageType: 'RHE', role: 'notify', functionName: 'ReverseHello', op: 'session' };
  if (serverUri !== undefined) p.serverUri = serverUri;
  if (endpointUrl !== undefined) p.endpointUrl = endpointUrl;
  out.pdu(p);
}

/** OPN, MSG, CLO (§6.7.2): secure conversation chunks. */
function secure(t: number, chunk: number, r: Reader, dir: Direction, state: OpcuaState, out: PduSink): void {
  const channelId = r.u32le();
  const messageType = t === T_OPN ? 'OPN' : t === T_MSG ? 'MSG' : 'CLO';
  const p: P = {
    proto: 'opcua', kind: t === T_OPN ? 'open_secure_channel' : t === T_MSG ? 'message' : 'close_secure_channel',
    messageType, chunk: String.fromCharCode(chunk),
    role: dir === 0 ? 'request' : 'response', op: 'session', channelId,
  };
  let plain: boolean;
  if (t === T_OPN) {
    const policy = text(r, out);
    skipStr(r, out); // sender certificate
    skipStr(r, out); // receiver certificate thumbprint
    if (policy !== undefined) {
      p.securityPolicy = policy;
      state.policy = policy;
    }
    // the response header names the channel the server assigned, in clear under every policy
    if (dir === 1 && channelId !== 0) state.channelId = channelId;
    // the asymmetric algorithms encrypt the sequence header and body unless the policy is None
    plain = policy === POLICY_NONE;
  } else {
    p.tokenId = r.u32le();
    if (state.channelId !== 0 && channelId !== state.channelId) out.anomaly('opcua.channel_id_mismatch');
    plain = state.policy === null || state.policy === POLICY_NONE || looksPlain(r);
  }
  if (!plain) {
    p.encrypted = true;
    // OPN and CLO name their service by their type; a MSG's service is inside the ciphertext
    if (t === T_OPN) describe(p, dir === 0 ? 446 : 449);
    else if (t === T_CLO) describe(p, 452);
    else p.functionName = 'encrypted';
    out.pdu(p);
    return;
  }
  const seq = r.u32le();
  p.sequenceNumber = seq;
  p.requestId = r.u32le();
  const last = state.lastSeq[dir];
  if (last >= 0 && seq !== last + 1 && !(last > SEQ_WRAP && seq < 1024)) out.anomaly('opcua.unexpected_sequence_number');
  state.lastSeq[dir] = seq;

  if (chunk === CHUNK_A) {
    // §6.7.3: an abort chunk carries Error and Reason instead of the rest of the message
    const code = r.u32le();
    p.functionName = 'Abort';
    p.exception = { code, name: statusName(code) };
    const reason = text(r, out);
    if (reason) p.reason = reason;
    state.contService[dir] = -1;
    out.pdu(p);
    return;
  }
  const cont = state.contService[dir];
  if (cont >= 0) {
    // a later chunk of a multi-chunk message: its body continues the first chunk's encoding
    describe(p, cont);
    p.continuation = true;
    if (chunk === CHUNK_F) state.contService[dir] = -1;
    out.pdu(p);
    return;
  }
  const id = nodeId(r, out);
  if (id < 0) {
    out.anomaly('opcua.unknown_service');
    p.functionName = 'unknown';
    out.pdu(p);
    return;
  }
  if (chunk === CHUNK_C) state.contService[dir] = id;
  describe(p, id);
  const svc = SERVICE.get(id);
  if (svc === undefined) out.anomaly('opcua.unknown_service');
  else if (chunk === CHUNK_F) {
    // a body cut or garbled after the service id still leaves a PDU worth reporting
    try {
      body(id, svc, r, p, state, out);
    } catch (err) {
      if (err instanceof Truncated) out.anomaly('opcua.truncated');
      else if (!(err instanceof BadString)) throw err;
    }
  }
  out.pdu(p);
}

/** Under a policy other than None: does the body start with a sequence header and a known service? */
function looksPlain(r: Reader): boolean {
  const b = r.buf, at = r.pos + 8;
  if (r.end - at < 4) return false;
  const enc = b[at]!;
  if (enc === 1) return b[at + 1] === 0 && SERVICE.has(b.readUInt16LE(at + 2));
  if (enc === 0) return SERVICE.has(b[at + 1]!);
  return false;
}

function describe(p: P, id: number): void {
  const svc = SERVICE.get(id);
  p.functionCode = id;
  p.functionName = svc?.name ?? 'unknown';
  if (svc) {
    p.role = svc.role;
    p.op = svc.op;
  }
}

/** The parts of a body worth reporting: OPN parameters, service results, session endpoint URLs. */
function body(id: number, svc: Service, r: Reader, p: P, state: OpcuaState, out: PduSink): void {
  if (svc.role === 'response') {
    const result = responseHeader(r, out);
    if (result >= 0x80000000) p.exception = { code: result, name: statusName(result) };
    if (id === 431) getEndpointsResponse(r, p, out);
    else if (id === 449) {
      // OpenSecureChannelResponse (Part 4 §5.5.2.2): ServerProtocolVersion, SecurityToken
      r.skip(4);
      state.channelId = r.u32le();
      p.tokenId = r.u32le();
    }
    return;
  }
  skipRequestHeader(r, out);
  if (id === 446) {
    // OpenSecureChannelRequest: ClientProtocolVersion, RequestType, SecurityMode
    r.skip(4);
    const rt = r.u32le();
    p.requestType = rt === 0 ? 'Issue' : rt === 1 ? 'Renew' : rt;
    const mode = r.u32le();
    state.securityMode = mode;
    p.securityMode = MODES[mode] ?? mode;
  } else if (id === 461) {
    // CreateSessionRequest: ClientDescription (ApplicationDescription), ServerUri, EndpointUrl
    const appUri = text(r, out);
    if (appUri !== undefined) p.applicationUri = appUri;
    skipStr(r, out);                  // product uri
    skipLocalizedText(r, out);        // application name
    r.skip(4);                        // application type
    skipStr(r, out); skipStr(r, out); // gateway server uri, discovery profile uri
    const urls = r.i32le();
    for (let i = 0; i < urls; i++) skipStr(r, out);
    skipStr(r, out);                  // server uri
    const url = text(r, out);
    if (url !== undefined) p.endpointUrl = url;
  } else if (id === 428) {
    const url = text(r, out);
    if (url !== undefined) p.endpointUrl = url;
  }
}

/** Endpoints a GetEndpointsResponse lists before the rest are not reported (memory bound). */
const MAX_ENDPOINTS = 16;

/**
 * GetEndpointsResponse (Part 4 §5.4.4.2): the server's endpoints with their URL, security mode and
 * policy (EndpointDescription, Part 4 §7.14): what a client could connect with, evidence for inventory.
 */
function getEndpointsResponse(r: Reader, p: P, out: PduSink): void {
  const n = r.i32le();
  const endpoints: Array<{ endpointUrl?: string; securityMode: string | number; securityPolicy?: string }> = [];
  for (let i = 0; i < n && i < MAX_ENDPOINTS; i++) {
    const endpointUrl = text(r, out);
    // Server (ApplicationDescription): ApplicationUri, ProductUri, ApplicationName, ApplicationType,
    // GatewayServerUri, DiscoveryProfileUri, DiscoveryUrls
    const appUri = text(r, out);
    if (appUri !== undefined && p.serverApplicationUri === undefined) p.serverApplicationUri = appUri;
    skipStr(r, out);
    skipLocalizedText(r, out);
    r.skip(4);
    skipStr(r, out); skipStr(r, out);
    const urls = r.i32le();
    for (let j = 0; j < urls; j++) skipStr(r, out);
    skipStr(r, out);                 // server certificate
    const mode = r.u32le();
    const securityPolicy = text(r, out);
    const tokens = r.i32le();        // UserTokenPolicy: PolicyId, TokenType, IssuedTokenType, IssuerEndpointUrl, SecurityPolicyUri
    for (let j = 0; j < tokens; j++) { skipStr(r, out); r.skip(4); skipStr(r, out); skipStr(r, out); skipStr(r, out); }
    skipStr(r, out);                 // transport profile uri
    r.skip(1);                       // security level
    const e: (typeof endpoints)[number] = { securityMode: MODES[mode] ?? mode };
    if (endpointUrl !== undefined) e.endpointUrl = endpointUrl;
    if (securityPolicy !== undefined) e.securityPolicy = securityPolicy;
    endpoints.push(e);
  }
  p.endpoints = endpoints;
}

/** LocalizedText (§5.2.2.14): a mask, then Locale and Text when their bits are set. */
function skipLocalizedText(r: Reader, out: PduSink): void {
  const m = r.u8();
  if (m & 0x01) skipStr(r, out);
  if (m & 0x02) skipStr(r, out);
}

export const opcua: StreamDissector<OpcuaState> = {
  id: 'opcua',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 4840 }],
  anomalies: OPCUA_ANOMALIES,
  maxPdu: MAX_SIZE,
  probe,
  frame,
  decode,
  newState: () => ({ policy: null, securityMode: 0, channelId: 0, lastSeq: [-1, -1], contService: [-1, -1] }),
};

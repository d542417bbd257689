// OPC UA secure conversation chunks (Part 6 §6.7.2): OPN (table 44: asymmetric security header), MSG
// and CLO (table 45: token id), the sequence header (§6.7.2.4), abort chunks (§6.7.3) and the later
// chunks of a multi-chunk message. The service a body names is decoded in services.ts.
//
// Per-flow state keeps the channel's security policy: under a policy other than None the OPN body is
// asymmetrically encrypted, and MSG bodies are encrypted when the mode is SignAndEncrypt. The mode is
// inside the encrypted OPN, so a MSG under such a policy is parsed only when its body starts with a
// known service NodeId (mode Sign leaves it in clear); otherwise it is recorded as encrypted.
import { type Reader, Truncated } from '../../decode/reader.js';
import type { Direction, PduSink } from '../../decode/types.js';
import { CHUNK_A, CHUNK_C, CHUNK_F, statusName, T_CLO, T_MSG, T_OPN } from './codes.js';
import { BadString, nodeId, skipStr, text } from './encoding.js';
import { body, SERVICE } from './services.js';
import type { OpcuaState, P } from './state.js';

/** Part 6 §6.7.2.4: a sequence number past this may wrap to a value below 1024. */
const SEQ_WRAP = 4294966271;
export const POLICY_NONE = 'http://opcfoundation.org/UA/SecurityPolicy#None';

/** OPN, MSG, CLO (§6.7.2): secure conversation chunks. */
export function secure(t: number, chunk: number, r: Reader, dir: Direction, state: OpcuaState, out: PduSink): void {
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

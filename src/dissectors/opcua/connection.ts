// OPC UA connection protocol (Part 6 §7.1.2): HEL (§7.1.2.3), ACK (§7.1.2.4), ERR (§7.1.2.5) and
// RHE (§7.1.2.6), exchanged outside any secure channel.
import type { Reader } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';
import { statusName, T_ACK, T_ERR, T_HEL } from './codes.js';
import { text } from './encoding.js';
import type { P } from './state.js';

/** §7.1.2.3: buffers "shall be at least 8192 bytes". */
const MIN_BUFFER = 8192;

/** HEL, ACK, ERR, RHE (§7.1.2): the connection protocol, never secured. */
export function connection(t: number, r: Reader, out: PduSink): void {
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

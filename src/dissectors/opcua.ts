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
// The parts are in ./opcua/: codes.ts (message types, status codes), encoding.ts (built-in types and
// headers), connection.ts (HEL/ACK/ERR/RHE), secure-channel.ts (OPN/MSG/CLO), services.ts (bodies),
// state.ts (per-flow state).
import type { AnomalyId } from '../decode/anomalies.js';
import { type Direction, type PduSink, type ProbeResult, type StreamDissector } from '../decode/types.js';
import { Reader } from '../decode/reader.js';
import { CHUNK_A, CHUNK_C, CHUNK_F, T_ACK, T_ERR, T_HEL, T_OPN, T_RHE, typeOf } from './opcua/codes.js';
import { connection } from './opcua/connection.js';
import { BadString } from './opcua/encoding.js';
import { secure } from './opcua/secure-channel.js';
import type { OpcuaState } from './opcua/state.js';

export { POLICY_NONE } from './opcua/secure-channel.js';
export type { OpcuaState } from './opcua/state.js';

/** Far above any real chunk (servers announce 8 KiB..16 MiB buffers); a larger size is desync. */
const MAX_SIZE = 16 * 1024 * 1024;

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

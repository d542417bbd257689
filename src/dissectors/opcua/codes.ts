// OPC UA message and chunk types (Part 6 §7.1.2.2 table 50, §6.7.2.2) and the status codes a UA TCP
// peer sends in ERR, abort chunks and ServiceFault (Part 6 §7.1.5 table 56, Part 4 §7.34).

export const T_HEL = 0x48454c, T_ACK = 0x41434b, T_ERR = 0x455252, T_RHE = 0x524845, T_OPN = 0x4f504e, T_MSG = 0x4d5347, T_CLO = 0x434c4f;
export const CHUNK_F = 0x46, CHUNK_C = 0x43, CHUNK_A = 0x41;

export function typeOf(b: Buffer): number {
  const t = (b[0]! << 16) | (b[1]! << 8) | b[2]!;
  return t === T_HEL || t === T_ACK || t === T_ERR || t === T_RHE || t === T_OPN || t === T_MSG || t === T_CLO ? t : 0;
}

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
export const statusName = (c: number) => STATUS[c] ?? `0x${c.toString(16).padStart(8, '0')}`;

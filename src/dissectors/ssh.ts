// SSH over TCP 22, and on other ports by probe. What is readable is the identification string each side
// sends first (RFC 4253 §4.2): "SSH-protoversion-softwareversion SP comments CR LF", at most 255 bytes
// including CR LF. The software version names the implementation (OpenSSH_8.9p1, dropbear_2019.78,
// ...), the identity of that side. After it come binary packets (RFC 4253 §6): uint32 packet_length,
// byte padding_length, payload, padding, MAC. Before NEWKEYS (msg 21) they are cleartext and framed by
// packet_length; after it the length itself is encrypted (chacha20-poly1305, most AES modes), so the
// rest of a direction is framed as opaque chunks (one per segment) and never decoded.
//
// `frame` has no flow state, so a cleartext packet is recognised by its shape: a length of at most
// 35000 (the §6.1 size every implementation must accept), padding of 4-255 bytes (§6) shorter than the
// packet, and a block-aligned total (§6: a multiple of 8). Anything else is an opaque chunk.
import type { AnomalyId } from '../decode/anomalies.js';
import type { Direction, PduSink, ProbeResult, StreamDissector } from '../decode/types.js';

/** RFC 4253 §4.2: the identification line including CR LF is at most 255 bytes. */
const MAX_BANNER = 255;
/** RFC 4253 §6.1: packets up to 35000 bytes in total must be handled; larger ones are not framed. */
const MAX_PACKET = 35000;
/** Opaque chunks are cut at this size so one PDU stays bounded. */
const MAX_CHUNK = 64 * 1024;

export const SSH_ANOMALIES = [
  'ssh.truncated',
  'ssh.banner_too_long',
  'ssh.bad_banner',
  'ssh.version_1',
  'ssh.no_identification',
] as const satisfies readonly AnomalyId[];

/** RFC 4250 §4.1.2 message numbers seen in the cleartext part of a connection. */
const MESSAGES: Record<number, string> = {
  1: 'DISCONNECT', 2: 'IGNORE', 3: 'UNIMPLEMENTED', 4: 'DEBUG', 5: 'SERVICE_REQUEST', 6: 'SERVICE_ACCEPT',
  20: 'KEXINIT', 21: 'NEWKEYS', 30: 'KEXDH_INIT', 31: 'KEXDH_REPLY', 32: 'KEX_DH_GEX_INIT', 33: 'KEX_DH_GEX_REPLY', 34: 'KEX_DH_GEX_REQUEST',
};

export interface SshState {
  /** NEWKEYS seen per direction: what follows is encrypted */
  newKeys: [boolean, boolean];
  /** identification line seen per direction: binary packets without one are not known to be SSH */
  identified: [boolean, boolean];
}

const PREFIX = Buffer.from('SSH-', 'latin1');

function startsWithPrefix(data: Buffer): number {
  const n = Math.min(data.length, PREFIX.length);
  for (let i = 0; i < n; i++) if (data[i] !== PREFIX[i]) return -1;
  return n === PREFIX.length ? 1 : 0;
}

/** A cleartext binary packet's total length at data[0], or 0 when it does not look like one. */
function cleartextLength(data: Buffer): number {
  if (data.length < 6) return 0;
  const len = data.readUInt32BE(0);
  const pad = data[4]!;
  if (len < 12 || len > MAX_PACKET || pad < 4 || pad >= len || (len + 4) % 8 !== 0) return 0;
  const code = data[5]!;
  return MESSAGES[code] !== undefined ? 4 + len : 0;
}

function frame(data: Buffer, _dir: Direction): number {
  if (data.length === 0) return 0;
  const s = startsWithPrefix(data);
  if (s === 0) return 0;
  if (s === 1) {
    const lf = data.subarray(0, Math.min(data.length, MAX_BANNER + 1)).indexOf(0x0a);
    if (lf >= 0) return lf + 1;
    return data.length > MAX_BANNER ? Math.min(data.length, MAX_CHUNK) : 0; // an overlong line: taken as one PDU
  }
  if (data.length < 6) return 0; // a packet header is 6 bytes: wait for it before judging
  const n = cleartextLength(data);
  if (n > 0) return n;
  return Math.min(data.length, MAX_CHUNK); // encrypted: whatever arrived is one opaque chunk
}

function probe(data: Buffer, _dir: Direction): ProbeResult {
  const s = startsWithPrefix(data);
  if (s < 0) return 'no';
  if (s === 0 || data.length < 6) return 'need-more';
  // "SSH-2.0-" or "SSH-1.99-" (or "SSH-1.5-"): a digit, a dot and more digits
  return /^SSH-\d+\.\d+-/.test(data.toString('latin1', 0, Math.min(data.length, 16))) ? 'yes' : (data.length < 16 ? 'need-more' : 'no');
}

function decode(pdu: Buffer, dir: Direction, state: SshState, out: PduSink): void {
  const p: Record<string, unknown> & { proto: string; kind: string } = { proto: 'ssh', kind: 'packet', op: 'session', role: dir === 0 ? 'request' : 'response' };
  if (startsWithPrefix(pdu) === 1) {
    if (pdu.length > MAX_BANNER || pdu[pdu.length - 1] !== 0x0a) out.anomaly('ssh.banner_too_long');
    const line = pdu.toString('latin1', 0, Math.min(pdu.length, MAX_BANNER)).replace(/\r?\n$/, '');
    const m = /^SSH-([0-9.]+)-(\S+)(?: (.*))?$/.exec(line);
    p.kind = 'identification';
    p.functionName = 'identification';
    if (!m) { out.anomaly('ssh.bad_banner'); p.banner = line; out.pdu(p); return; }
    const [, version, software, comments] = m;
    // 1.99 means "2.0 and 1.x" (RFC 4253 §5.1); plain 1.x is the broken SSH-1 protocol
    if (version !== '2.0' && version !== '1.99') out.anomaly('ssh.version_1');
    p.protoVersion = version;
    p.software = software;
    if (comments) p.comments = comments;
    p.identity = { productName: software };
    state.identified[dir] = true;
    out.pdu(p);
    return;
  }
  // Binary bytes before any identification line (other traffic on port 22, or a capture that starts
  // mid-connection) cannot be told from noise: one anomaly, no PDU.
  if (!state.identified[dir]) { out.anomaly('ssh.no_identification'); return; }
  const n = state.newKeys[dir] ? 0 : cleartextLength(pdu);
  if (n > 0 && n === pdu.length) {
    const code = pdu[5]!;
    p.messageCode = code;
    p.functionCode = code;
    p.functionName = MESSAGES[code];
    p.kind = MESSAGES[code]!.toLowerCase();
    if (code === 21) state.newKeys[dir] = true;
  } else {
    p.kind = 'encrypted';
    p.length = pdu.length; // the bytes are ciphertext: length only
  }
  out.pdu(p);
}

export const ssh: StreamDissector<SshState> = {
  id: 'ssh',
  kind: 'stream',
  bindings: [{ table: 'tcp.port', value: 22 }],
  anomalies: SSH_ANOMALIES,
  maxPdu: MAX_CHUNK,
  probe,
  frame,
  decode,
  newState: () => ({ newKeys: [false, false], identified: [false, false] }),
};

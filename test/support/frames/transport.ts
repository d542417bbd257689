// Transport and control messages with correct checksums: TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792), ICMPv6 echo (RFC 4443).
import { inetChecksum, pseudoHeader, type Pseudo } from './addresses.js';
import { IPPROTO } from './constants.js';

export interface TcpOptions {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  urgent?: number;
  /** Raw option bytes; padded with EOL to a 32-bit boundary. */
  options?: Buffer;
  payload?: Buffer;
  /** Override, only for deliberately malformed segments. */
  dataOffset?: number;
}

/** The options a SYN usually carries: MSS, NOP, window scale, NOP, NOP, SACK permitted (12 bytes). */
export function synOptions(mss = 1460, wscale = 7): Buffer {
  return Buffer.from([2, 4, mss >> 8, mss & 0xff, 1, 3, 3, wscale, 1, 1, 4, 2]);
}

export function tcp(o: TcpOptions, p: Pseudo): Buffer {
  const opt = o.options ?? Buffer.alloc(0);
  const optPadded = Buffer.concat([opt, Buffer.alloc((4 - (opt.length % 4)) % 4)]);
  const hlen = 20 + optPadded.length;
  const h = Buffer.alloc(hlen);
  h.writeUInt16BE(o.srcPort, 0);
  h.writeUInt16BE(o.dstPort, 2);
  h.writeUInt32BE(o.seq >>> 0, 4);
  h.writeUInt32BE((o.ack ?? 0) >>> 0, 8);
  h[12] = (o.dataOffset ?? hlen / 4) << 4;
  h[13] = o.flags;
  h.writeUInt16BE(o.window ?? 64240, 14);
  h.writeUInt16BE(o.urgent ?? 0, 18);
  optPadded.copy(h, 20);
  const seg = Buffer.concat([h, o.payload ?? Buffer.alloc(0)]);
  seg.writeUInt16BE(inetChecksum(pseudoHeader(p.src, p.dst, IPPROTO.TCP, seg.length), seg), 16);
  return seg;
}

export interface UdpOptions {
  srcPort: number;
  dstPort: number;
  payload: Buffer;
  /** Override, only for deliberately malformed datagrams (then the checksum is left 0, "none", over IPv4). */
  length?: number;
}

export function udp(o: UdpOptions, p: Pseudo): Buffer {
  const d = Buffer.alloc(8 + o.payload.length);
  d.writeUInt16BE(o.srcPort, 0);
  d.writeUInt16BE(o.dstPort, 2);
  d.writeUInt16BE(o.length ?? d.length, 4);
  o.payload.copy(d, 8);
  if (o.length === undefined) {
    const c = inetChecksum(pseudoHeader(p.src, p.dst, IPPROTO.UDP, d.length), d);
    d.writeUInt16BE(c === 0 ? 0xffff : c, 6); // 0 means "no checksum", so a computed 0 is sent as all ones
  }
  return d;
}

/** Any ICMP message (RFC 792): type, code, checksum, 4 bytes of "rest of header", data. */
export function icmp(o: { type: number; code: number; rest?: Buffer; data?: Buffer }): Buffer {
  const m = Buffer.concat([Buffer.from([o.type, o.code, 0, 0]), o.rest ?? Buffer.alloc(4), o.data ?? Buffer.alloc(0)]);
  m.writeUInt16BE(inetChecksum(m), 2);
  return m;
}

function echoRest(id: number, seq: number): Buffer {
  const r = Buffer.alloc(4);
  r.writeUInt16BE(id, 0);
  r.writeUInt16BE(seq, 2);
  return r;
}

export function icmpEcho(o: { reply: boolean; id: number; seq: number; data: Buffer }): Buffer {
  return icmp({ type: o.reply ? 0 : 8, code: 0, rest: echoRest(o.id, o.seq), data: o.data });
}

/** ICMPv6 echo (RFC 4443 §4): unlike ICMPv4 the checksum covers the IPv6 pseudo-header. */
export function icmpv6Echo(o: { reply: boolean; id: number; seq: number; data: Buffer }, p: Pseudo): Buffer {
  const m = Buffer.concat([Buffer.from([o.reply ? 129 : 128, 0, 0, 0]), echoRest(o.id, o.seq), o.data]);
  m.writeUInt16BE(inetChecksum(pseudoHeader(p.src, p.dst, IPPROTO.ICMPV6, m.length), m), 2);
  return m;
}

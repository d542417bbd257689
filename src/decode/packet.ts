// The decoded view of one packet through L2-L4. One instance is reused for every packet (zero
// allocation on the hot path): analyzers read it during the call and copy what they keep.
import type { AnomalyId } from './anomalies.js';

export const NO_IP = 0;

export class Packet {
  // frame: L2 offsets (MACs, ARP) are into frameBuf
  frameBuf: Buffer = Buffer.alloc(0);
  /** the bytes L3 and up are decoded from: the frame, or a reassembled datagram */
  buf: Buffer = Buffer.alloc(0);
  off = 0;
  len = 0;
  origLen = 0;
  /** capture time, integer µs since the epoch */
  ts = 0;
  linkType = 0;
  // L2 (Ethernet or cooked): byte offsets of the MACs in buf, -1 when the link has none
  srcMacOff = -1;
  dstMacOff = -1;
  /** 12-bit VLAN ids, outermost first; `vlanCount` of them are valid */
  readonly vlans = new Int32Array(4);
  vlanCount = 0;
  ethertype = 0;
  /** ARP: operation (1 request, 2 reply) and the offset of its header in frameBuf; -1 when not ARP */
  arpOp = 0;
  arpOff = -1;
  // L3
  ipVersion: 0 | 4 | 6 = 0;
  /** IPv4 addresses as unsigned 32-bit numbers */
  src4 = 0;
  dst4 = 0;
  /** IPv6 addresses, as text (built only for IPv6 packets) */
  src6 = '';
  dst6 = '';
  ipProto = -1;
  ttl = 0;
  /** true when this packet's L4 came from reassembled fragments (buf/offsets then point into the reassembly) */
  reassembled = false;
  // L4
  l4Off = 0;
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  seq = 0;
  ack = 0;
  /** application payload */
  payloadOff = 0;
  payloadEnd = 0;
  icmpType = -1;
  icmpCode = -1;
  /** a non-IP application dissector reached through the EtherType table (LLDP, PROFINET, GOOSE): its registry index and bytes */
  appIndex = -1;
  appOff = 0;
  appEnd = 0;
  /** anomalies raised while decoding this packet */
  readonly anomalies: AnomalyId[] = [];
  /** set by a layer: where its payload starts/ends and which table value comes next */
  nextOff = 0;
  nextEnd = 0;
  nextValue = 0;

  reset(buf: Buffer, off: number, len: number, origLen: number, ts: number, linkType: number): void {
    this.frameBuf = buf;
    this.buf = buf;
    this.off = off;
    this.len = len;
    this.origLen = origLen;
    this.ts = ts;
    this.linkType = linkType;
    this.srcMacOff = -1;
    this.dstMacOff = -1;
    this.vlanCount = 0;
    this.ethertype = 0;
    this.arpOff = -1;
    this.ipVersion = 0;
    this.ipProto = -1;
    this.reassembled = false;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.payloadOff = 0;
    this.payloadEnd = 0;
    this.icmpType = -1;
    this.icmpCode = -1;
    this.appIndex = -1;
    if (this.anomalies.length) this.anomalies.length = 0;
  }
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export function ipv4ToString(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export function macToString(buf: Buffer, off: number): string {
  if (off < 0) return '';
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + (buf[off + i]! < 16 ? '0' : '') + buf[off + i]!.toString(16);
  return s;
}

/** RFC 5952 text form of a 16-byte IPv6 address. */
export function ipv6ToString(buf: Buffer, off: number): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push((buf[off + 2 * i]! << 8) | buf[off + 2 * i + 1]!);
  // IPv4-mapped ::ffff:a.b.c.d
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return `::ffff:${buf[off + 12]}.${buf[off + 13]}.${buf[off + 14]}.${buf[off + 15]}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

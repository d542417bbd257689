// Link layers: Ethernet with 802.1Q/QinQ tags (IEEE 802.1Q), ARP (RFC 826), Linux cooked v1/v2 and BSD loopback.
import { ipv4Addr, mac } from './addresses.js';
import { ETHERTYPE } from './constants.js';

export interface VlanTag {
  /** 0x8100 (C-tag, default) or 0x88a8 (S-tag, the outer tag of QinQ). */
  tpid?: number;
  vid: number;
  pcp?: number;
  dei?: boolean;
}

export interface EthernetOptions {
  dst: string;
  src: string;
  etherType: number;
  payload: Buffer;
  /** Outermost first. */
  tags?: VlanTag[];
  /** Pad to the 60-byte minimum (64 with FCS, which captures omit), as frames on the wire are. Default true. */
  pad?: boolean;
}

export function ethernet(o: EthernetOptions): Buffer {
  const parts: Buffer[] = [mac(o.dst), mac(o.src)];
  for (const t of o.tags ?? []) {
    const b = Buffer.alloc(4);
    b.writeUInt16BE(t.tpid ?? ETHERTYPE.VLAN, 0);
    b.writeUInt16BE(((t.pcp ?? 0) << 13) | (t.dei ? 0x1000 : 0) | (t.vid & 0xfff), 2);
    parts.push(b);
  }
  const et = Buffer.alloc(2);
  et.writeUInt16BE(o.etherType);
  parts.push(et, o.payload);
  const frame = Buffer.concat(parts);
  if ((o.pad ?? true) && frame.length < 60) return Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
  return frame;
}

export interface ArpOptions {
  op: 'request' | 'reply';
  senderMac: string;
  senderIp: string;
  /** 00:00:00:00:00:00 in requests. */
  targetMac?: string;
  targetIp: string;
}

/** ARP for Ethernet/IPv4 (RFC 826): 28 bytes. */
export function arp(o: ArpOptions): Buffer {
  const b = Buffer.alloc(28);
  b.writeUInt16BE(1, 0); // hardware: Ethernet
  b.writeUInt16BE(ETHERTYPE.IPV4, 2);
  b[4] = 6;
  b[5] = 4;
  b.writeUInt16BE(o.op === 'request' ? 1 : 2, 6);
  mac(o.senderMac).copy(b, 8);
  ipv4Addr(o.senderIp).copy(b, 14);
  mac(o.targetMac ?? '00:00:00:00:00:00').copy(b, 18);
  ipv4Addr(o.targetIp).copy(b, 24);
  return b;
}

/** Linux cooked capture v1, LINKTYPE_LINUX_SLL 113: 16-byte header, all fields big-endian. */
export function sll(o: { packetType: number; addr: string; protocol: number; payload: Buffer; arphrd?: number }): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(o.packetType, 0);
  h.writeUInt16BE(o.arphrd ?? 1, 2); // ARPHRD_ETHER
  h.writeUInt16BE(6, 4);
  mac(o.addr).copy(h, 6); // 8-byte field, the last 2 unused for a MAC
  h.writeUInt16BE(o.protocol, 14);
  return Buffer.concat([h, o.payload]);
}

/** Linux cooked capture v2, LINKTYPE_LINUX_SLL2 276: 20-byte header, protocol first, with an interface index. */
export function sll2(o: { packetType: number; addr: string; protocol: number; payload: Buffer; ifindex: number; arphrd?: number }): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(o.protocol, 0);
  h.writeUInt16BE(0, 2); // reserved
  h.writeUInt32BE(o.ifindex, 4);
  h.writeUInt16BE(o.arphrd ?? 1, 8);
  h[10] = o.packetType;
  h[11] = 6;
  mac(o.addr).copy(h, 12);
  return Buffer.concat([h, o.payload]);
}

/** LINKTYPE_NULL 0: a 4-byte address family in the byte order of the host that captured. */
export function nullLink(af: number, order: 'le' | 'be', payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  if (order === 'le') h.writeUInt32LE(af);
  else h.writeUInt32BE(af);
  return Buffer.concat([h, payload]);
}

/** LINKTYPE_LOOP 108 (OpenBSD loopback): the same family field, always network byte order. */
export function loopLink(af: number, payload: Buffer): Buffer {
  return nullLink(af, 'be', payload);
}

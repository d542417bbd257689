// Frame builders with correct checksums: Ethernet/802.1Q (IEEE 802.1Q), ARP (RFC 826), IPv4 (RFC 791), IPv6 (RFC 8200), TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792), ICMPv6 (RFC 4443), Linux cooked and BSD loopback link headers.

export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, QINQ: 0x88a8, IPV6: 0x86dd } as const;
export const IPPROTO = { HOPOPTS: 0, ICMP: 1, TCP: 6, UDP: 17, ROUTING: 43, FRAGMENT: 44, ICMPV6: 58, NONE: 59, DSTOPTS: 60 } as const;
export const TCP_FLAG = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20, ECE: 0x40, CWR: 0x80 } as const;
/** BSD address families as they appear in DLT_NULL / DLT_LOOP headers; IPv6 differs per BSD. */
export const AF = { INET: 2, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 } as const;
/** sll_pkttype values (Linux if_packet.h). */
export const SLL_PKTTYPE = { HOST: 0, BROADCAST: 1, MULTICAST: 2, OTHERHOST: 3, OUTGOING: 4 } as const;
export const BROADCAST_MAC = 'ff:ff:ff:ff:ff:ff';

// ---------------------------------------------------------------- seeded randomness

/** Deterministic PRNG (xorshift32 over a splitmix-style seed scramble); never Math.random. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    let z = (seed + 0x9e3779b9) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    this.s = (z ^ (z >>> 16)) >>> 0 || 0x6d2b79f5;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + (this.u32() % (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)]!;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }
}

// ---------------------------------------------------------------- addresses and checksums

export function mac(s: string): Buffer {
  const parts = s.split(/[:-]/);
  if (parts.length !== 6) throw new Error(`bad MAC ${s}`);
  return Buffer.from(parts.map((p) => parseInt(p, 16)));
}

export function ipv4Addr(s: string): Buffer {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !(n >= 0 && n <= 255))) throw new Error(`bad IPv4 ${s}`);
  return Buffer.from(parts);
}

export function ipv6Addr(s: string): Buffer {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  if (groups.length !== 8) throw new Error(`bad IPv6 ${s}`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

export function isIpv6(s: string): boolean {
  return s.includes(':');
}

/** RFC 1071 Internet checksum over the concatenation of parts. */
export function inetChecksum(...parts: Buffer[]): number {
  const b = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The pseudo-header TCP, UDP and ICMPv6 checksums cover (RFC 9293 §3.1, RFC 8200 §8.1). */
function pseudoHeader(src: string, dst: string, proto: number, length: number): Buffer {
  if (isIpv6(src)) {
    const b = Buffer.alloc(40);
    ipv6Addr(src).copy(b, 0);
    ipv6Addr(dst).copy(b, 16);
    b.writeUInt32BE(length, 32);
    b[39] = proto;
    return b;
  }
  const b = Buffer.alloc(12);
  ipv4Addr(src).copy(b, 0);
  ipv4Addr(dst).copy(b, 4);
  b[9] = proto;
  b.writeUInt16BE(length, 10);
  return b;
}

export interface Pseudo {
  src: string;
  dst: string;
}

// ---------------------------------------------------------------- link layers

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

// ---------------------------------------------------------------- IPv4

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  payload: Buffer;
  id?: number;
  ttl?: number;
  tos?: number;
  df?: boolean;
  mf?: boolean;
  /** In bytes; must be a multiple of 8. */
  fragOffset?: number;
  /** Raw option bytes; padded with EOL to a 32-bit boundary. */
  options?: Buffer;
  /** Overrides, only for deliberately malformed packets. */
  ihl?: number;
  totalLength?: number;
}

export function ipv4(o: Ipv4Options): Buffer {
  const opt = o.options ?? Buffer.alloc(0);
  const optPadded = Buffer.concat([opt, Buffer.alloc((4 - (opt.length % 4)) % 4)]);
  const hlen = 20 + optPadded.length;
  if ((o.fragOffset ?? 0) % 8) throw new Error('fragment offset must be a multiple of 8');
  const h = Buffer.alloc(hlen);
  h[0] = 0x40 | ((o.ihl ?? hlen / 4) & 0xf);
  h[1] = o.tos ?? 0;
  h.writeUInt16BE(o.totalLength ?? hlen + o.payload.length, 2);
  h.writeUInt16BE(o.id ?? 0, 4);
  h.writeUInt16BE((o.df ? 0x4000 : 0) | (o.mf ? 0x2000 : 0) | ((o.fragOffset ?? 0) / 8), 6);
  h[8] = o.ttl ?? 64;
  h[9] = o.protocol;
  ipv4Addr(o.src).copy(h, 12);
  ipv4Addr(o.dst).copy(h, 16);
  optPadded.copy(h, 20);
  h.writeUInt16BE(inetChecksum(h), 10);
  return Buffer.concat([h, o.payload]);
}

export interface FragmentOptions {
  /** Number of fragments (payload split as evenly as 8-byte units allow). */
  count: number;
  order?: 'in-order' | 'shuffled' | 'reverse';
  /** Needed for 'shuffled'; the shuffle is retried until it differs from in-order. */
  rng?: Rng;
  /** Each fragment after the first also re-sends the 8 bytes before it (same data), so neighbours overlap. */
  overlap?: boolean;
}

function splitPoints(len: number, count: number): number[] {
  const units = Math.ceil(len / 8);
  if (count < 1 || count > units) throw new Error(`cannot split ${len} bytes into ${count} fragments`);
  const pts: number[] = [];
  for (let i = 0; i < count; i++) pts.push(Math.floor((units * i) / count) * 8);
  pts.push(len);
  return pts;
}

function ordered<T>(xs: T[], o: FragmentOptions): T[] {
  if (o.order === 'reverse') return [...xs].reverse();
  if (o.order !== 'shuffled') return xs;
  if (!o.rng) throw new Error('shuffled fragments need an rng');
  for (;;) {
    const s = o.rng.shuffle(xs);
    if (s.some((x, i) => x !== xs[i])) return s;
  }
}

/**
 * Splits a whole IPv4 packet into fragments (RFC 791 §3.2): every fragment but the last carries a
 * multiple of 8 payload bytes and MF; options without the copy bit stay in the first fragment only.
 */
export function fragmentIpv4(packet: Buffer, o: FragmentOptions): Buffer[] {
  const ihl = (packet[0]! & 0xf) * 4;
  const total = packet.readUInt16BE(2);
  const payload = packet.subarray(ihl, total);
  const allOpts = packet.subarray(20, ihl);
  const copiedOpts: Buffer[] = [];
  for (let i = 0; i < allOpts.length; ) {
    const t = allOpts[i]!;
    if (t === 0) break;
    if (t === 1) { i++; continue; }
    const l = allOpts[i + 1]!;
    if (t & 0x80) copiedOpts.push(allOpts.subarray(i, i + l));
    i += l;
  }
  const base = {
    src: [...packet.subarray(12, 16)].join('.'),
    dst: [...packet.subarray(16, 20)].join('.'),
    protocol: packet[9]!,
    id: packet.readUInt16BE(4),
    ttl: packet[8]!,
    tos: packet[1]!,
  };
  const pts = splitPoints(payload.length, o.count);
  const frags: Buffer[] = [];
  for (let i = 0; i < o.count; i++) {
    const start = o.overlap && i > 0 ? pts[i]! - 8 : pts[i]!;
    frags.push(
      ipv4({
        ...base,
        payload: payload.subarray(start, pts[i + 1]!),
        fragOffset: start,
        mf: i < o.count - 1,
        options: i === 0 ? allOpts : Buffer.concat(copiedOpts),
      }),
    );
  }
  return ordered(frags, o);
}

// ---------------------------------------------------------------- IPv6

export type Ipv6Ext =
  | { kind: 'hop-by-hop'; options?: Buffer }
  | { kind: 'dest-opts'; options?: Buffer }
  /** Segment Routing Header (RFC 8754, routing type 4). Segments in list order; [0] is the final destination. */
  | { kind: 'routing'; segments: string[]; segmentsLeft?: number }
  | { kind: 'fragment'; offset: number; more: boolean; id: number };

const EXT_CODE: Record<Ipv6Ext['kind'], number> = {
  'hop-by-hop': IPPROTO.HOPOPTS,
  'dest-opts': IPPROTO.DSTOPTS,
  routing: IPPROTO.ROUTING,
  fragment: IPPROTO.FRAGMENT,
};

/** The option area of a hop-by-hop or destination-options header, padded with Pad1/PadN to a multiple of 8 (RFC 8200 §4.2). */
function tlvArea(options: Buffer | undefined, defaultOpts: Buffer): Buffer {
  const opts = options ?? defaultOpts;
  const rem = (8 - ((2 + opts.length) % 8)) % 8;
  if (rem === 0) return opts;
  const pad = rem === 1 ? Buffer.from([0]) : Buffer.concat([Buffer.from([1, rem - 2]), Buffer.alloc(rem - 2)]);
  return Buffer.concat([opts, pad]);
}

function extHeader(e: Ipv6Ext, next: number): Buffer {
  switch (e.kind) {
    case 'hop-by-hop':
    case 'dest-opts': {
      // Hop-by-hop defaults to a Router Alert (RFC 2711); destination options to padding only.
      const area = tlvArea(e.options, e.kind === 'hop-by-hop' ? Buffer.from([5, 2, 0, 0]) : Buffer.alloc(0));
      return Buffer.concat([Buffer.from([next, (2 + area.length) / 8 - 1]), area]);
    }
    case 'routing': {
      const n = e.segments.length;
      const h = Buffer.alloc(8 + 16 * n);
      h[0] = next;
      h[1] = 2 * n;
      h[2] = 4; // SRH
      h[3] = e.segmentsLeft ?? 0;
      h[4] = n - 1; // Last Entry
      e.segments.forEach((s, i) => ipv6Addr(s).copy(h, 8 + 16 * i));
      return h;
    }
    case 'fragment': {
      const h = Buffer.alloc(8);
      h[0] = next;
      h.writeUInt16BE((e.offset / 8) << 3 | (e.more ? 1 : 0), 2);
      h.writeUInt32BE(e.id >>> 0, 4);
      return h;
    }
  }
}

export interface Ipv6Options {
  src: string;
  dst: string;
  /** The upper-layer protocol after all extension headers. */
  nextHeader: number;
  payload: Buffer;
  ext?: Ipv6Ext[];
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  payloadLength?: number;
}

export function ipv6(o: Ipv6Options): Buffer {
  const ext = o.ext ?? [];
  const exts = ext.map((e, i) => extHeader(e, i + 1 < ext.length ? EXT_CODE[ext[i + 1]!.kind] : o.nextHeader));
  const body = Buffer.concat([...exts, o.payload]);
  const h = Buffer.alloc(40);
  h.writeUInt32BE(((6 << 28) | ((o.trafficClass ?? 0) << 20) | ((o.flowLabel ?? 0) & 0xfffff)) >>> 0, 0);
  h.writeUInt16BE(o.payloadLength ?? body.length, 4);
  h[6] = ext.length ? EXT_CODE[ext[0]!.kind] : o.nextHeader;
  h[7] = o.hopLimit ?? 64;
  ipv6Addr(o.src).copy(h, 8);
  ipv6Addr(o.dst).copy(h, 24);
  return Buffer.concat([h, body]);
}

/**
 * Fragments an upper-layer payload (RFC 8200 §4.5): `unfragmentable` headers go in every fragment
 * before the Fragment header; the upper-layer bytes are split at multiples of 8.
 */
export function fragmentIpv6(
  o: { src: string; dst: string; nextHeader: number; payload: Buffer; id: number; unfragmentable?: Ipv6Ext[]; hopLimit?: number },
  f: FragmentOptions,
): Buffer[] {
  const pts = splitPoints(o.payload.length, f.count);
  const frags: Buffer[] = [];
  for (let i = 0; i < f.count; i++) {
    const start = f.overlap && i > 0 ? pts[i]! - 8 : pts[i]!;
    frags.push(
      ipv6({
        src: o.src,
        dst: o.dst,
        nextHeader: o.nextHeader,
        hopLimit: o.hopLimit,
        payload: o.payload.subarray(start, pts[i + 1]!),
        ext: [...(o.unfragmentable ?? []), { kind: 'fragment', offset: start, more: i < f.count - 1, id: o.id }],
      }),
    );
  }
  return ordered(frags, f);
}

// ---------------------------------------------------------------- transport

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

// ---------------------------------------------------------------- convenience stacks

export interface Host {
  mac: string;
  ip: string;
}

/** Ethernet + IPv4/IPv6 + UDP between two hosts. */
export function udpFrame(
  from: Host,
  to: Host,
  srcPort: number,
  dstPort: number,
  payload: Buffer,
  ip: Partial<Ipv4Options> = {},
): Buffer {
  const seg = udp({ srcPort, dstPort, payload }, { src: from.ip, dst: to.ip });
  if (isIpv6(from.ip)) {
    return ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV6, payload: ipv6({ src: from.ip, dst: to.ip, nextHeader: IPPROTO.UDP, payload: seg }) });
  }
  const pkt = ipv4({ id: 0, ttl: 64, ...ip, src: from.ip, dst: to.ip, protocol: IPPROTO.UDP, payload: seg });
  return ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV4, payload: pkt });
}

export function arpFrame(o: ArpOptions & { dstMac?: string }): Buffer {
  const dst = o.dstMac ?? (o.op === 'request' ? BROADCAST_MAC : o.targetMac!);
  return ethernet({ dst, src: o.senderMac, etherType: ETHERTYPE.ARP, payload: arp(o) });
}

// ---------------------------------------------------------------- TCP conversations

export interface Endpoint extends Host {
  port: number;
}

export interface ConversationMessage {
  from: 'client' | 'server';
  data: Buffer;
  /** Think time before this message, µs (default 2000 for requests, 800 for replies). */
  delayUs?: number;
}

export interface ConversationOptions {
  client: Endpoint;
  server: Endpoint;
  startNs: bigint;
  rng: Rng;
  messages: ConversationMessage[];
  clientIsn?: number;
  serverIsn?: number;
  /** Largest payload per segment (the sender's write size); default 1460. */
  segmentSize?: number;
  /** One-way delay between the sensor and the far end, µs. Default 300. */
  rttUs?: number;
  handshake?: boolean;
  close?: boolean;
  /** Capture starts late: the handshake and all packets of the first N messages are not captured. */
  skipMessages?: number;
  /** Indices into the data-carrying segments (in send order, both directions) to leave out of the capture. */
  drop?: number[];
  /** Data segments that are captured twice (the retransmission follows the original). */
  retransmit?: number[];
  /** Data segment k (same message as k+1): after k+1, resend from the middle of k to the middle of k+1. */
  overlapRetransmit?: number[];
  /** Data segment k is captured after data segment k+1 (both in one message). */
  swap?: number[];
  clientTtl?: number;
  serverTtl?: number;
  /**
   * Delayed ACK (RFC 9293 §3.8.6.3): a receiver whose reply comes later than this sends a pure ACK
   * after this long instead of piggybacking. Default: replies always carry the ACK.
   */
  delayedAckUs?: number;
}

export interface CapturedFrame {
  tsNs: bigint;
  data: Buffer;
}

export interface ConversationResult {
  frames: CapturedFrame[];
  /** Everything each side's application wrote. */
  sent: { c2s: Buffer; s2c: Buffer };
  /** What the capture holds, per direction: contiguous runs in sequence order (more than one = a hole). */
  captured: { c2s: Buffer[]; s2c: Buffer[] };
  /** Where each captured run starts in its direction's stream (0 = the byte after the SYN). */
  capturedAt: { c2s: number[]; s2c: number[] };
  endNs: bigint;
  dataSegments: number;
}

interface Seg {
  dir: 'c2s' | 's2c';
  flags: number;
  seq: number; // relative to the side's ISN + 1 for data; absolute is computed on output
  ack: number;
  payload: Buffer;
  msg: number; // -1 handshake, messages.length for close
  dataIndex: number; // -1 for segments without payload
  options?: Buffer;
  gapUs: number;
}

/**
 * Builds a TCP exchange as a sensor on the path would capture it: 3-way handshake, data with correct
 * seq/ack (the receiver acks each message unless its reply carries the ack), FIN close; then applies
 * capture effects (late start, loss, duplicates, reordering) without changing the endpoints' numbers.
 */
export function tcpConversation(o: ConversationOptions): ConversationResult {
  const mss = o.segmentSize ?? 1460;
  const owd = o.rttUs ?? 300;
  const isn = { c2s: (o.clientIsn ?? o.rng.u32()) >>> 0, s2c: (o.serverIsn ?? o.rng.u32()) >>> 0 };
  const next = { c2s: 0, s2c: 0 }; // bytes sent after the SYN, per direction
  const segs: Seg[] = [];
  let dataIndex = 0;
  const other = (d: 'c2s' | 's2c'): 'c2s' | 's2c' => (d === 'c2s' ? 's2c' : 'c2s');
  const push = (s: Omit<Seg, 'dataIndex'>): void => {
    segs.push({ ...s, dataIndex: s.payload.length ? dataIndex++ : -1 });
  };
  const handshake = o.handshake ?? true;
  // Relative seq -1 is the SYN itself; data starts at 0 (= ISN + 1).
  push({ dir: 'c2s', flags: TCP_FLAG.SYN, seq: -1, ack: 0, payload: Buffer.alloc(0), msg: -1, options: synOptions(), gapUs: 0 });
  push({ dir: 's2c', flags: TCP_FLAG.SYN | TCP_FLAG.ACK, seq: -1, ack: 0, payload: Buffer.alloc(0), msg: -1, options: synOptions(1460, 8), gapUs: owd * 2 });
  push({ dir: 'c2s', flags: TCP_FLAG.ACK, seq: 0, ack: 0, payload: Buffer.alloc(0), msg: -1, gapUs: owd * 2 });
  const sent = { c2s: [] as Buffer[], s2c: [] as Buffer[] };
  o.messages.forEach((m, mi) => {
    const dir = m.from === 'client' ? 'c2s' : 's2c';
    sent[dir].push(m.data);
    for (let off = 0; off < m.data.length; off += mss) {
      const chunk = m.data.subarray(off, off + mss);
      const last = off + mss >= m.data.length;
      const gap = off === 0 ? (m.delayUs ?? (dir === 'c2s' ? 2000 : 800)) + o.rng.int(0, 200) : o.rng.int(5, 40);
      push({ dir, flags: TCP_FLAG.ACK | (last ? TCP_FLAG.PSH : 0), seq: next[dir], ack: next[other(dir)], payload: chunk, msg: mi, gapUs: gap });
      next[dir] += chunk.length;
    }
    const nextMsg = o.messages[mi + 1];
    const replyFollows = nextMsg && (nextMsg.from === 'client' ? 'c2s' : 's2c') !== dir;
    const replyLate = o.delayedAckUs !== undefined && nextMsg !== undefined && (nextMsg.delayUs ?? 0) > o.delayedAckUs;
    if (!replyFollows || replyLate) {
      const rd = other(dir);
      const gapUs = o.delayedAckUs ?? owd * 2 + o.rng.int(0, 100);
      push({ dir: rd, flags: TCP_FLAG.ACK, seq: next[rd], ack: next[dir], payload: Buffer.alloc(0), msg: mi, gapUs });
    }
  });
  if (o.close ?? true) {
    const cm = o.messages.length;
    push({ dir: 'c2s', flags: TCP_FLAG.FIN | TCP_FLAG.ACK, seq: next.c2s, ack: next.s2c, payload: Buffer.alloc(0), msg: cm, gapUs: 1500 });
    push({ dir: 's2c', flags: TCP_FLAG.ACK, seq: next.s2c, ack: next.c2s + 1, payload: Buffer.alloc(0), msg: cm, gapUs: owd * 2 });
    push({ dir: 's2c', flags: TCP_FLAG.FIN | TCP_FLAG.ACK, seq: next.s2c, ack: next.c2s + 1, payload: Buffer.alloc(0), msg: cm, gapUs: 60 });
    push({ dir: 'c2s', flags: TCP_FLAG.ACK, seq: next.c2s + 1, ack: next.s2c + 1, payload: Buffer.alloc(0), msg: cm, gapUs: owd * 2 });
  }

  // Capture effects, applied to the list of what the sensor sees.
  const firstMsg = o.skipMessages ?? (handshake ? -1 : 0);
  let seen: Seg[] = segs.filter((s) => s.msg >= firstMsg);
  const byData = (k: number): Seg => {
    const s = segs.find((x) => x.dataIndex === k);
    if (!s) throw new Error(`no data segment ${k}`);
    return s;
  };
  for (const k of o.swap ?? []) {
    const a = seen.indexOf(byData(k));
    const b = seen.indexOf(byData(k + 1));
    if (a < 0 || b < 0) throw new Error(`swap ${k}: segment not captured`);
    [seen[a], seen[b]] = [seen[b]!, seen[a]!];
  }
  for (const k of o.retransmit ?? []) {
    const s = byData(k);
    seen.splice(seen.indexOf(s) + 1, 0, { ...s, gapUs: 150000 + o.rng.int(0, 50000) });
  }
  for (const k of o.overlapRetransmit ?? []) {
    const a = byData(k);
    const b = byData(k + 1);
    if (a.dir !== b.dir || a.msg !== b.msg) throw new Error(`overlap ${k}: k and k+1 must be one message`);
    const from = a.seq + Math.floor(a.payload.length / 2);
    const to = b.seq + Math.floor(b.payload.length / 2);
    const stream = Buffer.concat(sent[a.dir]);
    const r: Seg = { ...b, seq: from, payload: stream.subarray(from, to), flags: TCP_FLAG.ACK, dataIndex: -2, gapUs: 200000 };
    seen.splice(seen.indexOf(b) + 1, 0, r);
  }
  const dropped = new Set((o.drop ?? []).map(byData));
  seen = seen.filter((s) => !dropped.has(s));

  // Serialize with monotonic timestamps in capture order.
  const frames: CapturedFrame[] = [];
  const ipId = { c2s: o.rng.int(1, 60000), s2c: o.rng.int(1, 60000) };
  let t = o.startNs;
  for (const s of seen) {
    t += BigInt(s.gapUs) * 1000n + BigInt(o.rng.int(0, 999));
    const [from, to] = s.dir === 'c2s' ? [o.client, o.server] : [o.server, o.client];
    const ackOn = (s.flags & TCP_FLAG.ACK) !== 0;
    const seg = tcp(
      {
        srcPort: from.port,
        dstPort: to.port,
        seq: (isn[s.dir] + 1 + s.seq) >>> 0,
        ack: ackOn ? (isn[other(s.dir)] + 1 + s.ack) >>> 0 : 0,
        flags: s.flags,
        window: s.flags & TCP_FLAG.SYN ? 64240 : 502,
        options: s.options,
        payload: s.payload,
      },
      { src: from.ip, dst: to.ip },
    );
    const id = ipId[s.dir]++ & 0xffff;
    const ttl = s.dir === 'c2s' ? (o.clientTtl ?? 64) : (o.serverTtl ?? 64);
    let frame: Buffer;
    if (isIpv6(from.ip)) {
      frame = ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV6, payload: ipv6({ src: from.ip, dst: to.ip, nextHeader: IPPROTO.TCP, payload: seg, hopLimit: ttl }) });
    } else {
      frame = ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV4, payload: ipv4({ src: from.ip, dst: to.ip, protocol: IPPROTO.TCP, payload: seg, id, ttl, df: true }) });
    }
    frames.push({ tsNs: t, data: frame });
  }

  // What a reassembler can recover: the union of captured payload ranges, per direction.
  const captured = { c2s: [] as Buffer[], s2c: [] as Buffer[] };
  const capturedAt = { c2s: [] as number[], s2c: [] as number[] };
  for (const dir of ['c2s', 's2c'] as const) {
    const stream = Buffer.concat(sent[dir]);
    const have = new Uint8Array(stream.length);
    for (const s of seen) if (s.dir === dir) have.fill(1, s.seq, s.seq + s.payload.length);
    let i = 0;
    while (i < stream.length) {
      if (!have[i]) { i++; continue; }
      const start = i;
      while (i < stream.length && have[i]) i++;
      captured[dir].push(stream.subarray(start, i));
      capturedAt[dir].push(start);
    }
  }
  return {
    frames,
    sent: { c2s: Buffer.concat(sent.c2s), s2c: Buffer.concat(sent.s2c) },
    captured,
    capturedAt,
    endNs: t,
    dataSegments: dataIndex,
  };
}

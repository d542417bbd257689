// IPv4 (RFC 791) and IPv6 (RFC 8200) packets, IPv6 extension headers, and fragmentation of either.
import { inetChecksum, ipv4Addr, ipv6Addr } from './addresses.js';
import { IPPROTO } from './constants.js';
import type { Rng } from './rng.js';

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

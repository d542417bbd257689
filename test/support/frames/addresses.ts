// Address parsers and the Internet checksum, with the pseudo-header TCP, UDP and ICMPv6 sums cover.

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
export function pseudoHeader(src: string, dst: string, proto: number, length: number): Buffer {
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

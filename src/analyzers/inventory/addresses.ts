// Which addresses can be devices (issue 5; spec §1.4, §5). Broadcast and multicast destinations are
// never devices; a public address is a device only when it is on the sensor's own link (seen with its
// own MAC, not behind a router's) — plants do run on public ranges (the ITI testbed uses 141.81.0.0/16).

/** 255.255.255.255, 224.0.0.0/4 (RFC 5771) and 240.0.0.0/4 are never a device. */
export function ipv4NeverDevice(ip: number): boolean {
  return ip >>> 28 >= 14 || ip === 0;
}

/**
 * Private and lab ranges a sensor treats as the plant's own even when seen only behind a router:
 * RFC 1918, RFC 6598 shared space, link-local (RFC 3927), loopback (replays rewritten into 127/8).
 */
export function ipv4IsLocalRange(ip: number): boolean {
  const a = ip >>> 24, b = (ip >>> 16) & 0xff;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254);
}

/** ff00::/8 multicast and the unspecified address are never a device. */
export function ipv6NeverDevice(ip: string): boolean {
  return ip.startsWith('ff') || ip === '::';
}

/** Unique local (fc00::/7), link-local (fe80::/10) and loopback. */
export function ipv6IsLocalRange(ip: string): boolean {
  const h = ip.slice(0, 2);
  return h === 'fc' || h === 'fd' || /^fe[89ab]/.test(ip) || ip === '::1';
}

/** The group bit of the first octet: broadcast and multicast MACs are never a device. */
export function macIsGroup(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

export function ipv4Text(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}`;
}

export function ipv4Number(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const p = m.slice(1).map(Number);
  if (p.some((x) => x > 255)) return null;
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

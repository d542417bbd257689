// Whole mDNS messages (RFC 6762) for the conformance suite: a QU browse query and an announcement.
import { mdnsFrames } from '../../pcapgen/discovery.js';

const m = mdnsFrames().map((f) => f.subarray(42).toString('hex')); // after Ethernet + IPv4 + UDP

export const samples = [
  { dir: 0 as const, hex: m[0]!, note: 'PTR query for _http._tcp.local with the QU bit' },
  { dir: 0 as const, hex: m[1]!, note: 'announcement: PTR, SRV, TXT, A, AAAA with cache-flush' },
];

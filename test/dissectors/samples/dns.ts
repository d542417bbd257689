// Whole DNS messages (RFC 1035) for the conformance suite: the exchange of pcaps/dns/dns-mdns-llmnr.pcap.
import { dnsExchange } from '../../pcapgen/discovery.js';

const m = dnsExchange().map((f) => f.subarray(42).toString('hex')); // after Ethernet + IPv4 + UDP

export const samples = [
  { dir: 0 as const, hex: m[0]!, note: 'A query' },
  { dir: 1 as const, hex: m[1]!, note: 'response with CNAME + A, names compressed' },
  { dir: 1 as const, hex: m[3]!, note: 'NXDOMAIN response' },
  { dir: 1 as const, hex: m[5]!, note: 'PTR response' },
];

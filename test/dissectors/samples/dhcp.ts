// Whole DHCP messages for the conformance suite, built from the RFC 2131/2132 layouts in
// test/pcapgen/discovery.ts (the same DORA as pcaps/dhcp/dhcp-dora.pcap).
import { dhcpDora } from '../../pcapgen/discovery.js';

// Ethernet 14 + IPv4 20 + UDP 8 = 42 bytes of headers before each DHCP message
const [discover, offer, request, ack] = dhcpDora().map((f) => f.subarray(42).toString('hex'));

export const samples = [
  { dir: 0 as const, hex: discover!, note: 'DHCPDISCOVER with hostname, vendor class, client id, parameter list' },
  { dir: 1 as const, hex: offer!, note: 'DHCPOFFER with server id, lease, mask, router, DNS' },
  { dir: 0 as const, hex: request!, note: 'DHCPREQUEST with requested IP, server id and client FQDN (option 81)' },
  { dir: 1 as const, hex: ack!, note: 'DHCPACK' },
];

// Frame builders with correct checksums: Ethernet/802.1Q (IEEE 802.1Q), ARP (RFC 826), IPv4 (RFC 791), IPv6 (RFC 8200), TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792), ICMPv6 (RFC 4443), Linux cooked and BSD loopback link headers.
// The builders live in frames/; this barrel keeps the one import path tests and generators use.
export { AF, BROADCAST_MAC, ETHERTYPE, IPPROTO, SLL_PKTTYPE, TCP_FLAG } from './frames/constants.js';
export { Rng } from './frames/rng.js';
export { inetChecksum, ipv4Addr, ipv6Addr, isIpv6, mac, type Pseudo } from './frames/addresses.js';
export {
  arp, ethernet, loopLink, nullLink, sll, sll2,
  type ArpOptions, type EthernetOptions, type VlanTag,
} from './frames/link.js';
export {
  fragmentIpv4, fragmentIpv6, ipv4, ipv6,
  type FragmentOptions, type Ipv4Options, type Ipv6Ext, type Ipv6Options,
} from './frames/ip.js';
export {
  icmp, icmpEcho, icmpv6Echo, synOptions, tcp, udp,
  type TcpOptions, type UdpOptions,
} from './frames/transport.js';
export { arpFrame, udpFrame, type Host } from './frames/stacks.js';
export {
  tcpConversation,
  type CapturedFrame, type ConversationMessage, type ConversationOptions, type ConversationResult, type Endpoint,
} from './frames/tcp-conversation.js';

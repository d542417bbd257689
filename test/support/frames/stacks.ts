// Convenience stacks: whole Ethernet frames (UDP over IPv4/IPv6, ARP) between two hosts.
import { isIpv6 } from './addresses.js';
import { BROADCAST_MAC, ETHERTYPE, IPPROTO } from './constants.js';
import { ipv4, ipv6, type Ipv4Options } from './ip.js';
import { arp, ethernet, type ArpOptions } from './link.js';
import { udp } from './transport.js';

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

// What each generated frame holds (the layers a decoder must find), and helpers that turn frame lists
// into time-ordered packets.
import type { ConversationResult } from '../support/frames.js';
import type { Packet } from '../support/pcap-writer.js';
import { S } from './constants.js';

/** Headers a decoder should parse from the frame alone (not inside ICMP errors, not L4 of IP fragments). */
export type Layer =
  | 'eth' | 'vlan' | 'sll' | 'sll2' | 'null' | 'loop'
  | 'arp' | 'ipv4' | 'ipv6' | 'ipv6-hop' | 'ipv6-dst' | 'ipv6-route' | 'ipv6-frag'
  | 'tcp' | 'udp' | 'icmp' | 'icmpv6';

export interface Frame {
  tsNs: bigint;
  data: Buffer;
  layers: Layer[];
  /** The first header a decoder must reject (it keeps `layers`, the ones before it). */
  malformed?: Layer;
  note?: string;
}

export const ETH_IP4_TCP: Layer[] = ['eth', 'ipv4', 'tcp'];
export const ETH_IP4_UDP: Layer[] = ['eth', 'ipv4', 'udp'];

export function convFrames(c: ConversationResult, layers: Layer[] = ETH_IP4_TCP): Frame[] {
  return c.frames.map((f) => ({ tsNs: f.tsNs, data: f.data, layers }));
}

/** Stable merge by timestamp, so a capture reads in time order like a real one. */
export function merge(...lists: Frame[][]): Frame[] {
  return lists.flat().map((f, i) => ({ f, i })).sort((a, b) => (a.f.tsNs < b.f.tsNs ? -1 : a.f.tsNs > b.f.tsNs ? 1 : a.i - b.i)).map((x) => x.f);
}

export function packets(frames: Frame[]): Packet[] {
  return frames.map((f) => ({ ts: { sec: Number(f.tsNs / S), nsec: Number(f.tsNs % S) }, data: f.data }));
}

// THE list of dissectors. Adding a protocol: its file, one line here, its rows in decode/anomalies.ts.
import type { Dissector } from '../decode/types.js';
import { arp } from './arp.js';
import { eth } from './eth.js';
import { icmp, icmpv6 } from './icmp.js';
import { ipv4 } from './ipv4.js';
import { ipv6 } from './ipv6.js';
import { sll } from './linux-sll.js';
import { nullLoopback, rawIp } from './loopback.js';
import { tcp } from './tcp.js';
import { udp } from './udp.js';
import { vlan } from './vlan.js';
import { pndcp } from './pndcp.js';
import { iec104 } from './iec104.js';
import { lldp } from './lldp.js';
import { goose } from './goose.js';

export const dissectors: readonly Dissector[] = [
  // links
  eth, sll, nullLoopback, rawIp,
  // network
  vlan, arp, ipv4, ipv6,
  // transport
  tcp, udp, icmp, icmpv6,
  // application: OT protocols (one line each, in this order)
  pndcp,
  iec104,
  goose,
  // <<ot-protocols>>
  // application: discovery and IT protocols
  lldp,
  // <<it-protocols>>
];

// THE list of dissectors. Adding a protocol: its file, one line here, its rows in decode/anomalies.ts.
import type { Dissector } from '../decode/types.js';
import { dhcp } from './dhcp.js';
import { dns, llmnr, mdns } from './dns.js';
import { nbns } from './nbns.js';
import { snmp } from './snmp.js';
import { cip, enip, enipUdp } from './enip/index.js';
import { bacnet } from './bacnet.js';
import { s7comm, s7commplus } from './s7comm/index.js';
import { modbus } from './modbus.js';
import { dnp3, dnp3udp } from './dnp3.js';
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
import { mqtt } from './mqtt.js';
import { goose } from './goose.js';
import { opcua } from './opcua.js';
import { http } from './http.js';
import { tls } from './tls.js';
import { ssh } from './ssh.js';
import { ftp } from './ftp.js';
import { telnet } from './telnet.js';
import { mms } from './mms/index.js';
import { llc } from './llc.js';
import { cdp } from './cdp.js';
import { fins, finstcp } from './fins/index.js';
import { srtp } from './srtp/index.js';

export const dissectors: readonly Dissector[] = [
  // links
  eth, sll, nullLoopback, rawIp,
  // network
  vlan, llc, arp, ipv4, ipv6,
  // transport
  tcp, udp, icmp, icmpv6,
  // application: OT protocols (one line each, in this order)
  pndcp,
  iec104,
  dnp3, dnp3udp,
  modbus,
  s7comm, s7commplus,
  bacnet,
  enip, enipUdp, cip,
  goose,
  opcua,
  mms,
  srtp,
  fins, finstcp,
  // <<ot-protocols>>
  // application: discovery and IT protocols
  lldp,
  mqtt,
  dhcp, dns, mdns, llmnr, nbns, snmp,
  http,
  tls,
  ssh,
  ftp,
  telnet,
  cdp,
  // <<it-protocols>>
];

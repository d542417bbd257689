// Whole SNMP messages (RFC 1157 / RFC 3416, BER) for the conformance suite: the walk of pcaps/snmp/snmp-walk.pcap.
import { snmpWalk } from '../../pcapgen/discovery.js';

const m = snmpWalk().map((f) => f.subarray(42).toString('hex')); // after Ethernet + IPv4 + UDP

export const samples = [
  { dir: 0 as const, hex: m[0]!, note: 'v2c get-next, community public' },
  { dir: 1 as const, hex: m[1]!, note: 'v2c response with sysDescr.0' },
  { dir: 1 as const, hex: m[3]!, note: 'v2c response with sysObjectID.0' },
  { dir: 1 as const, hex: m[11]!, note: 'v2c response with a Counter32' },
  { dir: 0 as const, hex: m[12]!, note: 'v1 get, community private' },
  { dir: 0 as const, hex: m[14]!, note: 'v1 set' },
  { dir: 0 as const, hex: m[15]!, note: 'v1 coldStart trap' },
];

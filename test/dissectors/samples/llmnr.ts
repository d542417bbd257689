// Whole LLMNR messages (RFC 4795) for the conformance suite.
import { llmnrFrames } from '../../pcapgen/discovery.js';

const m = llmnrFrames().map((f) => f.subarray(42).toString('hex')); // after Ethernet + IPv4 + UDP

export const samples = [
  { dir: 0 as const, hex: m[0]!, note: 'multicast A query for plc-line1' },
  { dir: 1 as const, hex: m[1]!, note: 'unicast answer with the A record' },
];

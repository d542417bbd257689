// Whole NetBIOS name service messages (RFC 1002 §4.2) for the conformance suite.
import { nbnsFrames } from '../../pcapgen/discovery.js';

const m = nbnsFrames().map((f) => f.subarray(42).toString('hex')); // after Ethernet + IPv4 + UDP

export const samples = [
  { dir: 0 as const, hex: m[0]!, note: 'broadcast name registration PLC-LINE1<00> with its NB record' },
  { dir: 0 as const, hex: m[1]!, note: 'broadcast name query HMI-01<20>' },
  { dir: 1 as const, hex: m[2]!, note: 'positive name query response' },
];

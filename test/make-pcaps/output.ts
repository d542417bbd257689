// Writes the collected facts: EXPECTED.json rendering (with its field glossary) and the README table rows.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATOR, OUT } from './constants.js';
import { readmeRows, type Json } from './expected.js';

/** JSON with short flat values on one line, so per-record lists stay readable. */
export function render(v: Json, indent = ''): string {
  const flat = JSON.stringify(v);
  const isFlat = (x: Json): boolean => x === null || typeof x !== 'object' || (Array.isArray(x) ? x.every((y) => y === null || typeof y !== 'object') : Object.values(x).every((y) => y === null || typeof y !== 'object' || (Array.isArray(y) && y.every((z) => typeof z !== 'object'))));
  if (v === null || typeof v !== 'object' || (isFlat(v) && flat.length + indent.length <= 200)) return flat;
  const inner = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => inner + render(x, inner)).join(',\n')}\n${indent}]`;
  return `{\n${Object.entries(v).map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner)}`).join(',\n')}\n${indent}}`;
}

export const ABOUT: Json = {
  generator: GENERATOR,
  note: 'Facts a correct reader/decoder reports for each file in pcaps/. Timestamps are integers since the Unix epoch; *TsNs are decimal strings (beyond 2^53).',
  fields: {
    bytes: 'file size; sha256: of the file as written (gzip files: of the compressed bytes)',
    container: 'pcap | pcapng (after gunzip when gzip is true)',
    byteOrder: "'le' | 'be', or a list per pcapng section",
    resolution: "classic pcap only: 'us' (magic 0xa1b2c3d4) or 'ns' (0xa1b23c4d)",
    packets: 'packets the reader yields (damaged files: the whole packets before the damage)',
    linktypes: 'distinct link types of yielded packets, in order of first use',
    firstTsUs: 'timestamp of the first timed packet, integer microseconds (floor); lastTsUs likewise for the last. null when none',
    firstTsNs: 'the same in nanoseconds, for files that store sub-microsecond time (pcapng 2^-n resolutions floor to ns)',
    untimedPackets: 'packets without a timestamp (pcapng Simple Packet Blocks)',
    truncatedPackets: 'packets with capLen < origLen',
    capturedBytes: 'sum of capLen; originalBytes: sum of origLen',
    records: 'per packet in file order: n (1-based), tsUs, tsNs, capLen, origLen, linktype, section/interfaceId/block (pcapng), layers, malformed, note',
    layers: 'headers a decoder parses from the frame alone: eth vlan (one per tag) sll sll2 null loop arp ipv4 ipv6 ipv6-hop ipv6-dst ipv6-route ipv6-frag tcp udp icmp icmpv6. Not counted: headers quoted inside ICMP errors, and L4 headers inside IP fragments (those belong to the reassembled datagram)',
    malformed: 'the first header a decoder must reject; layers lists the ones before it',
    counts: 'number of yielded packets whose layers include each protocol; vlanTags = total tags; malformed = packets with a malformed header',
    reassembled: 'number of IPv4 / IPv6 datagrams that reassemble completely; datagrams[] gives each one: completedAtFrame (1-based frame that completes it), protocol, length and payloadHex (the reassembled IP payload, L4 header included)',
    incompleteDatagrams: 'fragment trains that never complete',
    tcp: 'flows[]: client/server ip:port; c2sHex / s2cHex = the application bytes a reassembler recovers per direction, as contiguous runs in sequence order (two entries = a hole between them, e.g. gap.pcap); *Holes = missing byte counts between consecutive runs; *Records = 4-byte-length-prefixed records lying wholly inside one run. many-flows: per-flow packet and byte counts instead of hex',
    error: "damaged files: kind (truncated | bad-record-length | bad-block-length | block-length-mismatch | bad-magic | empty), offset = byte offset of the record header / block (or 0) where reading fails, fileSize, detail; null = no error",
    modbus: 'demo only: Modbus/TCP transactions by function code',
  },
};

export function writeReadme(): void {
  const path = join(OUT, 'README.md');
  const lines = readFileSync(path, 'utf8').split('\n');
  const sep = lines.findIndex((l) => /^\|\s*-+\s*\|/.test(l));
  if (sep < 0) throw new Error('pcaps/README.md has no table');
  const rest = lines.slice(sep + 1);
  // Keep rows other generators own and any text after the table; replace our rows where they stood,
  // so regenerating leaves the file unchanged when nothing else changed.
  const rows = rest.filter((l) => l.startsWith('|'));
  const mine = (l: string) => l.includes(`| ${GENERATOR} |`);
  const at = Math.max(0, rows.findIndex(mine));
  const before = rows.slice(0, at).filter((l) => !mine(l));
  const later = rows.slice(at).filter((l) => !mine(l));
  const ours = readmeRows.map(([f, what]) => `| ${f} | ${GENERATOR} | ${what.replace(/\|/g, '\\|')} |`);
  const after = rest.filter((l) => !l.startsWith('|')).join('\n').trim();
  const table = [...lines.slice(0, sep + 1), ...before, ...ours, ...later].join('\n');
  writeFileSync(path, `${table}\n${after ? `\n${after}\n` : ''}`);
}

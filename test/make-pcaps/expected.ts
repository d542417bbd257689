// The facts recorded for each capture in pcaps/EXPECTED.json and its row for pcaps/README.md.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WrittenFile, WrittenPacket } from '../support/pcap-writer.js';
import { OUT, US } from './constants.js';
import type { Frame, Layer } from './frame.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export const expected: Record<string, Json> = {};
export const readmeRows: [string, string][] = [];

export function emit(rel: string, bytes: Buffer, exercises: string, facts: Record<string, Json>): void {
  const path = join(OUT, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  expected[rel] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), ...facts };
  readmeRows.push([rel, exercises]);
}

const us = (ns: bigint | null): Json => (ns === null ? null : Number(ns / US));

interface ReaderShape {
  container: 'pcap' | 'pcapng';
  byteOrder: Json;
  resolution?: string;
  gzip?: boolean;
  /** Also list ns timestamps (for files that store them). */
  ns?: boolean;
  /** List every record (small files only). */
  records?: boolean;
}

/** The reader-level facts: what a correct reader yields for a whole, undamaged file. */
export function readerFacts(w: WrittenFile | { packets: WrittenPacket[] }, shape: ReaderShape, frames?: Frame[]): Record<string, Json> {
  const timed = w.packets.filter((p) => p.tsNs !== null);
  const first = timed[0]?.tsNs ?? null;
  const last = timed[timed.length - 1]?.tsNs ?? null;
  const linktypes: number[] = [];
  for (const p of w.packets) if (!linktypes.includes(p.linktype)) linktypes.push(p.linktype);
  const facts: Record<string, Json> = {
    container: shape.container,
    gzip: shape.gzip ?? false,
    byteOrder: shape.byteOrder,
    ...(shape.resolution ? { resolution: shape.resolution } : {}),
    packets: w.packets.length,
    linktypes,
    firstTsUs: us(first),
    lastTsUs: us(last),
    ...(shape.ns ? { firstTsNs: first === null ? null : String(first), lastTsNs: last === null ? null : String(last) } : {}),
    untimedPackets: w.packets.length - timed.length,
    truncatedPackets: w.packets.filter((p) => p.capLen < p.origLen).length,
    capturedBytes: w.packets.reduce((n, p) => n + p.capLen, 0),
    originalBytes: w.packets.reduce((n, p) => n + p.origLen, 0),
  };
  if (frames) Object.assign(facts, decodeFacts(frames));
  if (shape.records) {
    facts.records = w.packets.map((p, i) => {
      const f = frames?.[i];
      const r: Record<string, Json> = { n: i + 1, tsUs: us(p.tsNs) };
      if (shape.ns) r.tsNs = p.tsNs === null ? null : String(p.tsNs);
      Object.assign(r, { capLen: p.capLen, origLen: p.origLen, linktype: p.linktype });
      if (shape.container === 'pcapng') Object.assign(r, { section: p.section, interfaceId: p.interfaceId, block: blockName(p.blockType) });
      if (f) {
        r.layers = f.layers;
        if (f.malformed) r.malformed = f.malformed;
        if (f.note) r.note = f.note;
      }
      return r;
    });
  }
  return facts;
}

function blockName(t: number | null): string {
  return t === 6 ? 'EPB' : t === 3 ? 'SPB' : t === 2 ? 'PB' : String(t);
}

const COUNTED: Layer[] = ['eth', 'vlan', 'arp', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmp', 'icmpv6'];
const LINKS: Layer[] = ['sll', 'sll2', 'null', 'loop'];

function decodeFacts(frames: Frame[]): Record<string, Json> {
  const counts: Record<string, Json> = {};
  for (const l of COUNTED) counts[l] = frames.filter((f) => f.layers.includes(l)).length;
  counts.vlanTags = frames.reduce((n, f) => n + f.layers.filter((l) => l === 'vlan').length, 0);
  for (const l of LINKS) {
    const n = frames.filter((f) => f.layers.includes(l)).length;
    if (n) counts[l] = n;
  }
  counts.malformed = frames.filter((f) => f.malformed).length;
  return { counts };
}

export function reassembly(list: { ip: 'ipv4' | 'ipv6'; src: string; dst: string; id: number; protocol: number; completedAtFrame: number; payload: Buffer }[]): Record<string, Json> {
  return {
    reassembled: { ipv4: list.filter((x) => x.ip === 'ipv4').length, ipv6: list.filter((x) => x.ip === 'ipv6').length },
    datagrams: list.map((x) => ({
      ip: x.ip, src: x.src, dst: x.dst, id: x.id, protocol: x.protocol, completedAtFrame: x.completedAtFrame, length: x.payload.length, payloadHex: x.payload.toString('hex'),
    })),
  };
}

// Whole TCP conversations as a sensor on the path captures them, with optional capture effects
// (late start, loss, duplicates, reordering) and what a reassembler can recover from them.
import { isIpv6 } from './addresses.js';
import { ETHERTYPE, IPPROTO, TCP_FLAG } from './constants.js';
import { ipv4, ipv6 } from './ip.js';
import { ethernet } from './link.js';
import type { Rng } from './rng.js';
import type { Host } from './stacks.js';
import { synOptions, tcp } from './transport.js';

export interface Endpoint extends Host {
  port: number;
}

export interface ConversationMessage {
  from: 'client' | 'server';
  data: Buffer;
  /** Think time before this message, µs (default 2000 for requests, 800 for replies). */
  delayUs?: number;
}

export interface ConversationOptions {
  client: Endpoint;
  server: Endpoint;
  startNs: bigint;
  rng: Rng;
  messages: ConversationMessage[];
  clientIsn?: number;
  serverIsn?: number;
  /** Largest payload per segment (the sender's write size); default 1460. */
  segmentSize?: number;
  /** One-way delay between the sensor and the far end, µs. Default 300. */
  rttUs?: number;
  handshake?: boolean;
  close?: boolean;
  /** Capture starts late: the handshake and all packets of the first N messages are not captured. */
  skipMessages?: number;
  /** Indices into the data-carrying segments (in send order, both directions) to leave out of the capture. */
  drop?: number[];
  /** Data segments that are captured twice (the retransmission follows the original). */
  retransmit?: number[];
  /** Data segment k (same message as k+1): after k+1, resend from the middle of k to the middle of k+1. */
  overlapRetransmit?: number[];
  /** Data segment k is captured after data segment k+1 (both in one message). */
  swap?: number[];
  clientTtl?: number;
  serverTtl?: number;
  /**
   * Delayed ACK (RFC 9293 §3.8.6.3): a receiver whose reply comes later than this sends a pure ACK
   * after this long instead of piggybacking. Default: replies always carry the ACK.
   */
  delayedAckUs?: number;
}

export interface CapturedFrame {
  tsNs: bigint;
  data: Buffer;
}

export interface ConversationResult {
  frames: CapturedFrame[];
  /** Everything each side's application wrote. */
  sent: { c2s: Buffer; s2c: Buffer };
  /** What the capture holds, per direction: contiguous runs in sequence order (more than one = a hole). */
  captured: { c2s: Buffer[]; s2c: Buffer[] };
  /** Where each captured run starts in its direction's stream (0 = the byte after the SYN). */
  capturedAt: { c2s: number[]; s2c: number[] };
  endNs: bigint;
  dataSegments: number;
}

interface Seg {
  dir: 'c2s' | 's2c';
  flags: number;
  seq: number; // relative to the side's ISN + 1 for data; absolute is computed on output
  ack: number;
  payload: Buffer;
  msg: number; // -1 handshake, messages.length for close
  dataIndex: number; // -1 for segments without payload
  options?: Buffer;
  gapUs: number;
}

/**
 * Builds a TCP exchange as a sensor on the path would capture it: 3-way handshake, data with correct
 * seq/ack (the receiver acks each message unless its reply carries the ack), FIN close; then applies
 * capture effects (late start, loss, duplicates, reordering) without changing the endpoints' numbers.
 */
export function tcpConversation(o: ConversationOptions): ConversationResult {
  const mss = o.segmentSize ?? 1460;
  const owd = o.rttUs ?? 300;
  const isn = { c2s: (o.clientIsn ?? o.rng.u32()) >>> 0, s2c: (o.serverIsn ?? o.rng.u32()) >>> 0 };
  const next = { c2s: 0, s2c: 0 }; // bytes sent after the SYN, per direction
  const segs: Seg[] = [];
  let dataIndex = 0;
  const other = (d: 'c2s' | 's2c'): 'c2s' | 's2c' => (d === 'c2s' ? 's2c' : 'c2s');
  const push = (s: Omit<Seg, 'dataIndex'>): void => {
    segs.push({ ...s, dataIndex: s.payload.length ? dataIndex++ : -1 });
  };
  const handshake = o.handshake ?? true;
  // Relative seq -1 is the SYN itself; data starts at 0 (= ISN + 1).
  push({ dir: 'c2s', flags: TCP_FLAG.SYN, seq: -1, ack: 0, payload: Buffer.alloc(0), msg: -1, options: synOptions(), gapUs: 0 });
  push({ dir: 's2c', flags: TCP_FLAG.SYN | TCP_FLAG.ACK, seq: -1, ack: 0, payload: Buffer.alloc(0), msg: -1, options: synOptions(1460, 8), gapUs: owd * 2 });
  push({ dir: 'c2s', flags: TCP_FLAG.ACK, seq: 0, ack: 0, payload: Buffer.alloc(0), msg: -1, gapUs: owd * 2 });
  const sent = { c2s: [] as Buffer[], s2c: [] as Buffer[] };
  o.messages.forEach((m, mi) => {
    const dir = m.from === 'client' ? 'c2s' : 's2c';
    sent[dir].push(m.data);
    for (let off = 0; off < m.data.length; off += mss) {
      const chunk = m.data.subarray(off, off + mss);
      const last = off + mss >= m.data.length;
      const gap = off === 0 ? (m.delayUs ?? (dir === 'c2s' ? 2000 : 800)) + o.rng.int(0, 200) : o.rng.int(5, 40);
      push({ dir, flags: TCP_FLAG.ACK | (last ? TCP_FLAG.PSH : 0), seq: next[dir], ack: next[other(dir)], payload: chunk, msg: mi, gapUs: gap });
      next[dir] += chunk.length;
    }
    const nextMsg = o.messages[mi + 1];
    const replyFollows = nextMsg && (nextMsg.from === 'client' ? 'c2s' : 's2c') !== dir;
    const replyLate = o.delayedAckUs !== undefined && nextMsg !== undefined && (nextMsg.delayUs ?? 0) > o.delayedAckUs;
    if (!replyFollows || replyLate) {
      const rd = other(dir);
      const gapUs = o.delayedAckUs ?? owd * 2 + o.rng.int(0, 100);
      push({ dir: rd, flags: TCP_FLAG.ACK, seq: next[rd], ack: next[dir], payload: Buffer.alloc(0), msg: mi, gapUs });
    }
  });
  if (o.close ?? true) {
    const cm = o.messages.length;
    push({ dir: 'c2s', flags: TCP_FLAG.FIN | TCP_FLAG.ACK, seq: next.c2s, ack: next.s2c, payload: Buffer.alloc(0), msg: cm, gapUs: 1500 });
    push({ dir: 's2c', flags: TCP_FLAG.ACK, seq: next.s2c, ack: next.c2s + 1, payload: Buffer.alloc(0), msg: cm, gapUs: owd * 2 });
    push({ dir: 's2c', flags: TCP_FLAG.FIN | TCP_FLAG.ACK, seq: next.s2c, ack: next.c2s + 1, payload: Buffer.alloc(0), msg: cm, gapUs: 60 });
    push({ dir: 'c2s', flags: TCP_FLAG.ACK, seq: next.c2s + 1, ack: next.s2c + 1, payload: Buffer.alloc(0), msg: cm, gapUs: owd * 2 });
  }

  // Capture effects, applied to the list of what the sensor sees.
  const firstMsg = o.skipMessages ?? (handshake ? -1 : 0);
  let seen: Seg[] = segs.filter((s) => s.msg >= firstMsg);
  const byData = (k: number): Seg => {
    const s = segs.find((x) => x.dataIndex === k);
    if (!s) throw new Error(`no data segment ${k}`);
    return s;
  };
  for (const k of o.swap ?? []) {
    const a = seen.indexOf(byData(k));
    const b = seen.indexOf(byData(k + 1));
    if (a < 0 || b < 0) throw new Error(`swap ${k}: segment not captured`);
    [seen[a], seen[b]] = [seen[b]!, seen[a]!];
  }
  for (const k of o.retransmit ?? []) {
    const s = byData(k);
    seen.splice(seen.indexOf(s) + 1, 0, { ...s, gapUs: 150000 + o.rng.int(0, 50000) });
  }
  for (const k of o.overlapRetransmit ?? []) {
    const a = byData(k);
    const b = byData(k + 1);
    if (a.dir !== b.dir || a.msg !== b.msg) throw new Error(`overlap ${k}: k and k+1 must be one message`);
    const from = a.seq + Math.floor(a.payload.length / 2);
    const to = b.seq + Math.floor(b.payload.length / 2);
    const stream = Buffer.concat(sent[a.dir]);
    const r: Seg = { ...b, seq: from, payload: stream.subarray(from, to), flags: TCP_FLAG.ACK, dataIndex: -2, gapUs: 200000 };
    seen.splice(seen.indexOf(b) + 1, 0, r);
  }
  const dropped = new Set((o.drop ?? []).map(byData));
  seen = seen.filter((s) => !dropped.has(s));

  // Serialize with monotonic timestamps in capture order.
  const frames: CapturedFrame[] = [];
  const ipId = { c2s: o.rng.int(1, 60000), s2c: o.rng.int(1, 60000) };
  let t = o.startNs;
  for (const s of seen) {
    t += BigInt(s.gapUs) * 1000n + BigInt(o.rng.int(0, 999));
    const [from, to] = s.dir === 'c2s' ? [o.client, o.server] : [o.server, o.client];
    const ackOn = (s.flags & TCP_FLAG.ACK) !== 0;
    const seg = tcp(
      {
        srcPort: from.port,
        dstPort: to.port,
        seq: (isn[s.dir] + 1 + s.seq) >>> 0,
        ack: ackOn ? (isn[other(s.dir)] + 1 + s.ack) >>> 0 : 0,
        flags: s.flags,
        window: s.flags & TCP_FLAG.SYN ? 64240 : 502,
        options: s.options,
        payload: s.payload,
      },
      { src: from.ip, dst: to.ip },
    );
    const id = ipId[s.dir]++ & 0xffff;
    const ttl = s.dir === 'c2s' ? (o.clientTtl ?? 64) : (o.serverTtl ?? 64);
    let frame: Buffer;
    if (isIpv6(from.ip)) {
      frame = ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV6, payload: ipv6({ src: from.ip, dst: to.ip, nextHeader: IPPROTO.TCP, payload: seg, hopLimit: ttl }) });
    } else {
      frame = ethernet({ dst: to.mac, src: from.mac, etherType: ETHERTYPE.IPV4, payload: ipv4({ src: from.ip, dst: to.ip, protocol: IPPROTO.TCP, payload: seg, id, ttl, df: true }) });
    }
    frames.push({ tsNs: t, data: frame });
  }

  // What a reassembler can recover: the union of captured payload ranges, per direction.
  const captured = { c2s: [] as Buffer[], s2c: [] as Buffer[] };
  const capturedAt = { c2s: [] as number[], s2c: [] as number[] };
  for (const dir of ['c2s', 's2c'] as const) {
    const stream = Buffer.concat(sent[dir]);
    const have = new Uint8Array(stream.length);
    for (const s of seen) if (s.dir === dir) have.fill(1, s.seq, s.seq + s.payload.length);
    let i = 0;
    while (i < stream.length) {
      if (!have[i]) { i++; continue; }
      const start = i;
      while (i < stream.length && have[i]) i++;
      captured[dir].push(stream.subarray(start, i));
      capturedAt[dir].push(start);
    }
  }
  return {
    frames,
    sent: { c2s: Buffer.concat(sent.c2s), s2c: Buffer.concat(sent.s2c) },
    captured,
    capturedAt,
    endNs: t,
    dataSegments: dataIndex,
  };
}

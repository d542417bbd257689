// What both capture formats share: packet and result types, link types, timestamps in ns, and the
// byte builder that writes integers in one fixed byte order.

export type ByteOrder = 'le' | 'be';

/** A timestamp: `{ sec, nsec }`, or integer microseconds since the epoch (number or bigint). */
export type TimeInput = { sec: number; nsec: number } | number | bigint;

export interface Packet {
  ts: TimeInput;
  data: Buffer;
  /** Length on the wire; defaults to data.length. Larger than data.length means the capture was truncated. */
  origLen?: number;
}

/** What a correct reader must report for one record the writer emitted. */
export interface WrittenPacket {
  /** Byte offset of the record header (pcap) or block (pcapng) in the file. */
  offset: number;
  /** Bytes of the whole record or block, header and trailer included. */
  size: number;
  linktype: number;
  /** Timestamp as the file stores it, in ns since the epoch (floored); null for SPBs, which carry none. */
  tsNs: bigint | null;
  capLen: number;
  origLen: number;
  section: number;
  interfaceId: number;
  blockType: number | null;
}

export interface WrittenFile {
  bytes: Buffer;
  packets: WrittenPacket[];
  /** Every pcapng block (or, for pcap, the header then each record) with its offset, for damaging files on purpose. */
  blocks: { type: number; offset: number; size: number }[];
}

/** Link-layer header types (https://www.tcpdump.org/linktypes.html). */
export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export const NS_PER_S = 1_000_000_000n;

export function toNs(t: TimeInput): bigint {
  if (typeof t === 'bigint') return t * 1000n;
  if (typeof t === 'number') {
    if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`timestamp ${t} is not a non-negative integer of microseconds`);
    return BigInt(t) * 1000n;
  }
  if (t.nsec < 0 || t.nsec >= 1e9) throw new RangeError(`nsec ${t.nsec} out of range`);
  return BigInt(t.sec) * NS_PER_S + BigInt(t.nsec);
}

/** Append-only byte builder that writes integers in one fixed byte order. */
export class Bytes {
  private readonly parts: Buffer[] = [];
  length = 0;
  constructor(private readonly order: ByteOrder) {}
  private push(b: Buffer): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }
  u8(v: number): this {
    return this.push(Buffer.from([v & 0xff]));
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    if (this.order === 'le') b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return this.push(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    if (this.order === 'le') b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return this.push(b);
  }
  u64(v: bigint): this {
    const b = Buffer.alloc(8);
    if (this.order === 'le') b.writeBigUInt64LE(BigInt.asUintN(64, v));
    else b.writeBigUInt64BE(BigInt.asUintN(64, v));
    return this.push(b);
  }
  raw(b: Buffer): this {
    return this.push(b);
  }
  /** pcapng aligns every field that follows variable data to 32 bits (§3.1). */
  pad4(): this {
    const n = (4 - (this.length % 4)) % 4;
    return n ? this.push(Buffer.alloc(n)) : this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function lengths(p: Packet, snaplen: number): { data: Buffer; capLen: number; origLen: number } {
  const origLen = p.origLen ?? p.data.length;
  if (origLen < p.data.length) throw new RangeError(`origLen ${origLen} < data length ${p.data.length}`);
  // A capture never holds more than snaplen bytes of a packet; the wire length is kept.
  const capLen = snaplen > 0 ? Math.min(p.data.length, snaplen) : p.data.length;
  return { data: p.data.subarray(0, capLen), capLen, origLen };
}

// Capture writers: classic pcap (draft-ietf-opsawg-pcap §4-5) and pcapng (draft-ietf-opsawg-pcapng §3-4), optionally gzipped.
import { gzipSync } from 'node:zlib';

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

const NS_PER_S = 1_000_000_000n;

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
class Bytes {
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

function lengths(p: Packet, snaplen: number): { data: Buffer; capLen: number; origLen: number } {
  const origLen = p.origLen ?? p.data.length;
  if (origLen < p.data.length) throw new RangeError(`origLen ${origLen} < data length ${p.data.length}`);
  // A capture never holds more than snaplen bytes of a packet; the wire length is kept.
  const capLen = snaplen > 0 ? Math.min(p.data.length, snaplen) : p.data.length;
  return { data: p.data.subarray(0, capLen), capLen, origLen };
}

// ---------------------------------------------------------------- classic pcap

export interface PcapOptions {
  byteOrder?: ByteOrder;
  /** 'us' writes magic 0xa1b2c3d4, 'ns' writes 0xa1b23c4d. */
  resolution?: 'us' | 'ns';
  linktype?: number;
  snaplen?: number;
}

const PCAP_DEFAULT_SNAPLEN = 262144;

/** The 24-byte file header (draft-ietf-opsawg-pcap §4). */
export function pcapFileHeader(o: PcapOptions = {}): Buffer {
  return new Bytes(o.byteOrder ?? 'le')
    .u32(o.resolution === 'ns' ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0) // reserved (was thiszone)
    .u32(0) // reserved (was sigfigs)
    .u32(o.snaplen ?? PCAP_DEFAULT_SNAPLEN)
    .u32(o.linktype ?? LINKTYPE.ETHERNET)
    .build();
}

/** One 16-byte record header plus the captured bytes (draft-ietf-opsawg-pcap §5). */
export function pcapRecord(p: Packet, o: PcapOptions = {}): { bytes: Buffer; tsNs: bigint; capLen: number; origLen: number } {
  const ns = toNs(p.ts);
  const sec = ns / NS_PER_S;
  const frac = ns % NS_PER_S;
  const fracStored = o.resolution === 'ns' ? frac : frac / 1000n; // µs files floor to the microsecond
  const { data, capLen, origLen } = lengths(p, o.snaplen ?? PCAP_DEFAULT_SNAPLEN);
  const bytes = new Bytes(o.byteOrder ?? 'le')
    .u32(Number(sec))
    .u32(Number(fracStored))
    .u32(capLen)
    .u32(origLen)
    .raw(data)
    .build();
  const tsNs = sec * NS_PER_S + (o.resolution === 'ns' ? fracStored : fracStored * 1000n);
  return { bytes, tsNs, capLen, origLen };
}

export function writePcap(packets: Packet[], o: PcapOptions = {}): WrittenFile {
  const header = pcapFileHeader(o);
  const parts: Buffer[] = [header];
  const out: WrittenPacket[] = [];
  const blocks: WrittenFile['blocks'] = [{ type: -1, offset: 0, size: header.length }];
  let offset = header.length;
  for (const p of packets) {
    const r = pcapRecord(p, o);
    out.push({
      offset,
      size: r.bytes.length,
      linktype: o.linktype ?? LINKTYPE.ETHERNET,
      tsNs: r.tsNs,
      capLen: r.capLen,
      origLen: r.origLen,
      section: 0,
      interfaceId: 0,
      blockType: null,
    });
    blocks.push({ type: 0, offset, size: r.bytes.length });
    parts.push(r.bytes);
    offset += r.bytes.length;
  }
  return { bytes: Buffer.concat(parts), packets: out, blocks };
}

// ---------------------------------------------------------------- pcapng

/** Block type codes (draft-ietf-opsawg-pcapng §11.1). */
export const BLOCK = {
  SHB: 0x0a0d0d0a,
  IDB: 0x00000001,
  PB: 0x00000002, // obsolete Packet Block, appendix A
  SPB: 0x00000003,
  NRB: 0x00000004,
  ISB: 0x00000005,
  EPB: 0x00000006,
  CB_COPY: 0x00000bad,
  CB_NOCOPY: 0x40000bad,
} as const;

export interface PcapngOption {
  code: number;
  value: Buffer;
}

export interface SectionOptions {
  byteOrder?: ByteOrder;
  hardware?: string;
  os?: string;
  userAppl?: string;
  /** 'computed' writes the real byte length of the section (§4.1); default -1, "not specified". */
  sectionLength?: 'unspecified' | 'computed';
}

export interface InterfaceOptions {
  linktype: number;
  /** 0 means "no limit" (§4.2). */
  snaplen?: number;
  name?: string;
  description?: string;
  /**
   * The raw if_tsresol byte (§4.2 option 9): MSB clear = 10^-n seconds, MSB set = 2^-n seconds.
   * Omitted means the default, 10^-6.
   */
  tsresol?: number;
  /** if_tsoffset (§4.2 option 14): seconds added to every timestamp on this interface. */
  tsoffset?: number;
}

export interface PacketOptions {
  comment?: string;
  /** epb_flags (§4.3.1 option 2), e.g. 1 = inbound, 2 = outbound. */
  flags?: number;
}

function ts64(ns: bigint, iface: InterfaceOptions): bigint {
  const rel = ns - BigInt(iface.tsoffset ?? 0) * NS_PER_S;
  if (rel < 0n) throw new RangeError('timestamp precedes if_tsoffset');
  const r = iface.tsresol ?? 6;
  const n = BigInt(r & 0x7f);
  if (r & 0x80) return (rel << n) / NS_PER_S;
  return n <= 9n ? rel / 10n ** (9n - n) : rel * 10n ** (n - 9n);
}

/** The inverse of ts64, floored to whole ns: what a reader derives from the stored units. */
function unitsToNs(units: bigint, iface: InterfaceOptions): bigint {
  const off = BigInt(iface.tsoffset ?? 0) * NS_PER_S;
  const r = iface.tsresol ?? 6;
  const n = BigInt(r & 0x7f);
  if (r & 0x80) return off + (units * NS_PER_S) / (1n << n);
  return off + (n <= 9n ? units * 10n ** (9n - n) : units / 10n ** (n - 9n));
}

function str(s: string): Buffer {
  return Buffer.from(s, 'utf8');
}

/**
 * Writes a pcapng file block by block. Interface ids are per section, as in the spec: a new SHB
 * forgets the previous section's interfaces.
 */
export class PcapngWriter {
  private readonly parts: Buffer[] = [];
  private size = 0;
  private order: ByteOrder = 'le';
  private ifaces: InterfaceOptions[] = [];
  private sectionIndex = -1;
  private shbPart = -1;
  private shbSectionLength: SectionOptions['sectionLength'] = 'unspecified';
  readonly packets: WrittenPacket[] = [];
  readonly blocks: WrittenFile['blocks'] = [];

  private bytes(): Bytes {
    return new Bytes(this.order);
  }

  private options(opts: PcapngOption[]): Buffer {
    if (opts.length === 0) return Buffer.alloc(0); // the options field may be omitted entirely (§3.5)
    const b = this.bytes();
    for (const o of opts) b.u16(o.code).u16(o.value.length).raw(o.value).pad4();
    return b.u16(0).u16(0).build(); // opt_endofopt
  }

  /** §3.1: type, total length, body padded to 32 bits, total length again. */
  private block(type: number, body: Buffer): number {
    const pad = (4 - (body.length % 4)) % 4;
    const total = 12 + body.length + pad;
    const buf = this.bytes().u32(type).u32(total).raw(body).raw(Buffer.alloc(pad)).u32(total).build();
    const offset = this.size;
    this.parts.push(buf);
    this.size += buf.length;
    this.blocks.push({ type, offset, size: buf.length });
    return offset;
  }

  private closeSection(): void {
    if (this.shbPart < 0 || this.shbSectionLength !== 'computed') return;
    const shb = this.parts[this.shbPart]!;
    let len = 0;
    for (let i = this.shbPart + 1; i < this.parts.length; i++) len += this.parts[i]!.length;
    // Section Length sits after type(4), length(4), BOM(4), major(2), minor(2).
    if (shb.readUInt32LE(8) === 0x1a2b3c4d) shb.writeBigInt64LE(BigInt(len), 16);
    else shb.writeBigInt64BE(BigInt(len), 16);
  }

  /** Starts a section (§4.1). The byte-order magic 0x1A2B3C4D tells readers the section's endianness. */
  section(o: SectionOptions = {}): this {
    this.closeSection();
    this.order = o.byteOrder ?? 'le';
    this.ifaces = [];
    this.sectionIndex++;
    this.shbSectionLength = o.sectionLength ?? 'unspecified';
    const opts: PcapngOption[] = [];
    if (o.hardware) opts.push({ code: 2, value: str(o.hardware) });
    if (o.os) opts.push({ code: 3, value: str(o.os) });
    if (o.userAppl) opts.push({ code: 4, value: str(o.userAppl) });
    const body = this.bytes().u32(0x1a2b3c4d).u16(1).u16(0).u64(-1n).raw(this.options(opts)).build();
    this.shbPart = this.parts.length;
    this.block(BLOCK.SHB, body);
    return this;
  }

  /** Interface Description Block (§4.2); returns the interface id packets refer to. */
  iface(o: InterfaceOptions): number {
    if (this.sectionIndex < 0) throw new Error('iface() before section()');
    const opts: PcapngOption[] = [];
    if (o.name) opts.push({ code: 2, value: str(o.name) });
    if (o.description) opts.push({ code: 3, value: str(o.description) });
    if (o.tsresol !== undefined) opts.push({ code: 9, value: Buffer.from([o.tsresol]) });
    if (o.tsoffset !== undefined) opts.push({ code: 14, value: this.bytes().u64(BigInt(o.tsoffset)).build() });
    const body = this.bytes().u16(o.linktype).u16(0).u32(o.snaplen ?? 0).raw(this.options(opts)).build();
    this.block(BLOCK.IDB, body);
    this.ifaces.push(o);
    return this.ifaces.length - 1;
  }

  private ifaceOf(id: number): InterfaceOptions {
    const i = this.ifaces[id];
    if (!i) throw new Error(`interface ${id} not defined in section ${this.sectionIndex}`);
    return i;
  }

  private record(type: number, offset: number, id: number, tsNs: bigint | null, capLen: number, origLen: number): void {
    const last = this.blocks[this.blocks.length - 1]!;
    this.packets.push({
      offset,
      size: last.size,
      linktype: this.ifaceOf(id).linktype,
      tsNs,
      capLen,
      origLen,
      section: this.sectionIndex,
      interfaceId: id,
      blockType: type,
    });
  }

  private packetOptions(o: PacketOptions | undefined): Buffer {
    const opts: PcapngOption[] = [];
    if (o?.comment) opts.push({ code: 1, value: str(o.comment) });
    if (o?.flags !== undefined) opts.push({ code: 2, value: this.bytes().u32(o.flags).build() });
    return this.options(opts);
  }

  /** Enhanced Packet Block (§4.3): 64-bit timestamp split high word first, each word in section order. */
  epb(id: number, p: Packet, o?: PacketOptions): this {
    const iface = this.ifaceOf(id);
    const { data, capLen, origLen } = lengths(p, iface.snaplen ?? 0);
    const units = ts64(toNs(p.ts), iface);
    const body = this.bytes()
      .u32(id)
      .u32(Number(units >> 32n))
      .u32(Number(units & 0xffffffffn))
      .u32(capLen)
      .u32(origLen)
      .raw(data)
      .pad4()
      .raw(this.packetOptions(o))
      .build();
    const offset = this.block(BLOCK.EPB, body);
    this.record(BLOCK.EPB, offset, id, unitsToNs(units, iface), capLen, origLen);
    return this;
  }

  /**
   * Simple Packet Block (§4.4): always interface 0, no timestamp; a reader takes the captured
   * length as min(original length, interface 0's snaplen).
   */
  spb(p: Packet): this {
    const iface = this.ifaceOf(0);
    const { data, capLen, origLen } = lengths(p, iface.snaplen ?? 0);
    const body = this.bytes().u32(origLen).raw(data).build();
    const offset = this.block(BLOCK.SPB, body);
    this.record(BLOCK.SPB, offset, 0, null, capLen, origLen);
    return this;
  }

  /** The obsolete Packet Block (appendix A): 16-bit interface id and drops count, otherwise like an EPB. */
  pb(id: number, p: Packet, drops = 0): this {
    const iface = this.ifaceOf(id);
    const { data, capLen, origLen } = lengths(p, iface.snaplen ?? 0);
    const units = ts64(toNs(p.ts), iface);
    const body = this.bytes()
      .u16(id)
      .u16(drops)
      .u32(Number(units >> 32n))
      .u32(Number(units & 0xffffffffn))
      .u32(capLen)
      .u32(origLen)
      .raw(data)
      .pad4()
      .build();
    const offset = this.block(BLOCK.PB, body);
    this.record(BLOCK.PB, offset, id, unitsToNs(units, iface), capLen, origLen);
    return this;
  }

  /** Interface Statistics Block (§4.6) with isb_ifrecv (4) and isb_ifdrop (5). */
  isb(id: number, ts: TimeInput, counters: { ifrecv?: bigint; ifdrop?: bigint } = {}): this {
    const units = ts64(toNs(ts), this.ifaceOf(id));
    const opts: PcapngOption[] = [];
    if (counters.ifrecv !== undefined) opts.push({ code: 4, value: this.bytes().u64(counters.ifrecv).build() });
    if (counters.ifdrop !== undefined) opts.push({ code: 5, value: this.bytes().u64(counters.ifdrop).build() });
    const body = this.bytes()
      .u32(id)
      .u32(Number(units >> 32n))
      .u32(Number(units & 0xffffffffn))
      .raw(this.options(opts))
      .build();
    this.block(BLOCK.ISB, body);
    return this;
  }

  /** Custom Block (§4.8): a Private Enterprise Number, then data readers that do not know the PEN skip. */
  custom(pen: number, data: Buffer, copyable = true): this {
    this.block(copyable ? BLOCK.CB_COPY : BLOCK.CB_NOCOPY, this.bytes().u32(pen).raw(data).build());
    return this;
  }

  /** Any block type at all; a reader must skip types it does not know using the total length (§3.1). */
  unknown(type: number, body: Buffer): this {
    this.block(type, body);
    return this;
  }

  finish(): WrittenFile {
    this.closeSection();
    return { bytes: Buffer.concat(this.parts), packets: this.packets, blocks: this.blocks };
  }
}

/** gzip as readers meet it from `tcpdump -w - | gzip`; node's header has mtime 0, so output is deterministic. */
export function gzip(bytes: Buffer): Buffer {
  return gzipSync(bytes, { level: 9 });
}

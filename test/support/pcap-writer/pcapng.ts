// pcapng writer (draft-ietf-opsawg-pcapng §3-4): block type codes, section/interface/packet options,
// and PcapngWriter, which emits sections, interfaces and every kind of packet block.
import { Bytes, NS_PER_S, lengths, toNs, type ByteOrder, type Packet, type TimeInput, type WrittenFile, type WrittenPacket } from './common.js';

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

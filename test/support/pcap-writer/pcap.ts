// Classic pcap writer (draft-ietf-opsawg-pcap §4-5): the file header, one record, a whole file.
import { Bytes, LINKTYPE, NS_PER_S, lengths, toNs, type ByteOrder, type Packet, type WrittenFile, type WrittenPacket } from './common.js';

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

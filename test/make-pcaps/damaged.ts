// damaged/: truncated and corrupted files, with the whole packets before the damage and the error a reader reports.
import { Rng } from '../support/frames.js';
import { LINKTYPE, PcapngWriter, writePcap, type WrittenFile } from '../support/pcap-writer.js';
import { APPL } from './constants.js';
import { emit, readerFacts, type Json } from './expected.js';
import { packets, type Frame } from './frame.js';

function damaged(detail: string, kind: string, offset: number, packetsBefore: number, bytes: Buffer, extra: Record<string, Json> = {}): Record<string, Json> {
  return { packets: packetsBefore, error: { kind, offset, fileSize: bytes.length, detail }, ...extra };
}

export function makeDamaged(frames: Frame[]): void {
  const pk = packets(frames);
  const good = writePcap(pk, {});
  const lastRec = good.packets[good.packets.length - 1]!;
  const base = (w: WrittenFile, n: number): Record<string, Json> => {
    const ok = { packets: w.packets.slice(0, n) };
    const f = readerFacts(ok, { container: 'pcap', byteOrder: 'le', resolution: 'us' });
    return { container: f.container!, byteOrder: f.byteOrder!, linktypes: [1], firstTsUs: f.firstTsUs!, lastTsUs: f.lastTsUs! };
  };

  {
    const cut = lastRec.offset + 16 + Math.floor(lastRec.capLen / 2);
    const b = good.bytes.subarray(0, cut);
    emit('damaged/truncated-record.pcap', b, 'file ends in the middle of the last record\'s data: 19 whole packets, then a truncation error',
      { ...base(good, 19), ...damaged(`record 20 header at ${lastRec.offset} says caplen ${lastRec.capLen}; only ${cut - lastRec.offset - 16} data bytes follow`, 'truncated', lastRec.offset, 19, b) });
  }
  {
    const cut = lastRec.offset + 8;
    const b = good.bytes.subarray(0, cut);
    emit('damaged/truncated-header.pcap', b, 'file ends 8 bytes into the last 16-byte record header',
      { ...base(good, 19), ...damaged('record 20 header cut after 8 of 16 bytes', 'truncated', lastRec.offset, 19, b) });
  }
  {
    const b = Buffer.from(good.bytes);
    const rec5 = good.packets[4]!;
    b.writeUInt32LE(0x7fffffff, rec5.offset + 8);
    emit('damaged/corrupt-caplen.pcap', b, 'record 5 claims caplen 0x7fffffff (beyond snaplen and any sane limit); a reader must stop, not allocate or scan',
      { ...base(good, 4), ...damaged('record 5 caplen 2147483647 > snaplen 262144', 'bad-record-length', rec5.offset, 4, b) });
  }

  const png = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL });
  png.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
  pk.forEach((x) => png.epb(0, x));
  const g = png.finish();
  const pngBase = (n: number): Record<string, Json> => {
    const f = readerFacts({ packets: g.packets.slice(0, n) }, { container: 'pcapng', byteOrder: 'le' });
    return { container: 'pcapng', byteOrder: 'le', linktypes: [1], firstTsUs: f.firstTsUs!, lastTsUs: f.lastTsUs! };
  };
  {
    const last = g.packets[g.packets.length - 1]!;
    const cut = last.offset + Math.floor(last.size / 2);
    const b = g.bytes.subarray(0, cut);
    emit('damaged/truncated-block.pcapng', b, 'pcapng cut in the middle of the last EPB',
      { ...pngBase(19), ...damaged(`EPB at ${last.offset} has total length ${last.size}; file ends ${cut - last.offset} bytes into it`, 'truncated', last.offset, 19, b) });
  }
  {
    const b = Buffer.from(g.bytes);
    const blk = g.packets[5]!;
    b.writeUInt32LE(blk.size + 2, blk.offset + 4);
    emit('damaged/corrupt-block-length.pcapng', b, 'the 6th EPB\'s Block Total Length is not a multiple of 4 (size + 2)',
      { ...pngBase(5), ...damaged(`EPB at ${blk.offset}: Block Total Length ${blk.size + 2} is not a multiple of 4`, 'bad-block-length', blk.offset, 5, b) });
  }
  {
    const b = Buffer.from(g.bytes);
    const blk = g.packets[5]!;
    b.writeUInt32LE(blk.size + 4, blk.offset + blk.size - 4);
    emit('damaged/corrupt-block-trailer.pcapng', b, 'the 6th EPB\'s trailing Block Total Length differs from the leading one',
      { ...pngBase(5), ...damaged(`EPB at ${blk.offset}: leading length ${blk.size}, trailing length ${blk.size + 4}`, 'block-length-mismatch', blk.offset, 5, b) });
  }
  {
    const rng = new Rng(404);
    let b = rng.bytes(1024);
    while (/^(d4c3b2a1|a1b2c3d4|4d3cb2a1|a1b23c4d|0a0d0d0a|1f8b)/.test(b.toString('hex'))) b = rng.bytes(1024);
    emit('damaged/not-a-capture.pcap', b, '1024 seeded random bytes: no pcap, pcapng or gzip magic', { packets: 0, error: { kind: 'bad-magic', offset: 0, fileSize: b.length, detail: `first 4 bytes ${b.subarray(0, 4).toString('hex')}` } });
  }
  emit('damaged/empty.pcap', Buffer.alloc(0), '0 bytes', { packets: 0, error: { kind: 'empty', offset: 0, fileSize: 0, detail: 'no file header' } });
  {
    const b = writePcap([], {}).bytes;
    emit('damaged/header-only.pcap', b, 'just the 24-byte global header: a valid capture with zero packets, not an error',
      { container: 'pcap', byteOrder: 'le', resolution: 'us', packets: 0, linktypes: [1], firstTsUs: null, lastTsUs: null, error: null });
  }
}

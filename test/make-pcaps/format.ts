// format/: the same traffic in every container, byte order, resolution and link type readers must handle.
import { AF, Rng, loopLink, nullLink, sll, sll2 } from '../support/frames.js';
import { LINKTYPE, PcapngWriter, gzip, writePcap } from '../support/pcap-writer.js';
import { APPL } from './constants.js';
import { emit, readerFacts } from './expected.js';
import { formatTraffic, loopbackV6, rawIpTraffic, sllType, withLink } from './format-traffic.js';
import { merge, packets, type Frame } from './frame.js';

export function makeFormat(): Frame[] {
  const frames = formatTraffic();
  const pk = packets(frames);
  const what = 'the 20-frame set (ARP, Modbus/TCP session, DNS, ICMP, syslog)';
  for (const [order, res] of [['le', 'us'], ['be', 'us'], ['le', 'ns'], ['be', 'ns']] as const) {
    const w = writePcap(pk, { byteOrder: order, resolution: res });
    const name = `format/pcap-${res}-${order}.pcap`;
    emit(name, w.bytes, `classic pcap, ${res === 'us' ? 'µs (0xa1b2c3d4)' : 'ns (0xa1b23c4d)'}, ${order === 'le' ? 'little' : 'big'}-endian; ${what}`,
      readerFacts(w, { container: 'pcap', byteOrder: order, resolution: res, ns: res === 'ns', records: true }, frames));
    if (name === 'format/pcap-us-le.pcap') {
      emit('format/pcap-us-le.pcap.gz', gzip(w.bytes), 'gzip-compressed pcap-us-le.pcap; readers must sniff the gzip magic 1f 8b',
        readerFacts(w, { container: 'pcap', byteOrder: order, resolution: res, gzip: true }, frames));
    }
  }

  for (const order of ['le', 'be'] as const) {
    const p = new PcapngWriter().section({ byteOrder: order, userAppl: APPL, os: 'Linux' });
    // The BE file states the default resolution explicitly; the LE one relies on the default.
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0', ...(order === 'be' ? { tsresol: 6 } : {}) });
    pk.forEach((x, i) => p.epb(0, x, i === 0 ? { flags: 1 } : i === 1 ? { comment: 'reply from PLC 21' } : undefined));
    const w = p.finish();
    emit(`format/pcapng-${order}.pcapng`, w.bytes, `pcapng, one section (${order === 'le' ? 'little' : 'big'}-endian), one Ethernet IDB, EPBs (two with epb_flags / opt_comment options); ${what}`,
      readerFacts(w, { container: 'pcapng', byteOrder: order, records: true }, frames));
    if (order === 'le') {
      emit('format/pcapng-le.pcapng.gz', gzip(w.bytes), 'gzip-compressed pcapng-le.pcapng', readerFacts(w, { container: 'pcapng', byteOrder: order, gzip: true }, frames));
    }
  }

  {
    const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL, sectionLength: 'computed' });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
    pk.slice(0, 10).forEach((x) => p.epb(0, x));
    p.section({ byteOrder: 'be', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0', tsresol: 9 });
    pk.slice(10).forEach((x) => p.epb(0, x));
    const w = p.finish();
    emit('format/pcapng-multi-section.pcapng', w.bytes,
      'two SHBs: LE section (real Section Length) with frames 1-10, then a BE section (Section Length -1, ns IDB) with 11-20; interface ids restart per section',
      readerFacts(w, { container: 'pcapng', byteOrder: ['le', 'be'], ns: true, records: true }, frames));
  }

  {
    const raw = rawIpTraffic();
    const onRaw = new Set(raw);
    const all = merge(frames, raw);
    const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
    p.iface({ linktype: LINKTYPE.RAW, snaplen: 65535, name: 'tun0', tsresol: 9, tsoffset: 1_704_067_200 });
    for (const f of all) p.epb(onRaw.has(f) ? 1 : 0, packets([f])[0]!);
    const w = p.finish();
    emit('format/pcapng-multi-interface.pcapng', w.bytes,
      'two IDBs: Ethernet (default µs) and raw IP (linktype 101) with if_tsresol=9 and if_tsoffset=1704067200 s (EPB timestamps relative to it); packets interleaved',
      readerFacts(w, { container: 'pcapng', byteOrder: 'le', ns: true, records: true }, all));
  }

  {
    // if_tsresol with the MSB set is a power of two: 0x94 = 2^-20 s. Stored ticks do not map to whole
    // µs, so the expected values are the floor of ticks * 10^6 / 2^20 (and * 10^9 for ns).
    const p = new PcapngWriter().section({ byteOrder: 'be', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0', tsresol: 0x94 });
    pk.forEach((x) => p.epb(0, x));
    const w = p.finish();
    emit('format/pcapng-tsresol-pow2.pcapng', w.bytes, 'pcapng (big-endian) whose IDB has if_tsresol=0x94: timestamps in units of 2^-20 s, not a power of ten',
      readerFacts(w, { container: 'pcapng', byteOrder: 'be', ns: true, records: true }, frames));
  }

  {
    const p = new PcapngWriter().section({ byteOrder: 'le', userAppl: APPL });
    p.iface({ linktype: LINKTYPE.ETHERNET, snaplen: 262144, name: 'eth0' });
    const rng = new Rng(7);
    pk.forEach((x, i) => {
      if (i % 4 === 1) p.spb(x);
      else if (i % 4 === 2) p.pb(0, x, i === 6 ? 2 : 0);
      else p.epb(0, x);
      // Unknown types a reader must step over by Block Total Length. (Not Custom Blocks: Wireshark
      // lists those as records, which would muddle the packet counts tshark reports.)
      if (i === 1) p.unknown(0x80001234, rng.bytes(13)); // local-use type (§11.1), body padded to 16
      if (i === 6) p.unknown(0x00000f0f, rng.bytes(8)); // reserved, unassigned type
      if (i === 11) p.unknown(0x8000abcd, Buffer.alloc(0)); // smallest legal block: 12 bytes, no body
    });
    p.isb(0, packets([frames[19]!])[0]!.ts, { ifrecv: 20n, ifdrop: 0n });
    const w = p.finish();
    emit('format/pcapng-spb-pb-unknown.pcapng', w.bytes,
      'EPBs mixed with Simple Packet Blocks (no timestamp, interface 0), obsolete Packet Blocks (type 2, one with drops 2), three unknown block types (one a bare 12-byte block) and a trailing ISB: only packet blocks yield packets',
      readerFacts(w, { container: 'pcapng', byteOrder: 'le', records: true }, frames));
  }

  const sllFrames = withLink(frames, 'sll', (u) => sll({ packetType: sllType(u), addr: u.src, protocol: u.etherType, payload: u.payload }));
  const w1 = writePcap(packets(sllFrames), { linktype: LINKTYPE.LINUX_SLL });
  emit('format/linktype-sll.pcap', w1.bytes, 'Linux cooked v1 (linktype 113, 16-byte header) as captured on the HMI with `-i any`: outgoing, host and broadcast packet types',
    readerFacts(w1, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, sllFrames));

  const sll2Frames = withLink(frames, 'sll2', (u) => sll2({ packetType: sllType(u), addr: u.src, protocol: u.etherType, payload: u.payload, ifindex: 2 }));
  const w2 = writePcap(packets(sll2Frames), { linktype: LINKTYPE.LINUX_SLL2 });
  emit('format/linktype-sll2.pcap', w2.bytes, 'Linux cooked v2 (linktype 276, 20-byte header, protocol first, ifindex 2)',
    readerFacts(w2, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, sll2Frames));

  const ip4Only = frames.filter((f) => f.layers.includes('ipv4'));
  const rawFrames = withLink(ip4Only, null, (u) => u.payload);
  const w3 = writePcap(packets(rawFrames), { linktype: LINKTYPE.IPV4 });
  emit('format/linktype-raw.pcap', w3.bytes, 'raw IPv4 (linktype 228, no link header): the IPv4 frames of the set without ARP',
    readerFacts(w3, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, rawFrames));

  const v6 = loopbackV6();
  for (const kind of ['null', 'loop'] as const) {
    const wrapped = merge(
      withLink(ip4Only, kind, (u) => (kind === 'null' ? nullLink(AF.INET, 'le', u.payload) : loopLink(AF.INET, u.payload))),
      v6.map(({ frame, af }) => ({ ...frame, data: kind === 'null' ? nullLink(af, 'le', frame.data) : loopLink(af, frame.data), layers: [kind, ...frame.layers] })),
    );
    const w = writePcap(packets(wrapped), { linktype: kind === 'null' ? LINKTYPE.NULL : LINKTYPE.LOOP });
    emit(`format/linktype-${kind}.pcap`, w.bytes,
      kind === 'null'
        ? 'BSD loopback NULL (linktype 0): 4-byte AF in host order (LE here): 2 for IPv4, 24/28/30 for IPv6 (NetBSD-OpenBSD / FreeBSD / Darwin)'
        : 'OpenBSD LOOP (linktype 108): the same AF values in network byte order',
      readerFacts(w, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, wrapped));
  }

  const w4 = writePcap(pk, { snaplen: 64 });
  emit('format/snaplen-truncated.pcap', w4.bytes, 'snaplen 64: frames longer than 64 bytes have caplen 64 < origlen (headers still whole)',
    readerFacts(w4, { container: 'pcap', byteOrder: 'le', resolution: 'us', records: true }, frames));
  return frames;
}

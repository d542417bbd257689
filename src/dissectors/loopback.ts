// Links without an Ethernet header. BSD loopback: NULL (LINKTYPE 0, address family in the writer's
// byte order) and LOOP (108, network order); AF_INET is 2, AF_INET6 is 10/24/28/30 by OS. Raw IP:
// LINKTYPE 101 (version from the first nibble), 228 (IPv4), 229 (IPv6).
import { type LayerDissector, REJECT, T_ETHERTYPE } from '../decode/types.js';

const IPV4 = 0x0800;
const IPV6 = 0x86dd;

function family(af: number): number {
  if (af === 2) return IPV4;
  if (af === 10 || af === 24 || af === 28 || af === 30) return IPV6;
  return 0;
}

export const nullLoopback: LayerDissector = {
  id: 'null',
  kind: 'layer',
  bindings: [{ table: 'linktype', value: 0 }, { table: 'linktype', value: 108 }],
  anomalies: ['null.truncated', 'null.unknown_family'],
  decode(pkt, off, end, ctx) {
    if (end - off < 4) {
      ctx.anomaly(pkt, 'null.truncated');
      return REJECT;
    }
    const be = pkt.buf.readUInt32BE(off);
    // NULL is in the capturing host's byte order: the small value is the right reading.
    const type = pkt.linkType === 108 ? family(be) : family(be) || family(pkt.buf.readUInt32LE(off));
    if (!type) {
      ctx.anomaly(pkt, 'null.unknown_family');
      return REJECT;
    }
    pkt.ethertype = type;
    pkt.nextValue = type;
    pkt.nextOff = off + 4;
    pkt.nextEnd = end;
    return T_ETHERTYPE;
  },
};

export const rawIp: LayerDissector = {
  id: 'raw',
  kind: 'layer',
  bindings: [{ table: 'linktype', value: 101 }, { table: 'linktype', value: 228 }, { table: 'linktype', value: 229 }],
  anomalies: ['raw.truncated', 'raw.unknown_version'],
  decode(pkt, off, end, ctx) {
    let type = pkt.linkType === 228 ? IPV4 : pkt.linkType === 229 ? IPV6 : 0;
    if (!type && end <= off) {
      // an empty LINKTYPE_RAW record: no first nibble to take the version from
      ctx.anomaly(pkt, 'raw.truncated');
      return REJECT;
    }
    if (!type) {
      const v = pkt.buf[off]! >> 4;
      type = v === 4 ? IPV4 : v === 6 ? IPV6 : 0;
    }
    if (!type) {
      ctx.anomaly(pkt, 'raw.unknown_version');
      return REJECT;
    }
    pkt.ethertype = type;
    pkt.nextValue = type;
    pkt.nextOff = off;
    pkt.nextEnd = end;
    return T_ETHERTYPE;
  },
};

// IPv4 (RFC 791 §3.1): header checks, addresses, protocol, and fragments handed to bounded
// reassembly (RFC 815) so the transport layer sees whole datagrams.
import { DONE, type LayerDissector, REJECT, T_IP_PROTO } from '../decode/types.js';

export const ipv4: LayerDissector = {
  id: 'ipv4',
  kind: 'layer',
  bindings: [{ table: 'ethertype', value: 0x0800 }],
  anomalies: ['ipv4.truncated', 'ipv4.bad_version', 'ipv4.bad_ihl', 'ipv4.total_length_exceeds_frame', 'ipv4.total_length_too_small',
    'ipv4.frag_overlap', 'ipv4.frag_timeout', 'ipv4.frag_too_many', 'ipv4.frag_oversize'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    if (end - off < 20) {
      ctx.anomaly(pkt, 'ipv4.truncated');
      return REJECT;
    }
    const vihl = b[off]!;
    if (vihl >> 4 !== 4) {
      ctx.anomaly(pkt, 'ipv4.bad_version');
      return REJECT;
    }
    const ihl = (vihl & 0x0f) * 4;
    if (ihl < 20 || off + ihl > end) {
      ctx.anomaly(pkt, 'ipv4.bad_ihl');
      return REJECT;
    }
    const total = (b[off + 2]! << 8) | b[off + 3]!;
    if (total < ihl) {
      ctx.anomaly(pkt, 'ipv4.total_length_too_small');
      return REJECT;
    }
    let payloadEnd = off + total; // trims Ethernet padding
    if (payloadEnd > end) {
      // A snap length cuts packets legitimately; a whole frame shorter than the header claims is
      // malformed, and its bytes past the frame are not this header's to interpret.
      if (pkt.len >= pkt.origLen) {
        ctx.anomaly(pkt, 'ipv4.total_length_exceeds_frame');
        return REJECT;
      }
      payloadEnd = end;
    }
    pkt.ipVersion = 4;
    pkt.ttl = b[off + 8]!;
    pkt.ipProto = b[off + 9]!;
    pkt.src4 = ((b[off + 12]! << 24) | (b[off + 13]! << 16) | (b[off + 14]! << 8) | b[off + 15]!) >>> 0;
    pkt.dst4 = ((b[off + 16]! << 24) | (b[off + 17]! << 16) | (b[off + 18]! << 8) | b[off + 19]!) >>> 0;
    const frag = (b[off + 6]! << 8) | b[off + 7]!;
    const more = (frag & 0x2000) !== 0;
    const fragOffset = (frag & 0x1fff) * 8;
    if (more || fragOffset > 0) {
      const id = (b[off + 4]! << 8) | b[off + 5]!;
      const whole = ctx.reassemble(pkt, 4, `${pkt.src4}>${pkt.dst4}#${id}/${pkt.ipProto}`, fragOffset, more, b.subarray(off + ihl, payloadEnd), pkt.ipProto, ihl);
      if (!whole) return DONE;
      pkt.buf = whole;
      pkt.reassembled = true;
      pkt.nextOff = 0;
      pkt.nextEnd = whole.length;
    } else {
      pkt.nextOff = off + ihl;
      pkt.nextEnd = payloadEnd;
    }
    pkt.nextValue = pkt.ipProto;
    return T_IP_PROTO;
  },
};

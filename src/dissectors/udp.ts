// UDP (RFC 768): ports and length. The length field bounds the payload when it fits the packet.
import { DONE, type LayerDissector, REJECT } from '../decode/types.js';

export const udp: LayerDissector = {
  id: 'udp',
  kind: 'layer',
  bindings: [{ table: 'ip.proto', value: 17 }],
  anomalies: ['udp.truncated', 'udp.bad_length'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    if (end - off < 8) {
      ctx.anomaly(pkt, 'udp.truncated');
      return REJECT;
    }
    const len = (b[off + 4]! << 8) | b[off + 5]!;
    let payloadEnd = end;
    if (len < 8 || (off + len > end && pkt.len >= pkt.origLen)) {
      // 0 is legal only for IPv6 jumbograms; anything else that does not fit is malformed.
      if (!(len === 0 && pkt.ipVersion === 6)) {
        ctx.anomaly(pkt, 'udp.bad_length');
        return REJECT;
      }
    } else if (off + len < end) {
      payloadEnd = off + len;
    }
    pkt.l4Off = off;
    pkt.srcPort = (b[off]! << 8) | b[off + 1]!;
    pkt.dstPort = (b[off + 2]! << 8) | b[off + 3]!;
    pkt.payloadOff = off + 8;
    pkt.payloadEnd = payloadEnd;
    return DONE;
  },
};

// ICMP (RFC 792) and ICMPv6 (RFC 4443 §2.1): type and code; the body is left to analyzers.
import { DONE, type LayerDissector, REJECT } from '../decode/types.js';

export const icmp: LayerDissector = {
  id: 'icmp',
  kind: 'layer',
  bindings: [{ table: 'ip.proto', value: 1 }],
  anomalies: ['icmp.truncated'],
  decode(pkt, off, end, ctx) {
    if (end - off < 4) {
      ctx.anomaly(pkt, 'icmp.truncated');
      return REJECT;
    }
    pkt.l4Off = off;
    pkt.icmpType = pkt.buf[off]!;
    pkt.icmpCode = pkt.buf[off + 1]!;
    pkt.payloadOff = off + 4;
    pkt.payloadEnd = end;
    return DONE;
  },
};

export const icmpv6: LayerDissector = {
  id: 'icmpv6',
  kind: 'layer',
  bindings: [{ table: 'ip.proto', value: 58 }],
  anomalies: ['icmpv6.truncated'],
  decode(pkt, off, end, ctx) {
    if (end - off < 4) {
      ctx.anomaly(pkt, 'icmpv6.truncated');
      return REJECT;
    }
    pkt.l4Off = off;
    pkt.icmpType = pkt.buf[off]!;
    pkt.icmpCode = pkt.buf[off + 1]!;
    pkt.payloadOff = off + 4;
    pkt.payloadEnd = end;
    return DONE;
  },
};

// ICMP (RFC 792) and ICMPv6 (RFC 4443 §2.1): the same 4-byte head (type, code, checksum); the body
// is left to analyzers.
import type { AnomalyId } from '../decode/anomalies.js';
import { DONE, type LayerDissector, REJECT } from '../decode/types.js';

function icmpLayer(id: 'icmp' | 'icmpv6', proto: number): LayerDissector {
  const truncated = `${id}.truncated` as AnomalyId;
  return {
    id,
    kind: 'layer',
    bindings: [{ table: 'ip.proto', value: proto }],
    anomalies: [truncated],
    decode(pkt, off, end, ctx) {
      if (end - off < 4) {
        ctx.anomaly(pkt, truncated);
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
}

export const icmp = icmpLayer('icmp', 1);
export const icmpv6 = icmpLayer('icmpv6', 58);

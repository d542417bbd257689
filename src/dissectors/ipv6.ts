// IPv6 (RFC 8200 §3, §4): fixed header, then the extension-header chain (hop-by-hop, routing,
// fragment, destination options, AH) up to the upper-layer protocol. Fragments go to reassembly.
import { DONE, type LayerDissector, REJECT, T_IP_PROTO } from '../decode/types.js';
import { ipv6ToString } from '../decode/packet.js';

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const ESP = 50;
const AH = 51;
const NO_NEXT = 59;
const DEST_OPTS = 60;
const MOBILITY = 135;
const MAX_EXT = 8;

export const ipv6: LayerDissector = {
  id: 'ipv6',
  kind: 'layer',
  bindings: [{ table: 'ethertype', value: 0x86dd }],
  anomalies: ['ipv6.truncated', 'ipv6.bad_version', 'ipv6.payload_length_exceeds_frame', 'ipv6.ext_header_truncated',
    'ipv6.too_many_ext_headers', 'ipv6.frag_overlap', 'ipv6.frag_timeout', 'ipv6.frag_too_many', 'ipv6.frag_oversize'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    if (end - off < 40) {
      ctx.anomaly(pkt, 'ipv6.truncated');
      return REJECT;
    }
    if (b[off]! >> 4 !== 6) {
      ctx.anomaly(pkt, 'ipv6.bad_version');
      return REJECT;
    }
    const plen = (b[off + 4]! << 8) | b[off + 5]!;
    let payloadEnd = end;
    if (plen > 0) { // 0 = jumbogram: the payload runs to the frame end
      payloadEnd = off + 40 + plen;
      if (payloadEnd > end) {
        if (pkt.len >= pkt.origLen) {
          ctx.anomaly(pkt, 'ipv6.payload_length_exceeds_frame');
          return REJECT;
        }
        payloadEnd = end;
      }
    }
    pkt.ipVersion = 6;
    pkt.ttl = b[off + 7]!;
    pkt.src6 = ipv6ToString(b, off + 8);
    pkt.dst6 = ipv6ToString(b, off + 24);
    let next = b[off + 6]!;
    let p = off + 40;
    for (let n = 0; ; n++) {
      if (next !== HOP_BY_HOP && next !== ROUTING && next !== FRAGMENT && next !== DEST_OPTS && next !== AH && next !== MOBILITY) break;
      if (n === MAX_EXT) {
        ctx.anomaly(pkt, 'ipv6.too_many_ext_headers');
        return REJECT;
      }
      if (payloadEnd - p < 8) {
        ctx.anomaly(pkt, 'ipv6.ext_header_truncated');
        return REJECT;
      }
      if (next === FRAGMENT) {
        const word = (b[p + 2]! << 8) | b[p + 3]!;
        const id = b.readUInt32BE(p + 4);
        const inner = b[p]!;
        const whole = ctx.reassemble(pkt, 6, `${pkt.src6}>${pkt.dst6}#${id}`, word & 0xfff8, (word & 1) === 1, b.subarray(p + 8, payloadEnd), inner, p - (off + 40));
        if (!whole) {
          pkt.ipProto = inner;
          return DONE;
        }
        pkt.buf = whole;
        pkt.reassembled = true;
        pkt.ipProto = inner;
        pkt.nextValue = inner;
        pkt.nextOff = 0;
        pkt.nextEnd = whole.length;
        return T_IP_PROTO;
      }
      const len = next === AH ? (b[p + 1]! + 2) * 4 : (b[p + 1]! + 1) * 8;
      if (p + len > payloadEnd) {
        ctx.anomaly(pkt, 'ipv6.ext_header_truncated');
        return REJECT;
      }
      next = b[p]!;
      p += len;
    }
    pkt.ipProto = next;
    if (next === NO_NEXT || next === ESP) return DONE;
    pkt.nextValue = next;
    pkt.nextOff = p;
    pkt.nextEnd = payloadEnd;
    return T_IP_PROTO;
  },
};

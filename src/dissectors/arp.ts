// ARP (RFC 826): hardware/protocol types and lengths, operation, sender and target addresses.
// The inventory reads sender MAC/IP pairs from pkt.arpOff; nothing is copied here.
import { DONE, type LayerDissector, REJECT } from '../decode/types.js';

export const arp: LayerDissector = {
  id: 'arp',
  kind: 'layer',
  bindings: [{ table: 'ethertype', value: 0x0806 }],
  anomalies: ['arp.truncated'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    if (end - off < 8 || end - off < 8 + 2 * (b[off + 4]! + b[off + 5]!)) {
      ctx.anomaly(pkt, 'arp.truncated');
      return REJECT;
    }
    pkt.arpOp = (b[off + 6]! << 8) | b[off + 7]!;
    pkt.arpOff = off;
    return DONE;
  },
};

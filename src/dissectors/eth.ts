// Ethernet II (IEEE 802.3 clause 3.1.1): destination, source, EtherType. Frames with a length
// field (< 0x0600) are 802.3/LLC; their payload is handed to no layer yet.
import { DONE, type LayerDissector, REJECT, T_ETHERTYPE } from '../decode/types.js';

export const eth: LayerDissector = {
  id: 'eth',
  kind: 'layer',
  bindings: [{ table: 'linktype', value: 1 }],
  anomalies: ['eth.truncated'],
  decode(pkt, off, end, ctx) {
    if (end - off < 14) {
      ctx.anomaly(pkt, 'eth.truncated');
      return REJECT;
    }
    const b = pkt.buf;
    pkt.dstMacOff = off;
    pkt.srcMacOff = off + 6;
    const type = (b[off + 12]! << 8) | b[off + 13]!;
    if (type < 0x0600) return DONE;
    pkt.ethertype = type;
    pkt.nextValue = type;
    pkt.nextOff = off + 14;
    pkt.nextEnd = end;
    return T_ETHERTYPE;
  },
};

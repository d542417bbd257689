// Linux cooked capture headers (tcpdump's `-i any`): SLL v1 (LINKTYPE 113, 16 bytes) and SLL2
// (LINKTYPE 276, 20 bytes). Protocol 4 means an 802.2 LLC frame (to the `llc` layer), 1 raw 802.3;
// other values are an EtherType.
import { DONE, ETHERTYPE_LLC, type LayerDissector, REJECT, T_ETHERTYPE } from '../decode/types.js';

const ARPHRD_ETHER = 1;

export const sll: LayerDissector = {
  id: 'sll',
  kind: 'layer',
  bindings: [{ table: 'linktype', value: 113 }, { table: 'linktype', value: 276 }],
  anomalies: ['sll.truncated'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    const v2 = pkt.linkType === 276;
    const hdr = v2 ? 20 : 16;
    if (end - off < hdr) {
      ctx.anomaly(pkt, 'sll.truncated');
      return REJECT;
    }
    const hatype = v2 ? (b[off + 8]! << 8) | b[off + 9]! : (b[off + 2]! << 8) | b[off + 3]!;
    const addrLen = v2 ? b[off + 11]! : (b[off + 4]! << 8) | b[off + 5]!;
    if (hatype === ARPHRD_ETHER && addrLen === 6) pkt.srcMacOff = off + (v2 ? 12 : 6);
    const proto = v2 ? (b[off]! << 8) | b[off + 1]! : (b[off + 14]! << 8) | b[off + 15]!;
    if (proto < 0x0600) {
      // 4 (ETH_P_802_2): an IEEE 802.2 LLC frame; 1 (ETH_P_802_3) is raw 802.3 (Novell), not decoded
      if (proto !== ETHERTYPE_LLC) return DONE;
      pkt.nextValue = ETHERTYPE_LLC;
      pkt.nextOff = off + hdr;
      pkt.nextEnd = end;
      return T_ETHERTYPE;
    }
    pkt.ethertype = proto;
    pkt.nextValue = proto;
    pkt.nextOff = off + hdr;
    pkt.nextEnd = end;
    return T_ETHERTYPE;
  },
};

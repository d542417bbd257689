// Ethernet (IEEE 802.3-2018 §3.2): destination, source, then a Length/Type field (§3.2.6). From
// 0x0600 up it is an EtherType (Ethernet II). Below 0x0600 it is the length of the MAC client data,
// an IEEE 802.2 LLC frame, handed to the `llc` layer under the pseudo EtherType ETHERTYPE_LLC with
// the Ethernet padding cut off by that length.
import { DONE, ETHERTYPE_LLC, type LayerDissector, REJECT, T_ETHERTYPE } from '../decode/types.js';

export const eth: LayerDissector = {
  id: 'eth',
  kind: 'layer',
  bindings: [{ table: 'linktype', value: 1 }],
  anomalies: ['eth.truncated', 'eth.length_exceeds_frame'],
  decode(pkt, off, end, ctx) {
    if (end - off < 14) {
      ctx.anomaly(pkt, 'eth.truncated');
      return REJECT;
    }
    const b = pkt.buf;
    pkt.dstMacOff = off;
    pkt.srcMacOff = off + 6;
    const type = (b[off + 12]! << 8) | b[off + 13]!;
    pkt.nextOff = off + 14;
    if (type >= 0x0600) {
      pkt.ethertype = type;
      pkt.nextValue = type;
      pkt.nextEnd = end;
      return T_ETHERTYPE;
    }
    // §3.2.6: the length counts the client data only; frames shorter than the minimum are padded
    // after it (§3.2.7), and the padding is nobody's payload.
    let dataEnd = off + 14 + type;
    if (dataEnd > end) {
      // A snap length cuts frames legitimately; a whole frame shorter than its length field is
      // malformed, and the bytes it claims are not there to interpret.
      if (pkt.len >= pkt.origLen) {
        ctx.anomaly(pkt, 'eth.length_exceeds_frame');
        return DONE;
      }
      dataEnd = end;
    }
    // "Raw" 802.3 (Novell IPX without LLC) starts with the IPX checksum 0xffff, never a pair of SAPs
    // both global: not LLC.
    if (dataEnd - pkt.nextOff >= 2 && b[off + 14] === 0xff && b[off + 15] === 0xff) return DONE;
    pkt.nextValue = ETHERTYPE_LLC;
    pkt.nextEnd = dataEnd;
    return T_ETHERTYPE;
  },
};

// 802.1Q customer tags (0x8100), 802.1ad service tags (0x88a8) and the pre-standard QinQ 0x9100:
// a 2-byte TCI (PCP, DEI, 12-bit VLAN id) then the inner EtherType. Up to four stacked tags.
import { ETHERTYPE_LLC, type LayerDissector, REJECT, T_ETHERTYPE } from '../decode/types.js';

export const vlan: LayerDissector = {
  id: 'vlan',
  kind: 'layer',
  bindings: [{ table: 'ethertype', value: 0x8100 }, { table: 'ethertype', value: 0x88a8 }, { table: 'ethertype', value: 0x9100 }],
  anomalies: ['vlan.truncated', 'vlan.too_many_tags'],
  decode(pkt, off, end, ctx) {
    if (end - off < 4) {
      ctx.anomaly(pkt, 'vlan.truncated');
      return REJECT;
    }
    if (pkt.vlanCount === pkt.vlans.length) {
      ctx.anomaly(pkt, 'vlan.too_many_tags');
      return REJECT;
    }
    const b = pkt.buf;
    pkt.vlans[pkt.vlanCount++] = ((b[off]! << 8) | b[off + 1]!) & 0x0fff;
    const type = (b[off + 2]! << 8) | b[off + 3]!;
    if (type < 0x0600) {
      // a length: an IEEE 802.2 LLC frame follows the tag, as after an untagged 802.3 header (eth.ts)
      pkt.nextValue = ETHERTYPE_LLC;
      pkt.nextOff = off + 4;
      pkt.nextEnd = Math.min(end, off + 4 + type);
      return T_ETHERTYPE;
    }
    pkt.ethertype = type;
    pkt.nextValue = type;
    pkt.nextOff = off + 4;
    pkt.nextEnd = end;
    return T_ETHERTYPE;
  },
};

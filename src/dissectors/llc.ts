// IEEE 802.2 Logical Link Control (IEEE Std 802.2-1998 §3.3): DSAP, SSAP and a control field of one
// octet (U-format, low bits 11) or two (I- and S-format). DSAP = SSAP = 0xAA with UI control is
// SNAP (IEEE Std 802 Overview and Architecture; RFC 1042): a 3-octet OUI and a 2-octet protocol id.
// Dispatch: OUI 00-00-00 (RFC 1042) and 00-00-F8 (IEEE 802.1H bridge tunnel) carry an EtherType and
// go back through the `ethertype` table (IPv4 in SNAP decodes as IPv4); OUI 00-00-0C goes to
// `llc.cisco_pid` (CDP, DTP, ...); other OUIs end here. Non-SNAP frames go to `llc.sap` by DSAP
// (spanning tree, BACnet, NetBIOS, ...), where nothing bound simply means "not decoded".
import { DONE, ETHERTYPE_LLC, type LayerDissector, T_ETHERTYPE, T_LLC_CISCO_PID, T_LLC_SAP, REJECT } from '../decode/types.js';

const SAP_SNAP = 0xaa;
const UI = 0x03;
const OUI_ETHERTYPE = 0x000000;
const OUI_BRIDGE_TUNNEL = 0x0000f8;
const OUI_CISCO = 0x00000c;

export const llc: LayerDissector = {
  id: 'llc',
  kind: 'layer',
  bindings: [{ table: 'ethertype', value: ETHERTYPE_LLC }],
  anomalies: ['llc.truncated'],
  decode(pkt, off, end, ctx) {
    const b = pkt.buf;
    if (end - off < 3) {
      ctx.anomaly(pkt, 'llc.truncated');
      return REJECT;
    }
    // §3.3.1: the low bit of the DSAP is individual/group, of the SSAP command/response; the
    // protocol is named by the rest.
    const dsap = b[off]!, ssap = b[off + 1]!, control = b[off + 2]!;
    if ((dsap & 0xfe) === SAP_SNAP && (ssap & 0xfe) === SAP_SNAP && control === UI) {
      if (end - off < 8) {
        ctx.anomaly(pkt, 'llc.truncated');
        return REJECT;
      }
      const oui = (b[off + 3]! << 16) | (b[off + 4]! << 8) | b[off + 5]!;
      const pid = (b[off + 6]! << 8) | b[off + 7]!;
      pkt.nextOff = off + 8;
      pkt.nextEnd = end;
      pkt.nextValue = pid;
      if (oui === OUI_ETHERTYPE || oui === OUI_BRIDGE_TUNNEL) {
        // An EtherType below 0x0600 is a length, and ETHERTYPE_LLC would loop back here.
        if (pid < 0x0600) return DONE;
        pkt.ethertype = pid;
        return T_ETHERTYPE;
      }
      return oui === OUI_CISCO ? T_LLC_CISCO_PID : DONE;
    }
    // §3.3.2: I-format (low bit 0) and S-format (low bits 01) control fields take two octets.
    const hdr = (control & 0x03) === 0x03 ? 3 : 4;
    if (end - off < hdr) {
      ctx.anomaly(pkt, 'llc.truncated');
      return REJECT;
    }
    pkt.nextOff = off + hdr;
    pkt.nextEnd = end;
    pkt.nextValue = dsap;
    return T_LLC_SAP;
  },
};

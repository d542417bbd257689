// BACnet network layer (ASHRAE 135 clause 6): the NPCI (6.2) with its routing addresses, and the
// network-layer messages (6.2.4); any other NPDU carries an APDU.
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';
import { decodeApdu } from './apdu.js';
import { NETWORK_MESSAGES, nameOr } from './codes.js';
import { addRoute, type Route } from './route.js';

/** Clause 6.2: NPCI. Network-layer messages end here; otherwise the APDU follows. */
export function decodeNpdu(r: Reader, out: PduSink, bvlcFn: number, route: Route): void {
  const version = r.u8();
  if (version !== 0x01) {
    out.anomaly('bacnet.bad_npdu_version');
    return;
  }
  const control = r.u8();
  // 6.2.2: bits 6 and 4 are reserved and shall be zero
  if (control & 0x50) {
    out.anomaly('bacnet.bad_npdu');
    return;
  }
  const netMsg = (control & 0x80) !== 0;
  const hasDnet = (control & 0x20) !== 0;
  const hasSnet = (control & 0x08) !== 0;
  if (hasDnet) {
    route.dnet = r.u16();
    const dlen = r.u8();
    route.dadr = dlen === 0 ? 'broadcast' : r.bytes(dlen).toString('hex');
  }
  if (hasSnet) {
    route.snet = r.u16();
    const slen = r.u8();
    // 6.2.2: SLEN 0 is invalid, a source is never a broadcast
    if (slen === 0) {
      out.anomaly('bacnet.bad_npdu');
      return;
    }
    route.sadr = r.bytes(slen).toString('hex');
  }
  if (hasDnet) route.hopCount = r.u8();
  const priority = control & 0x03;
  if (netMsg) {
    const msgType = r.u8();
    const p: AppPdu = {
      proto: 'bacnet', kind: 'network_message', role: 'notify', functionCode: msgType,
      functionName: msgType >= 0x80 ? `Proprietary-${msgType}` : nameOr(NETWORK_MESSAGES, msgType, 'Reserved'),
      op: msgType === 0x06 ? 'write' : 'discovery', bvlcFunction: bvlcFn,
    };
    if (msgType >= 0x80) p.vendorId = r.u16();
    else if (msgType === 0x00 && r.left >= 2) p.networks = [r.u16()];
    else if (msgType === 0x01 || msgType === 0x04 || msgType === 0x05) {
      const nets: number[] = [];
      while (r.left >= 2 && nets.length < 256) nets.push(r.u16());
      p.networks = nets;
    } else if (msgType === 0x03) { p.reason = r.u8(); p.network = r.u16(); }
    addRoute(p, route);
    out.pdu(p);
    return;
  }
  decodeApdu(r, out, bvlcFn, route, priority);
}

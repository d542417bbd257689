// BACnet Virtual Link Control for BACnet/IP (ASHRAE 135 Annex J.2): the BVLC header, the BVLL-only
// messages (BDT/FDT management), and the NPDU of the functions that carry one (Forwarded-NPDU adds
// the originating B/IP address, Annex J.4.5).
import type { AppPdu } from '../../decode/pdu.js';
import type { Reader } from '../../decode/reader.js';
import type { PduSink } from '../../decode/types.js';
import { BVLC_FUNCTIONS, BVLC_KINDS, BVLC_OPS } from './codes.js';
import { decodeNpdu } from './npdu.js';
import type { Route } from './route.js';

const ipPort = (b: Buffer): string => `${b[0]}.${b[1]}.${b[2]}.${b[3]}:${b.readUInt16BE(4)}`;

/** Annex J.2: BVLC header, then the NPDU for the functions that carry one. */
export function decodeBvlc(r: Reader, out: PduSink): void {
  const type = r.u8();
  if (type !== 0x81) {
    // 0x82 is BACnet/IPv6 (Annex U), not decoded here; anything else is not BACnet
    out.anomaly('bacnet.bad_bvlc_type');
    return;
  }
  const fn = r.u8();
  const length = r.u16();
  if (length !== r.end) {
    out.anomaly('bacnet.bad_bvlc_length');
    // UDP already delimits the message, so the datagram is decoded as it is, as receivers and tshark
    // do: a miscounted BVLC length (seen from real tools) must not hide a ReinitializeDevice. A body
    // that really is cut short still ends in bacnet.truncated.
    if (length < 4) return;
  }
  const route: Route = {};
  switch (fn) {
    case 0x04: // Forwarded-NPDU: a BBMD relays a broadcast with the originator's B/IP address
      route.origin = ipPort(r.bytes(6));
      decodeNpdu(r, out, fn, route);
      return;
    case 0x09: case 0x0a: case 0x0b:
      decodeNpdu(r, out, fn, route);
      return;
    default:
      break;
  }
  if (fn >= BVLC_FUNCTIONS.length) {
    out.anomaly('bacnet.unknown_bvlc_function');
    return;
  }
  // BVLL-only messages (BDT/FDT management): they change how broadcasts travel between subnets
  const p: AppPdu = {
    proto: 'bacnet', kind: BVLC_KINDS[fn]!,
    role: fn === 0x00 || fn === 0x03 || fn === 0x07 ? 'response' : 'request',
    functionCode: fn, functionName: BVLC_FUNCTIONS[fn]!, op: BVLC_OPS[fn]!, bvlcFunction: fn,
  };
  if (fn === 0x00) p.resultCode = r.u16();
  else if (fn === 0x05) p.ttl = r.u16();
  else if (fn === 0x01 || fn === 0x03) {
    // J.2.2/J.2.4: 10-octet BDT entries (address, port, mask)
    const entries: string[] = [];
    while (r.left >= 10 && entries.length < 64) { entries.push(ipPort(r.bytes(6))); r.skip(4); }
    p.entries = entries;
  } else if (fn === 0x08) p.entry = ipPort(r.bytes(6));
  out.pdu(p);
}

// Where a BACnet PDU comes from beyond the IP header (ASHRAE 135): the originating B/IP address of a
// Forwarded-NPDU (Annex J.4.5) and the NPDU's network addresses (6.2.2), copied onto each PDU.
import type { AppPdu } from '../../decode/pdu.js';

/** What a datagram says about where it came from, beyond the IP header. */
export interface Route {
  /** Forwarded-NPDU: the original B/IP sender (Annex J.4.5) */
  origin?: string;
  /** NPDU SNET/SADR: the device sits on another BACnet network behind a router (6.2.2) */
  snet?: number;
  sadr?: string;
  dnet?: number;
  dadr?: string;
  hopCount?: number;
}

export function addRoute(p: AppPdu, route: Route): void {
  if (route.origin !== undefined) p.origin = route.origin;
  if (route.snet !== undefined) { p.snet = route.snet; p.sadr = route.sadr; }
  if (route.dnet !== undefined) { p.dnet = route.dnet; p.dadr = route.dadr; p.hopCount = route.hopCount; }
}

/** The device a PDU speaks for when it is not the IP sender: routed (SNET/SADR) or forwarded by a BBMD. */
export function about(route: Route): string | undefined {
  if (route.snet !== undefined) return `bacnet:${route.snet}:${route.sadr}`;
  return route.origin;
}

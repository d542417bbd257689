// DHCP over BOOTP (RFC 2131 §2 message format, RFC 2132 options, RFC 4702 client FQDN option 81).
// UDP 67 (server) / 68 (client). Every DHCP message carries the client's hardware address (chaddr),
// so a client's hostname (12), vendor class (60), requested address (50) and client id (61) become
// identity facts about that MAC even while it has no IP address yet (it sends from 0.0.0.0).
import type { AppPdu, Identity, OpClass } from '../decode/pdu.js';
import type { DatagramDissector, PduSink } from '../decode/types.js';
import { Reader } from '../decode/reader.js';

/** RFC 2132 §9.6 (1-8) and RFC 4388 (10-13, leasequery) message types. */
const MESSAGE_TYPES: Record<number, string> = {
  1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM',
  9: 'FORCERENEW', 10: 'LEASEQUERY', 11: 'LEASEUNASSIGNED', 12: 'LEASEUNKNOWN', 13: 'LEASEACTIVE',
};

const MAGIC_COOKIE = 0x63825363; // RFC 2131 §3: 99.130.83.99, then RFC 2132 options
/** A datagram holds at most ~1500 bytes of options; this bound only guards the loop. */
const MAX_OPTIONS = 512;

export interface DhcpPdu extends AppPdu {
  proto: 'dhcp';
  xid: number;
  /** BOOTP op: 1 BOOTREQUEST, 2 BOOTREPLY */
  bootpOp: number;
  clientMac: string;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  messageType?: number;
  hostname?: string;
  requestedIp?: string;
  serverId?: string;
  paramList?: number[];
  vendorClass?: string;
  clientId?: string;
  fqdn?: string;
  leaseTime?: number;
  subnetMask?: string;
  routers?: string[];
  dnsServers?: string[];
}

const ip4 = (b: Buffer, o = 0) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const hexBytes = (b: Buffer, sep = ':') => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(sep);
/** Option text: NVT ASCII per RFC 2132, but real clients send trailing NULs; keep printable Latin-1. */
const text = (b: Buffer) => b.toString('latin1').replace(/\0+$/, '');

function ipList(b: Buffer): string[] {
  const out: string[] = [];
  for (let o = 0; o + 4 <= b.length; o += 4) out.push(ip4(b, o));
  return out;
}

/**
 * Option 61 (RFC 2132 §9.14): a type byte then an identifier. Type 1 (Ethernet) is a MAC; others
 * (e.g. 255, the RFC 4361 IAID+DUID form) are kept as hex.
 */
function clientId(b: Buffer): string {
  if (b.length === 7 && b[0] === 1) return hexBytes(b.subarray(1));
  return hexBytes(b, '');
}

/**
 * Option 81 (RFC 4702 §2): flags, two deprecated rcode bytes, then the name, either ASCII (E flag
 * clear, deprecated) or DNS wire format without compression (E flag set).
 */
function fqdn(b: Buffer): string | undefined {
  if (b.length < 3) return undefined;
  const name = b.subarray(3);
  if ((b[0]! & 0x04) === 0) return text(name) || undefined;
  const labels: string[] = [];
  let o = 0;
  for (let i = 0; i < 128 && o < name.length; i++) {
    const len = name[o]!;
    if (len === 0 || len > 63 || o + 1 + len > name.length) break;
    labels.push(name.toString('latin1', o + 1, o + 1 + len));
    o += 1 + len;
  }
  return labels.length > 0 ? labels.join('.') : undefined;
}

function opClass(type: number | undefined): OpClass {
  // finding a server and an address is discovery; taking, keeping and returning the lease is the session
  return type === 1 || type === 2 || type === 8 || type === undefined ? 'discovery' : 'session';
}

export const dhcp: DatagramDissector = {
  id: 'dhcp',
  kind: 'datagram',
  bindings: [{ table: 'udp.port', value: 67 }, { table: 'udp.port', value: 68 }],
  anomalies: ['dhcp.truncated', 'dhcp.bad_op', 'dhcp.bad_hlen', 'dhcp.option_overrun', 'dhcp.unknown_message_type'],

  decode(payload: Buffer, _dir, _state, out: PduSink): void {
    const r = new Reader(payload);
    const bootpOp = r.u8();
    const htype = r.u8();
    const hlen = r.u8();
    r.skip(1); // hops
    // Only BOOTREQUEST/BOOTREPLY exist: anything else on 67/68 is not BOOTP, and no PDU is made of it.
    if (bootpOp !== 1 && bootpOp !== 2) { out.anomaly('dhcp.bad_op'); return; }
    if (hlen > 16) { out.anomaly('dhcp.bad_hlen'); return; }
    const xid = r.u32();
    r.skip(4); // secs, flags
    const ciaddr = ip4(r.bytes(4));
    const yiaddr = ip4(r.bytes(4));
    const siaddr = ip4(r.bytes(4));
    const giaddr = ip4(r.bytes(4));
    const chaddr = r.bytes(16);
    r.skip(64 + 128); // sname, file (option overload, 52, is not followed: rare, and only adds text)
    // RFC 2131 §3: the options field starts with the magic cookie. Without it this is plain BOOTP
    // (RFC 951, a 64-byte vendor area of its own), which OT devices still use (Rockwell's BOOTP
    // address assignment): a PDU with the header facts and no options.
    const dhcpOptions = r.left >= 4 && r.buf.readUInt32BE(r.pos) === MAGIC_COOKIE;
    if (dhcpOptions) r.skip(4);
    else if (htype === 1 && hlen === 6) r.skip(r.left);
    else { out.anomaly('dhcp.bad_hlen'); return; } // no cookie and not Ethernet: nothing says this is BOOTP
    // htype 1 is Ethernet; other hardware types keep their address as hex without separators
    const clientMac = htype === 1 && hlen === 6 ? hexBytes(chaddr.subarray(0, 6)) : hexBytes(chaddr.subarray(0, hlen), '');

    const p: DhcpPdu = { proto: 'dhcp', kind: 'BOOTP', bootpOp, xid, clientMac, ciaddr, yiaddr, siaddr, giaddr };
    for (let i = 0; i < MAX_OPTIONS && r.left > 0; i++) {
      const code = r.u8();
      if (code === 0) continue; // pad
      if (code === 255) break; // end
      if (r.left < 1) { out.anomaly('dhcp.option_overrun'); break; }
      const len = r.u8();
      // An option running past the datagram: keep what was read so far, the header facts are sound.
      if (len > r.left) { out.anomaly('dhcp.option_overrun'); break; }
      const v = r.bytes(len);
      switch (code) {
        case 53: if (len >= 1) p.messageType = v[0]; break;
        case 12: p.hostname = text(v); break;
        case 50: if (len === 4) p.requestedIp = ip4(v); break;
        case 54: if (len === 4) p.serverId = ip4(v); break;
        case 55: p.paramList = Array.from(v); break;
        case 60: p.vendorClass = text(v); break;
        case 61: if (len > 0) p.clientId = clientId(v); break;
        case 81: { const n = fqdn(v); if (n !== undefined) p.fqdn = n; break; }
        case 51: if (len === 4) p.leaseTime = v.readUInt32BE(0); break;
        case 1: if (len === 4) p.subnetMask = ip4(v); break;
        case 3: p.routers = ipList(v); break;
        case 6: p.dnsServers = ipList(v); break;
        default: break; // other options are consumed unread
      }
    }

    if (p.messageType !== undefined) {
      const name = MESSAGE_TYPES[p.messageType];
      if (name === undefined) out.anomaly('dhcp.unknown_message_type');
      p.kind = name ?? 'unknown';
      p.functionCode = p.messageType;
      p.functionName = p.kind;
    }
    p.role = bootpOp === 1 ? 'request' : 'response';
    p.op = opClass(p.messageType);
    // The client states facts about itself only in its own requests; a server's reply describes the
    // client only through the address it offers (yiaddr), which the inventory may take from the PDU.
    if (bootpOp === 1) {
      const id: Identity & { vendorClass?: string; requestedIp?: string; clientId?: string; mac?: string } = { about: clientMac, mac: clientMac };
      const name = p.hostname || p.fqdn;
      if (name) id.name = name;
      if (p.vendorClass) id.vendorClass = p.vendorClass;
      if (p.requestedIp) id.requestedIp = p.requestedIp;
      if (p.clientId) id.clientId = p.clientId;
      if (name || p.vendorClass || p.requestedIp || p.clientId) p.identity = id;
    }
    out.pdu(p);
  },
};

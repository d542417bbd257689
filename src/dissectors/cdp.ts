// Cisco Discovery Protocol, reached through SNAP with the Cisco OUI 00-00-0C and protocol id 0x2000
// (see llc.ts). Cisco publishes no wire specification; the layout below is the one Cisco devices
// send and the open implementations and analysers agree on:
//   header: version (1 octet, 1 or 2), TTL in seconds (1), checksum (2)
//   TLVs:   type (2), length (2, counting these 4 octets), value
// One advertisement per frame, like LLDP (lldp.ts): a neighbour's device id, port, platform,
// software version, capabilities and addresses.
import type { AnomalyId } from '../decode/anomalies.js';
import { ipv6ToString } from '../decode/packet.js';
import type { AppPdu, Identity } from '../decode/pdu.js';
import { Reader } from '../decode/reader.js';
import type { DatagramDissector } from '../decode/types.js';

/** Capability bits (Capabilities TLV, a 32-bit mask), by bit. */
const capabilityNames = [
  'router', 'transparent bridge', 'source route bridge', 'switch', 'host', 'IGMP', 'repeater',
  'VoIP phone', 'remotely managed device', 'CVTA/STP dispute resolution/camera', 'two-port MAC relay',
];
/** The capabilities that say what a device is (IGMP snooping or remote management do not). */
const roleBits = [0, 3, 1, 2, 7, 6, 4];

/** Protocol names of the 802.2 (SNAP EtherType) protocol type in address entries. */
const snapProtocols: Readonly<Record<number, string>> = {
  0x0800: 'IPv4', 0x86dd: 'IPv6', 0x6003: 'DECnet', 0x809b: 'AppleTalk', 0x8137: 'IPX', 0x0bad: 'VINES', 0x0600: 'XNS', 0x8019: 'Apollo',
};
/** ... and of the NLPID protocol type (ISO/IEC TR 9577). */
const nlpidProtocols: Readonly<Record<number, string>> = { 0xcc: 'IPv4', 0x8e: 'IPv6', 0x81: 'CLNS' };

/** Bound on TLVs per frame: real agents send 10-20; a 1500-byte frame holds at most 374 empty ones. */
const MAX_TLVS = 64;
/** Bound on entries in one Addresses or Management Address TLV (devices list one to a few). */
const MAX_ADDRESSES = 32;

export interface CdpAddress {
  /** 'IPv4', 'IPv6', ... or the protocol bytes in hex when unknown */
  protocol: string;
  address: string;
}

/**
 * The CDP checksum: RFC 1071 over the whole CDP PDU, except for an odd length. Cisco puts the last
 * octet in the low half of a final word (not the high half, as RFC 1071 §2(B) pads) and, adding it
 * as a signed char, sums one less when its top bit is set: that word is 0xFF00 | (octet - 1).
 */
export function cdpChecksumOk(pdu: Buffer): boolean {
  let sum = 0;
  const even = pdu.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (pdu[i]! << 8) | pdu[i + 1]!;
  if (pdu.length & 1) {
    const last = pdu[even]!;
    sum += last & 0x80 ? 0xff00 | (last - 1) : last;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

function addressText(protocol: string, a: Buffer): string {
  if (protocol === 'IPv4' && a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  if (protocol === 'IPv6' && a.length === 16) return ipv6ToString(a, 0);
  return a.toString('hex');
}

/**
 * Addresses and Management Address TLVs: a 32-bit count, then per address a protocol type (1 NLPID,
 * 2 802.2), protocol length, protocol (an NLPID octet, or an 802.2 LLC/SNAP header whose last two
 * octets are the EtherType), a 16-bit address length and the address. Returns null when the
 * entries do not fit the TLV.
 */
function addressList(v: Reader, raise: (id: AnomalyId) => void): CdpAddress[] | null {
  if (v.left < 4) return null;
  const count = v.u32();
  const out: CdpAddress[] = [];
  for (let i = 0; i < count; i++) {
    if (i === MAX_ADDRESSES) { raise('cdp.too_many_addresses'); break; }
    if (v.left < 2) return null;
    const ptype = v.u8(), plen = v.u8();
    if (v.left < plen + 2) return null;
    const proto = v.bytes(plen);
    const alen = v.u16();
    if (v.left < alen) return null;
    const a = v.bytes(alen);
    let protocol: string | undefined;
    if (ptype === 1 && plen === 1) protocol = nlpidProtocols[proto[0]!];
    else if (ptype === 2 && plen >= 2) protocol = snapProtocols[proto.readUInt16BE(plen - 2)];
    out.push({ protocol: protocol ?? `${ptype}:${proto.toString('hex')}`, address: addressText(protocol ?? '', a) });
  }
  return out;
}

/** "Cisco IOS Software, C3560 Software (...), Version 12.2(44)SE, RELEASE SOFTWARE (fc1)" -> 12.2(44)SE */
function firmwareOf(software: string): string | undefined {
  return /\bVersion:? ([^\s,]+)/i.exec(software)?.[1];
}

export const cdp: DatagramDissector = {
  id: 'cdp',
  kind: 'datagram',
  bindings: [{ table: 'llc.cisco_pid', value: 0x2000 }],
  anomalies: ['cdp.truncated', 'cdp.bad_version', 'cdp.bad_checksum', 'cdp.tlv_overrun', 'cdp.bad_tlv_length',
    'cdp.too_many_tlvs', 'cdp.too_many_addresses', 'cdp.missing_device_id'],
  decode(payload, _dir, _state, out) {
    const r = new Reader(payload);
    const anomalies: AnomalyId[] = [];
    const raise = (id: AnomalyId) => { if (!anomalies.includes(id)) { anomalies.push(id); out.anomaly(id); } };
    const version = r.u8(), ttl = r.u8();
    r.skip(2); // checksum, verified over the whole PDU below
    if (version !== 1 && version !== 2) { raise('cdp.bad_version'); return; }
    const pdu: AppPdu = { proto: 'cdp', kind: 'advertisement', role: 'notify', op: 'discovery', version, ttl };
    const addresses: CdpAddress[] = [];
    const management: CdpAddress[] = [];
    let cut = false;
    for (let index = 0; r.left > 0; index++) {
      if (index === MAX_TLVS) { raise('cdp.too_many_tlvs'); break; }
      if (r.left < 4) { raise('cdp.truncated'); cut = true; break; }
      const type = r.u16(), len = r.u16();
      if (len < 4) { raise('cdp.bad_tlv_length'); break; } // no way to the next TLV
      if (len - 4 > r.left) { raise('cdp.tlv_overrun'); cut = true; break; }
      const n = len - 4;
      const v = r.sub(n);
      switch (type) {
        case 0x0001: pdu.deviceId = v.text(n); break;
        case 0x0003: pdu.portId = v.text(n); break;
        case 0x0005: pdu.softwareVersion = v.text(n); break;
        case 0x0006: pdu.platform = v.text(n); break;
        case 0x0009: { const d = v.text(n); if (d) pdu.vtpDomain = d; break; }
        case 0x0014: pdu.systemName = v.text(n); break;
        case 0x0002: case 0x0016: {
          const list = addressList(v, raise);
          if (!list) { raise('cdp.bad_tlv_length'); break; }
          (type === 0x0002 ? addresses : management).push(...list);
          break;
        }
        case 0x0004: {
          if (n !== 4) { raise('cdp.bad_tlv_length'); break; }
          const bits = v.u32();
          pdu.capabilities = { bits, names: capabilityNames.filter((_, i) => bits & (1 << i)) };
          break;
        }
        case 0x000a: // native VLAN of the sending port
          if (n !== 2) { raise('cdp.bad_tlv_length'); break; }
          pdu.nativeVlan = v.u16();
          break;
        case 0x000b:
          if (n !== 1) { raise('cdp.bad_tlv_length'); break; }
          pdu.duplex = v.u8() ? 'full' : 'half';
          break;
        case 0x000e: // VoIP VLAN reply: a data octet, then the voice VLAN
          if (n < 3) { raise('cdp.bad_tlv_length'); break; }
          v.skip(1);
          pdu.voiceVlan = v.u16();
          break;
        case 0x0010: // power drawn by the sender, mW
          if (n !== 2) { raise('cdp.bad_tlv_length'); break; }
          pdu.powerConsumption = v.u16();
          break;
        case 0x0011:
          if (n !== 4) { raise('cdp.bad_tlv_length'); break; }
          pdu.mtu = v.u32();
          break;
        case 0x0019: case 0x001a: { // Power Requested / Available: request id, management id, values in mW
          if (n < 4 || n % 4 !== 0 || n > 4 + 4 * 8) { raise('cdp.bad_tlv_length'); break; }
          const requestId = v.u16(), managementId = v.u16();
          const milliwatts: number[] = [];
          while (v.left >= 4) milliwatts.push(v.u32());
          pdu[type === 0x0019 ? 'powerRequested' : 'powerAvailable'] = { requestId, managementId, milliwatts };
          break;
        }
        default: break; // IP prefix, protocol hello, trust, CoS, location, ...: skipped by length
      }
    }
    if (!cut && !cdpChecksumOk(payload)) raise('cdp.bad_checksum');
    // Without a device id there is no neighbour to speak of: anomalies only.
    if (pdu.deviceId === undefined) { raise('cdp.missing_device_id'); return; }
    if (addresses.length) pdu.addresses = addresses;
    if (management.length) pdu.managementAddresses = management;
    pdu.identity = identityOf(pdu);
    if (anomalies.length) pdu.anomalies = anomalies;
    out.pdu(pdu);
  },
};

function identityOf(pdu: AppPdu): Identity {
  const identity: Identity = { name: pdu.deviceId as string };
  const platform = pdu.platform as string | undefined;
  const software = pdu.softwareVersion as string | undefined;
  // CDP is Cisco's, but other vendors' switches, phones and hypervisors speak it too: the vendor is
  // named only when the platform or software says so.
  if (/\bcisco\b/i.test(`${platform ?? ''} ${software ?? ''}`)) identity.vendor = 'Cisco';
  if (platform) identity.model = platform.replace(/^cisco\s+/i, '');
  const fw = software ? firmwareOf(software) : undefined;
  if (fw) identity.firmwareVersion = fw;
  const caps = pdu.capabilities as { bits: number } | undefined;
  if (caps) {
    const roles = roleBits.filter((b) => caps.bits & (1 << b)).map((b) => capabilityNames[b]!);
    if (roles.length) identity.deviceType = roles.join(', ');
  }
  return identity;
}

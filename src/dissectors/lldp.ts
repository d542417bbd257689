// LLDP over Ethernet (EtherType 0x88cc): IEEE 802.1AB-2016 §8.4 (LLDPDU format: Chassis ID, Port ID,
// TTL first, End last) and §8.5 (basic TLVs). Organizationally specific TLVs (§8.6, type 127) are
// counted and skipped: their contents (802.1/802.3/PROFINET extensions) are not inventory facts here.
import type { AnomalyId } from '../decode/anomalies.js';
import { ipv6ToString } from '../decode/packet.js';
import type { AppPdu, Identity } from '../decode/pdu.js';
import { Reader } from '../decode/reader.js';
import type { DatagramDissector } from '../decode/types.js';

/** §8.5.2.2 Table 8-2 chassis ID subtypes. */
const chassisSubtypeNames: Readonly<Record<number, string>> = {
  1: 'chassis component', 2: 'interface alias', 3: 'port component', 4: 'MAC address', 5: 'network address', 6: 'interface name', 7: 'locally assigned',
};
/** §8.5.3.2 Table 8-3 port ID subtypes. */
const portSubtypeNames: Readonly<Record<number, string>> = {
  1: 'interface alias', 2: 'port component', 3: 'MAC address', 4: 'network address', 5: 'interface name', 6: 'agent circuit ID', 7: 'locally assigned',
};
/** §8.5.8.1 Table 8-4 system capabilities, by bit. */
const capabilityNames = ['other', 'repeater', 'bridge', 'WLAN access point', 'router', 'telephone', 'DOCSIS cable device', 'station only', 'C-VLAN component', 'S-VLAN component', 'two-port MAC relay'];

/** Bound on TLVs per LLDPDU: a 1500-byte frame holds at most 750 empty TLVs; real agents send about 10-30. */
const MAX_TLVS = 128;

function macText(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** An IANA address family number and address (RFC 3232 "Address Family Numbers") as text. */
function networkAddress(family: number, a: Buffer): string {
  if (family === 1 && a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  if (family === 2 && a.length === 16) return ipv6ToString(a, 0);
  if (family === 6 && a.length === 6) return macText(a);
  return a.toString('hex');
}

/** Printable ASCII stays text (interface names, station names); anything else is shown as hex. */
function idText(b: Buffer): string {
  for (const c of b) if (c < 0x20 || c > 0x7e) return b.toString('hex');
  return b.toString('latin1');
}

/** Chassis/Port ID value by subtype; `macSubtype`/`netSubtype` differ between the two tables. */
function idValue(subtype: number, v: Buffer, macSubtype: number, netSubtype: number): string {
  if (subtype === macSubtype && v.length === 6) return macText(v);
  if (subtype === netSubtype && v.length >= 1) return networkAddress(v[0]!, v.subarray(1));
  return idText(v);
}

/** A Siemens order number (MLFB), e.g. "6GK5 212-2BB00-2AA3", as SCALANCE and S7 descriptions carry it. */
const ORDER_NUMBER = /\b\d[A-Z]{2}\d ?\d{3}-\d[A-Z]{2}\d{2}-\d[A-Z]{2}\d\b/;
/** "FW: V4.02", "Firmware V2.1", "Version 12.2(44)SE" */
const VERSION = /\b(?:FW|Firmware|Version)[:\s]\s*(V?\d[\w.()-]*)/i;

/**
 * The system description (§8.5.6) is free text: kept whole as `description` (OS and vendor rules read
 * it), with a model only where it states an order number and a version where it names one. The text
 * itself is not a model ("Cisco IOS Software, C3560 Software ...").
 */
function describedBy(text: string): Pick<Identity, 'model' | 'firmwareVersion'> & { description: string } {
  const out: Pick<Identity, 'model' | 'firmwareVersion'> & { description: string } = { description: text.split(/\r?\n|\\n/)[0]!.trim() };
  const model = ORDER_NUMBER.exec(text);
  if (model) out.model = model[0];
  const version = VERSION.exec(text);
  if (version) out.firmwareVersion = version[1]!;
  return out;
}

export interface LldpManagementAddress {
  family: number;
  address: string;
  interfaceSubtype: number;
  interfaceNumber: number;
}

export const lldp: DatagramDissector = {
  id: 'lldp',
  kind: 'datagram',
  bindings: [{ table: 'ethertype', value: 0x88cc }],
  anomalies: ['lldp.truncated', 'lldp.tlv_overrun', 'lldp.missing_mandatory', 'lldp.missing_end', 'lldp.duplicate_tlv', 'lldp.bad_tlv_length', 'lldp.too_many_tlvs'],
  decode(payload, _dir, _state, out) {
    const r = new Reader(payload);
    const anomalies: AnomalyId[] = [];
    const raise = (id: AnomalyId) => { if (!anomalies.includes(id)) { anomalies.push(id); out.anomaly(id); } };
    const pdu: AppPdu = { proto: 'lldp', kind: 'advertisement', role: 'notify', op: 'discovery' };
    const seen = new Set<number>();
    const mgmt: LldpManagementAddress[] = [];
    let index = 0, ended = false, orgSpecific = 0;
    // §8.4: a TLV header is 7 bits of type and 9 bits of length.
    while (r.left > 0) {
      if (index >= MAX_TLVS) { raise('lldp.too_many_tlvs'); break; }
      const head = r.u16();
      const type = head >>> 9, len = head & 0x1ff;
      if (len > r.left) { raise('lldp.tlv_overrun'); break; }
      const v = r.sub(len);
      // §8.2: the first three TLVs are Chassis ID, Port ID and TTL, in that order.
      if (index < 3 && type !== index + 1) raise('lldp.missing_mandatory');
      index++;
      if (type === 0) { ended = true; break; } // the rest is Ethernet padding
      if (type >= 1 && type <= 7) {
        if (seen.has(type)) { raise('lldp.duplicate_tlv'); continue; }
        seen.add(type);
      }
      switch (type) {
        case 1: case 2: {
          if (len < 2 || len > 256) { raise('lldp.bad_tlv_length'); break; }
          const subtype = v.u8();
          const value = v.rest();
          if (type === 1) {
            pdu.chassisIdSubtype = subtype;
            pdu.chassisIdSubtypeName = chassisSubtypeNames[subtype] ?? 'reserved';
            pdu.chassisId = idValue(subtype, value, 4, 5);
          } else {
            pdu.portIdSubtype = subtype;
            pdu.portIdSubtypeName = portSubtypeNames[subtype] ?? 'reserved';
            pdu.portId = idValue(subtype, value, 3, 4);
          }
          break;
        }
        case 3:
          if (len < 2) { raise('lldp.bad_tlv_length'); break; }
          pdu.ttl = v.u16(); // 0 means "forget this neighbour" (§9.2.5.17)
          break;
        case 4: pdu.portDescription = v.text(len); break;
        case 5: pdu.systemName = v.text(len); break;
        case 6: pdu.systemDescription = v.text(len); break;
        case 7: {
          if (len !== 4) { raise('lldp.bad_tlv_length'); break; }
          const system = v.u16(), enabled = v.u16();
          pdu.capabilities = { system, enabled, names: capabilityNames.filter((_, i) => system & (1 << i)), enabledNames: capabilityNames.filter((_, i) => enabled & (1 << i)) };
          break;
        }
        case 8: {
          // §8.5.9: address string length (subtype + address, 2..32), subtype, address, interface
          // numbering subtype, interface number, OID string length, OID.
          if (len < 9 || len > 167) { raise('lldp.bad_tlv_length'); break; }
          const alen = v.u8();
          if (alen < 2 || alen > 32 || alen + 6 > len) { raise('lldp.bad_tlv_length'); break; }
          const family = v.u8();
          const address = networkAddress(family, v.bytes(alen - 1));
          mgmt.push({ family, address, interfaceSubtype: v.u8(), interfaceNumber: v.u32() });
          break;
        }
        case 127: orgSpecific++; break;
        default: break; // reserved types 9-126: skipped by length, as §9.2.7.7.5 asks of receivers
      }
    }
    if (!seen.has(1) || !seen.has(2) || !seen.has(3)) raise('lldp.missing_mandatory');
    if (!ended && !anomalies.includes('lldp.tlv_overrun') && !anomalies.includes('lldp.too_many_tlvs')) raise('lldp.missing_end');
    // Without both ids there is no neighbour to speak of: anomalies only.
    if (pdu.chassisId === undefined || pdu.portId === undefined) return;
    if (mgmt.length) {
      pdu.managementAddresses = mgmt;
      pdu.managementAddress = (mgmt.find((m) => m.family === 1) ?? mgmt[0]!).address;
    }
    if (orgSpecific) pdu.orgSpecificTlvs = orgSpecific;
    const identity: Identity & { description?: string } = {};
    if (pdu.systemName) identity.name = pdu.systemName as string;
    if (pdu.systemDescription) Object.assign(identity, describedBy(pdu.systemDescription as string));
    const caps = pdu.capabilities as { enabledNames: string[]; names: string[] } | undefined;
    if (caps) {
      const names = caps.enabledNames.length ? caps.enabledNames : caps.names;
      if (names.length) identity.deviceType = names.join(', ');
    }
    if (Object.keys(identity).length) pdu.identity = identity;
    if (anomalies.length) pdu.anomalies = anomalies;
    out.pdu(pdu);
  },
};

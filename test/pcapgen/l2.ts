// Writes the link-layer captures in pcaps/pndcp/, pcaps/lldp/, pcaps/goose/ and pcaps/cdp/ (run: npx
// tsx test/pcapgen/l2.ts). Deterministic: fixed times, no randomness. MACs are locally administered
// (02:...) except the well-known multicast destinations. Payloads are built field by field from
// IEC 61158-6-10 §4.3 (DCP), IEEE 802.1AB-2016 §8 (LLDP), IEC 61850-8-1 Annex A/C (GOOSE) and, for
// CDP, IEEE 802.2 LLC/SNAP (RFC 1042) with the Cisco OUI and the CDP header and TLVs (cdp.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ethernet, ipv4Addr, ipv6Addr, mac, type VlanTag } from '../support/frames.js';
import { writePcap, type Packet } from '../support/pcap-writer.js';

const ROOT = fileURLToPath(new URL('../../pcaps/', import.meta.url));
const S = 1_000_000_000n;
const MS = 1_000_000n;
const T0 = 1_704_240_000n * S; // 2024-01-03T00:00:00Z

export const DCP_MULTICAST = '01:0e:cf:00:00:00';
export const LLDP_MULTICAST = '01:80:c2:00:00:0e';
export const GOOSE_MULTICAST = '01:0c:cd:01:00:10';
/** PROFINET frames go with 802.1Q priority 6 (IEC 61158-6-10 §4.2.1); VLAN id 0 is priority-only. */
const PN_TAG: VlanTag[] = [{ vid: 0, pcp: 6 }];
const GOOSE_TAG: VlanTag[] = [{ vid: 0, pcp: 4 }];

export const CONTROLLER = '02:00:00:8e:00:01';
export const DEVICE1 = '02:00:00:8e:00:21';
export const DEVICE2 = '02:00:00:8e:00:22';
export const SWITCH1 = '02:00:00:11:d0:01';
export const SWITCH2 = '02:00:00:11:d0:02';
export const IED1 = '02:00:00:61:85:01';

// ---------------------------------------------------------------- PROFINET DCP

export function dcpBlock(option: number, suboption: number, data: Buffer): Buffer {
  const h = Buffer.from([option, suboption, data.length >> 8, data.length & 255]);
  return Buffer.concat([h, data, Buffer.alloc(data.length & 1)]);
}

/** BlockInfo/BlockQualifier word followed by the value. */
const info = (word: number, v: Buffer) => Buffer.concat([Buffer.from([word >> 8, word & 255]), v]);

export function dcp(frameId: number, service: number, type: number, xid: number, blocks: Buffer[], delay = 0): Buffer {
  const body = Buffer.concat(blocks);
  const h = Buffer.alloc(12);
  h.writeUInt16BE(frameId, 0);
  h[2] = service;
  h[3] = type;
  h.writeUInt32BE(xid, 4);
  h.writeUInt16BE(delay, 8);
  h.writeUInt16BE(body.length, 10);
  return Buffer.concat([h, body]);
}

const ipParam = (ip: string, mask: string, gw: string) => Buffer.concat([ipv4Addr(ip), ipv4Addr(mask), ipv4Addr(gw)]);
const u16s = (...xs: number[]) => Buffer.from(xs.flatMap((x) => [x >> 8, x & 255]));

export interface DcpDevice { mac: string; name: string; vendorValue: string; vendorId: number; deviceId: number; ip: string; mask: string; gw: string; ipInfo: number }

export const DCP_DEVICES: DcpDevice[] = [
  { mac: DEVICE1, name: 'io-dev-1', vendorValue: 'ET 200SP', vendorId: 0x002a, deviceId: 0x0313, ip: '192.168.0.21', mask: '255.255.255.0', gw: '192.168.0.1', ipInfo: 1 },
  { mac: DEVICE2, name: 'io-dev-2', vendorValue: 'AXL F BK PN', vendorId: 0x00b0, deviceId: 0x0142, ip: '0.0.0.0', mask: '0.0.0.0', gw: '0.0.0.0', ipInfo: 0 },
];
export const SET_IP = { ip: '192.168.0.22', mask: '255.255.255.0', gw: '192.168.0.1' };

function identifyResponse(d: DcpDevice, xid: number): Buffer {
  return dcp(0xfeff, 5, 1, xid, [
    dcpBlock(2, 5, info(0, Buffer.from([1, 1, 1, 2, 2, 1, 2, 2, 2, 3, 2, 4, 5, 3, 5, 4]))),
    dcpBlock(2, 1, info(0, Buffer.from(d.vendorValue))),
    dcpBlock(2, 2, info(0, Buffer.from(d.name))),
    dcpBlock(2, 3, info(0, u16s(d.vendorId, d.deviceId))),
    dcpBlock(2, 4, info(0, Buffer.from([1, 0]))),
    dcpBlock(1, 2, info(d.ipInfo, ipParam(d.ip, d.mask, d.gw))),
  ]);
}

/** `pad: false` keeps a short frame short (as captured on the sender), so a cut payload stays cut. */
function l2(tsNs: bigint, dst: string, src: string, etherType: number, payload: Buffer, tags?: VlanTag[], pad = true): Packet {
  return { ts: { sec: Number(tsNs / S), nsec: Number(tsNs % S) }, data: ethernet({ dst, src, etherType, payload, tags, pad }) };
}

export function pndcpCaptures(): Record<string, Packet[]> {
  const t = (ms: number) => T0 + BigInt(ms) * MS;
  const identify = [
    l2(t(0), DCP_MULTICAST, CONTROLLER, 0x8892, dcp(0xfefe, 5, 0, 0x1001, [dcpBlock(0xff, 0xff, Buffer.alloc(0))], 0x80), PN_TAG),
    l2(t(12), CONTROLLER, DEVICE1, 0x8892, identifyResponse(DCP_DEVICES[0]!, 0x1001), PN_TAG),
    l2(t(31), CONTROLLER, DEVICE2, 0x8892, identifyResponse(DCP_DEVICES[1]!, 0x1001), PN_TAG),
    // an Identify by name: the name is searched for, nobody answers to it
    l2(t(1000), DCP_MULTICAST, CONTROLLER, 0x8892, dcp(0xfefe, 5, 0, 0x1002, [dcpBlock(2, 2, Buffer.from('io-dev-9'))], 1), PN_TAG),
    // Set IP of device 2, saved permanently (qualifier 1), and the device's confirmation
    l2(t(2000), DEVICE2, CONTROLLER, 0x8892, dcp(0xfefd, 4, 0, 0x1003, [dcpBlock(1, 2, info(1, ipParam(SET_IP.ip, SET_IP.mask, SET_IP.gw)))]), PN_TAG),
    l2(t(2004), CONTROLLER, DEVICE2, 0x8892, dcp(0xfefd, 4, 1, 0x1003, [dcpBlock(5, 4, Buffer.from([1, 2, 0]))]), PN_TAG),
    // flash device 1's LED (Control/Signal, value 0x0100) and its confirmation
    l2(t(3000), DEVICE1, CONTROLLER, 0x8892, dcp(0xfefd, 4, 0, 0x1004, [dcpBlock(5, 3, info(0, u16s(0x0100)))]), PN_TAG),
    l2(t(3003), CONTROLLER, DEVICE1, 0x8892, dcp(0xfefd, 4, 1, 0x1004, [dcpBlock(5, 4, Buffer.from([5, 3, 0]))]), PN_TAG),
    // cyclic RT class 1 data from device 1 (frame id 0xc001): recognised, not decoded
    ...[0, 1, 2].map((i) => l2(t(4000 + i * 2), CONTROLLER, DEVICE1, 0x8892, Buffer.concat([u16s(0xc001), Buffer.alloc(40, 0x80), u16s(i * 64), Buffer.from([0x35, 0x00])]), PN_TAG)),
  ];
  const full = identifyResponse(DCP_DEVICES[0]!, 0x2001);
  const overrun = Buffer.from(dcp(0xfefd, 4, 0, 0x2003, [dcpBlock(1, 2, info(1, ipParam('10.0.0.1', '255.0.0.0', '0.0.0.0')))]));
  overrun.writeUInt16BE(0x40, 14); // block length 64 inside 18 bytes of data
  const longData = Buffer.from(dcp(0xfeff, 5, 1, 0x2004, [dcpBlock(2, 2, info(0, Buffer.from('x')))]));
  longData.writeUInt16BE(0x200, 10);
  const garbage = [
    l2(t(0), CONTROLLER, DEVICE1, 0x8892, full.subarray(0, 10), PN_TAG, false), // cut inside the DCP header
    l2(t(10), CONTROLLER, DEVICE1, 0x8892, dcp(0xfefd, 0x42, 0, 0x2002, []), PN_TAG), // undefined service
    l2(t(20), DEVICE2, CONTROLLER, 0x8892, overrun, PN_TAG),
    l2(t(30), CONTROLLER, DEVICE1, 0x8892, longData, PN_TAG), // DCPDataLength far past the frame
    l2(t(40), DCP_MULTICAST, CONTROLLER, 0x8892, dcp(0xfefd, 5, 0, 0x2005, [dcpBlock(0xff, 0xff, Buffer.alloc(0))]), PN_TAG), // Identify on the Get/Set frame id
  ];
  return { 'identify-and-set-ip.pcap': identify, 'malformed.pcap': garbage };
}

// ---------------------------------------------------------------- LLDP

export function tlv(type: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const h = Buffer.alloc(2);
  h.writeUInt16BE((type << 9) | v.length);
  return Buffer.concat([h, v]);
}

export interface LldpSwitch { mac: string; chassis: string; name: string; description: string; ports: string[]; mgmt?: string; caps: number }

export const LLDP_SWITCHES: LldpSwitch[] = [
  { mac: SWITCH1, chassis: 'cell-sw-1', name: 'cell-sw-1', description: 'Managed IE switch 8TX, FW V2.1', ports: ['port-001', 'port-002'], mgmt: '192.168.0.2', caps: 0x0004 },
  { mac: SWITCH2, chassis: '', name: 'core-sw', description: 'Core switch, L3, FW 15.2', ports: ['Gi1/0/24'], caps: 0x0014 },
];

function lldpdu(sw: LldpSwitch, port: string, ttl: number): Buffer {
  const chassis = sw.chassis ? tlv(1, Buffer.concat([Buffer.from([7]), Buffer.from(sw.chassis)])) : tlv(1, Buffer.concat([Buffer.from([4]), mac(sw.mac)]));
  const tlvs = [
    chassis,
    tlv(2, Buffer.concat([Buffer.from([sw.chassis ? 7 : 5]), Buffer.from(port)])),
    tlv(3, u16s(ttl)),
    tlv(4, `${sw.name} ${port}`),
    tlv(5, sw.name),
    tlv(6, sw.description),
    tlv(7, u16s(sw.caps, sw.caps & 0x0004)),
  ];
  if (sw.mgmt) tlvs.push(tlv(8, Buffer.concat([Buffer.from([5, 1]), ipv4Addr(sw.mgmt), Buffer.from([2, 0, 0, 0, 1, 0])])));
  tlvs.push(tlv(127, Buffer.from([0x00, 0x80, 0xc2, 0x01, 0x00, 0x01]))); // 802.1 port VLAN id 1: skipped
  tlvs.push(tlv(0, Buffer.alloc(0)));
  return Buffer.concat(tlvs);
}

export function lldpCaptures(): Record<string, Packet[]> {
  const t = (s: number) => T0 + BigInt(s) * S;
  const frames: Packet[] = [];
  for (let round = 0; round < 3; round++) {
    LLDP_SWITCHES.forEach((sw, i) => sw.ports.forEach((p, j) => frames.push(l2(t(round * 30 + i * 2 + j), LLDP_MULTICAST, sw.mac, 0x88cc, lldpdu(sw, p, 120)))));
  }
  // switch 2 shuts its agent down: TTL 0 (§9.2.7.7.4)
  frames.push(l2(t(95), LLDP_MULTICAST, SWITCH2, 0x88cc, lldpdu(LLDP_SWITCHES[1]!, 'Gi1/0/24', 0)));
  const good = lldpdu(LLDP_SWITCHES[0]!, 'port-001', 120);
  const overrun = Buffer.concat([good.subarray(0, 24), tlv(6, 'x'.repeat(40)).subarray(0, 12)]);
  const swapped = Buffer.concat([tlv(2, Buffer.from([5, 0x61])), tlv(1, Buffer.from([4, 2, 0, 0, 0, 0, 9])), tlv(3, u16s(120)), tlv(0, Buffer.alloc(0))]);
  const garbage = [
    l2(t(0), LLDP_MULTICAST, SWITCH1, 0x88cc, Buffer.from([0x02]), undefined, false), // one byte: not even a TLV header
    l2(t(1), LLDP_MULTICAST, SWITCH1, 0x88cc, overrun, undefined, false),
    l2(t(2), LLDP_MULTICAST, SWITCH1, 0x88cc, swapped),
    l2(t(3), LLDP_MULTICAST, SWITCH1, 0x88cc, Buffer.concat([tlv(3, u16s(120)), tlv(0, Buffer.alloc(0))])), // TTL only
    l2(t(4), LLDP_MULTICAST, SWITCH1, 0x88cc, Buffer.from('GET / HTTP/1.1\r\nHost: lldp\r\n\r\n')),
  ];
  return { 'neighbours.pcap': frames, 'malformed.pcap': garbage };
}

// ---------------------------------------------------------------- GOOSE

export function ber(tag: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  const len = v.length < 0x80 ? Buffer.from([v.length]) : v.length < 0x100 ? Buffer.from([0x81, v.length]) : Buffer.from([0x82, v.length >> 8, v.length & 255]);
  return Buffer.concat([Buffer.from([tag]), len, v]);
}

export function berUint(n: number): Buffer {
  const bytes: number[] = [];
  do { bytes.unshift(n & 0xff); n = Math.floor(n / 256); } while (n > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return Buffer.from(bytes);
}

export const GOOSE_PUB = { appid: 0x0101, gocbRef: 'IED1_PROT/LLN0$GO$gcbTrip', datSet: 'IED1_PROT/LLN0$dsTrip', goID: 'IED1_Trip', confRev: 3 };

/** IEC 61850-8-1 Annex A goosePdu with two BOOLEAN entries (trip, breaker closed). */
export function goosePayload(stNum: number, sqNum: number, tMs: number, trip: boolean, ttlMs: number): Buffer {
  const sec = Math.floor(tMs / 1000);
  const frac = Math.floor(((tMs % 1000) * 0x1000000) / 1000);
  const t = Buffer.alloc(8);
  t.writeUInt32BE(sec, 0);
  t.writeUIntBE(frac, 4, 3);
  t[7] = 0x0a; // time quality: 10 bits of accuracy
  const apdu = ber(0x61, Buffer.concat([
    ber(0x80, GOOSE_PUB.gocbRef), ber(0x81, berUint(ttlMs)), ber(0x82, GOOSE_PUB.datSet), ber(0x83, GOOSE_PUB.goID),
    ber(0x84, t), ber(0x85, berUint(stNum)), ber(0x86, berUint(sqNum)), ber(0x87, Buffer.from([0])),
    ber(0x88, berUint(GOOSE_PUB.confRev)), ber(0x89, Buffer.from([0])), ber(0x8a, berUint(2)),
    ber(0xab, Buffer.concat([ber(0x83, Buffer.from([trip ? 1 : 0])), ber(0x83, Buffer.from([trip ? 0 : 1]))])),
  ]));
  const h = Buffer.alloc(8);
  h.writeUInt16BE(GOOSE_PUB.appid, 0);
  h.writeUInt16BE(8 + apdu.length, 2);
  return Buffer.concat([h, apdu]);
}

/** The stNum/sqNum/trip sequence in goose/publisher-stnum.pcap (exported for the tests). */
export const GOOSE_SEQUENCE: Array<{ ms: number; stNum: number; sqNum: number; trip: boolean }> = [];

export function gooseCaptures(): Record<string, Packet[]> {
  GOOSE_SEQUENCE.length = 0;
  const base = Number(T0 / MS);
  // Heartbeats every second at stNum 1; a trip at 2.5 s sends stNum 2 with a fast retransmission
  // burst (2, 4, 8, 16 ms ...), the reset at 4.2 s does the same with stNum 3.
  let stNum = 1, sqNum = 0, trip = false;
  const events: Array<{ ms: number; change?: boolean }> = [];
  for (let s = 0; s <= 2; s++) events.push({ ms: s * 1000 });
  for (const at of [2500, 4200]) {
    events.push({ ms: at, change: true });
    for (const d of [2, 6, 14, 30, 62]) events.push({ ms: at + d });
  }
  events.push({ ms: 5200 }, { ms: 6200 });
  events.sort((a, b) => a.ms - b.ms);
  const frames: Packet[] = [];
  for (const e of events) {
    if (e.change) { stNum++; sqNum = 0; trip = !trip; } else if (frames.length) sqNum++;
    GOOSE_SEQUENCE.push({ ms: e.ms, stNum, sqNum, trip });
    frames.push(l2(T0 + BigInt(e.ms) * MS, GOOSE_MULTICAST, IED1, 0x88b8, goosePayload(stNum, sqNum, base + e.ms, trip, e.change ? 20 : 2000), GOOSE_TAG));
  }
  const good = goosePayload(9, 0, base, false, 2000);
  const shortLen = Buffer.from(good); shortLen.writeUInt16BE(6, 2);
  const longLen = Buffer.from(good); longLen.writeUInt16BE(good.length + 100, 2);
  const badTag = Buffer.from(good); badTag[8] = 0x30;
  const indefinite = Buffer.concat([good.subarray(0, 8), Buffer.from([0x61, 0x80, 0x80, 0x02, 0x41, 0x42, 0x00, 0x00])]);
  indefinite.writeUInt16BE(indefinite.length, 2);
  const garbage = [
    l2(T0, GOOSE_MULTICAST, IED1, 0x88b8, good.subarray(0, 6), GOOSE_TAG, false), // cut inside the header
    l2(T0 + MS, GOOSE_MULTICAST, IED1, 0x88b8, shortLen, GOOSE_TAG),
    l2(T0 + 2n * MS, GOOSE_MULTICAST, IED1, 0x88b8, longLen, GOOSE_TAG),
    l2(T0 + 3n * MS, GOOSE_MULTICAST, IED1, 0x88b8, badTag, GOOSE_TAG),
    l2(T0 + 4n * MS, GOOSE_MULTICAST, IED1, 0x88b8, indefinite, GOOSE_TAG),
  ];
  return { 'publisher-stnum.pcap': frames, 'malformed.pcap': garbage };
}

// ---------------------------------------------------------------- CDP

export const CDP_MULTICAST = '01:00:0c:cc:cc:cc';
export const STP_MULTICAST = '01:80:c2:00:00:00';
/** IEEE 802.2 UI frame to SNAP (DSAP = SSAP = 0xAA, control 3), Cisco OUI 00-00-0C, protocol id 0x2000. */
const CDP_SNAP = Buffer.from([0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x00]);

/** A CDP TLV: type, length counting the 4-byte header, value. */
export function cdpTlv(type: number, value: Buffer | string): Buffer {
  const v = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  return Buffer.concat([u16s(type, 4 + v.length), v]);
}

/**
 * The checksum a Cisco device sends: the RFC 1071 sum, except that an odd last octet is the low half
 * of a final word, less one when its top bit is set (it is added as a signed char).
 */
export function cdpChecksum(pdu: Buffer): number {
  let sum = 0;
  const even = pdu.length - (pdu.length % 2);
  for (let i = 0; i < even; i += 2) sum += pdu.readUInt16BE(i);
  if (pdu.length % 2) {
    const last = pdu[even]!;
    sum += last >= 0x80 ? 0xff00 + last - 1 : last;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** Version, TTL, checksum, TLVs. */
export function cdpPdu(tlvs: Buffer[], ttl = 180, version = 2): Buffer {
  const pdu = Buffer.concat([Buffer.from([version, ttl, 0, 0]), ...tlvs]);
  pdu.writeUInt16BE(cdpChecksum(pdu), 2);
  return pdu;
}

/** An Addresses / Management Address value: count, then NLPID 0xCC (IPv4) or 802.2 SNAP 0x86DD (IPv6) entries. */
export function cdpAddresses(addrs: string[]): Buffer {
  const entries = addrs.map((a) => a.includes(':')
    ? Buffer.concat([Buffer.from([2, 8, 0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd]), u16s(16), ipv6Addr(a)])
    : Buffer.concat([Buffer.from([1, 1, 0xcc]), u16s(4), ipv4Addr(a)]));
  const count = Buffer.alloc(4);
  count.writeUInt32BE(addrs.length);
  return Buffer.concat([count, ...entries]);
}

const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };

export interface CdpNeighbour {
  mac: string; deviceId: string; port: string; platform: string; software: string; caps: number;
  addresses: string[]; nativeVlan?: number; vtpDomain?: string; systemName?: string; voiceVlan?: number; powerMw?: number;
}

export const CDP_NEIGHBOURS: CdpNeighbour[] = [
  { mac: '02:00:00:0c:00:01', deviceId: 'plant-sw-1.example.net', port: 'GigabitEthernet1/1', platform: 'cisco IE-3000-8TC',
    software: 'Cisco IOS Software, IE3000 Software (IE3000-UNIVERSALK9-M), Version 15.0(2)EY, RELEASE SOFTWARE (fc1)\nCompiled Mon 01-Jan-24 00:00',
    caps: 0x28, addresses: ['192.168.0.3', 'fd00::3'], nativeVlan: 10, vtpDomain: 'PLANT', systemName: 'plant-sw-1' },
  { mac: '02:00:00:0c:00:02', deviceId: 'edge-rtr', port: 'GigabitEthernet0/0/1', platform: 'cisco ISR4331/K9',
    software: 'Cisco IOS XE Software, Version 16.09.04\nCisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.4, RELEASE SOFTWARE (fc2)',
    caps: 0x29, addresses: ['192.168.0.1'] },
  { mac: '02:00:00:0c:00:a1', deviceId: 'SEP0200000C00A1', port: 'Port 1', platform: 'Cisco IP Phone 7945',
    software: 'SCCP45.9-4-2SR3S', caps: 0x90, addresses: ['192.168.20.41'], voiceVlan: 20, powerMw: 6300 },
];

function neighbourPdu(n: CdpNeighbour): Buffer {
  const tlvs = [
    cdpTlv(0x0001, n.deviceId),
    cdpTlv(0x0005, n.software),
    cdpTlv(0x0006, n.platform),
    cdpTlv(0x0002, cdpAddresses(n.addresses)),
    cdpTlv(0x0003, n.port),
    cdpTlv(0x0004, u32(n.caps)),
    cdpTlv(0x0008, Buffer.concat([Buffer.from([0x00, 0x00, 0x0c, 0x01, 0x12]), Buffer.alloc(8)])), // protocol hello: skipped
  ];
  if (n.vtpDomain !== undefined) tlvs.push(cdpTlv(0x0009, n.vtpDomain));
  if (n.nativeVlan !== undefined) tlvs.push(cdpTlv(0x000a, u16s(n.nativeVlan)));
  tlvs.push(cdpTlv(0x000b, Buffer.from([1])));
  if (n.voiceVlan !== undefined) tlvs.push(cdpTlv(0x000e, Buffer.concat([Buffer.from([1]), u16s(n.voiceVlan)])));
  if (n.powerMw !== undefined) tlvs.push(cdpTlv(0x0010, u16s(n.powerMw)));
  if (n.systemName !== undefined) tlvs.push(cdpTlv(0x0014, n.systemName));
  tlvs.push(cdpTlv(0x0016, cdpAddresses(n.addresses.slice(0, 1))));
  if (n.caps & 0x08) tlvs.push(cdpTlv(0x001a, Buffer.concat([u16s(0, 1), u32(0), u32(0xffffffff)])));
  return cdpPdu(tlvs);
}

/** A CDPv1 hub: 29 bytes, odd, ending in 0xdc (MTU 1500), padded to the 60-byte minimum on the wire. */
export const CDP_HUB = { mac: '02:00:00:0c:00:07', deviceId: 'hub-7' };
function hubPdu(): Buffer {
  return cdpPdu([cdpTlv(0x0001, CDP_HUB.deviceId), cdpTlv(0x0004, u32(0x40)), cdpTlv(0x0011, u32(1500))], 180, 1);
}

/** An 802.3 frame: the length field counts the LLC header and the PDU; padding follows (IEEE 802.3 §3.2.6-7). */
function llcFrame(tsNs: bigint, dst: string, src: string, llcPayload: Buffer, length = llcPayload.length, pad = true): Packet {
  return l2(tsNs, dst, src, length, llcPayload, undefined, pad);
}

/** IEEE 802.1D configuration BPDU (DSAP = SSAP = 0x42): not decoded, and no anomaly either. */
function stpBpdu(bridgeMac: string): Buffer {
  const bridge = Buffer.concat([u16s(0x8000), mac(bridgeMac)]);
  return Buffer.concat([Buffer.from([0x42, 0x42, 0x03, 0, 0, 0, 0, 0]), bridge, u32(0), bridge, u16s(0x8001, 0, 20 * 256, 2 * 256, 15 * 256)]);
}

export function cdpCaptures(): Record<string, Packet[]> {
  const t = (s: number) => T0 + BigInt(s) * S;
  const frames: Packet[] = [];
  for (let round = 0; round < 3; round++) {
    CDP_NEIGHBOURS.forEach((n, i) => frames.push(llcFrame(t(round * 60 + i), CDP_MULTICAST, n.mac, Buffer.concat([CDP_SNAP, neighbourPdu(n)]))));
    frames.push(llcFrame(t(round * 60 + 5), CDP_MULTICAST, CDP_HUB.mac, Buffer.concat([CDP_SNAP, hubPdu()])));
    frames.push(llcFrame(t(round * 60 + 6), STP_MULTICAST, CDP_NEIGHBOURS[0]!.mac, stpBpdu(CDP_NEIGHBOURS[0]!.mac)));
  }
  const sw = CDP_NEIGHBOURS[0]!;
  const good = neighbourPdu(sw);
  const badSum = Buffer.from(good);
  badSum.writeUInt16BE(badSum.readUInt16BE(2) ^ 0x0101, 2);
  const id = cdpTlv(0x0001, 'bad-sw');
  const overrun = Buffer.from(cdpPdu([id, cdpTlv(0x0006, 'cisco WS-C2960-24TT-L')]));
  overrun.writeUInt16BE(200, 4 + id.length + 2); // platform TLV claims 200 bytes
  const malformed = [
    cdpPdu([id, cdpTlv(0x0004, Buffer.from([0, 0x28]))]), // capabilities in 2 bytes, not 4
    cdpPdu([id, Buffer.from([0x00, 0x06, 0x00, 0x02])]), // a TLV length below its own header
    cdpPdu([cdpTlv(0x0006, 'cisco WS-C2960-24TT-L'), cdpTlv(0x0003, 'Fa0/1')]), // no device id
    cdpPdu([id, ...Array.from({ length: 70 }, () => cdpTlv(0x7fff, Buffer.alloc(0)))]), // too many TLVs
    cdpPdu([id, cdpTlv(0x0002, Buffer.from([0, 0, 0, 2, 1, 1, 0xcc, 0, 4, 10, 0, 0, 1]))]), // two addresses announced, one there
  ];
  const src = '02:00:00:0c:00:66';
  const garbage = [
    llcFrame(t(0), CDP_MULTICAST, src, Buffer.concat([CDP_SNAP, badSum])),
    llcFrame(t(1), CDP_MULTICAST, src, Buffer.concat([CDP_SNAP, good.subarray(0, 60)]), 8 + good.length, false), // 802.3 length past the frame
    llcFrame(t(2), CDP_MULTICAST, src, CDP_SNAP.subarray(0, 5)), // SNAP header cut inside the OUI
    llcFrame(t(3), CDP_MULTICAST, src, Buffer.concat([CDP_SNAP, Buffer.from([2, 180])])), // CDP header cut
    llcFrame(t(4), CDP_MULTICAST, src, Buffer.concat([CDP_SNAP, overrun])),
    ...malformed.map((p, i) => llcFrame(t(5 + i), CDP_MULTICAST, src, Buffer.concat([CDP_SNAP, p]))),
    llcFrame(t(11), CDP_MULTICAST, src, Buffer.concat([CDP_SNAP, Buffer.from('GET / HTTP/1.1\r\nHost: cdp\r\n\r\n')])), // version 'G'
  ];
  return { 'neighbours.pcap': frames, 'malformed.pcap': garbage };
}

function main(): void {
  for (const [dir, caps] of [['pndcp', pndcpCaptures()], ['lldp', lldpCaptures()], ['goose', gooseCaptures()], ['cdp', cdpCaptures()]] as const) {
    mkdirSync(`${ROOT}${dir}`, { recursive: true });
    for (const [name, packets] of Object.entries(caps)) {
      writeFileSync(`${ROOT}${dir}/${name}`, writePcap(packets).bytes);
      console.log(`pcaps/${dir}/${name}: ${packets.length} packets`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

// The inventory a sensor should build from a public capture, derived from its tshark truth file
// (../shared/pcaps/<dir>/<file>.truth.json), and a runner that builds ours through the real pipeline.
// The definitions below are the yardstick of test/inventory-truth.test.ts; each says why it is so.
import { materialize, type Inventory } from '../../src/analyzers/inventory/devices.js';
import { InventoryObserver } from '../../src/analyzers/inventory/observer.js';
import { defaultRegistry } from '../../src/analyzers/inventory/oui.js';
import { Ingest } from '../../src/ingest.js';
import { createSensor } from '../../src/pipeline.js';
import type { Truth } from './shared.js';

/** Our inventory of one capture, as the inventory service would materialize it after a replay. */
export async function inventoryOf(path: string): Promise<Inventory> {
  const obs = new InventoryObserver();
  await new Ingest(createSensor([obs]), { files: [path] }).run();
  return materialize(obs, { ids: new Map(), vendorOfMac: (m) => defaultRegistry().vendorOf(m) });
}

// ---- the truth file's shapes (only the keys read here) ----
export interface EthEndpoint { mac: string; oui_vendor: string | null; tx_packets: number; rx_packets: number; ips: string[] }
export interface Conversation { proto: string; src: string; sport: number; dst: string; dport: number; packets_src_to_dst: number; packets_dst_to_src: number }
export interface IpPair { a: string; b: string; protos: string[] }
export interface FullTruth extends Truth {
  link_type: string;
  protocols: string[];
  ethernet_endpoints: EthEndpoint[];
  ip_pairs: IpPair[];
  ip_pair_count: number;
  conversations: Conversation[];
  ot?: Record<string, Record<string, unknown> | undefined>;
  it?: Record<string, Record<string, unknown> | undefined>;
}

/** A section of truth.ot / truth.it, typed by the caller. */
export function section<T>(t: FullTruth, top: 'ot' | 'it', name: string): Partial<T> {
  return (t[top]?.[name] ?? {}) as Partial<T>;
}

// ---- addresses (RFC facts, written out here so the yardstick does not reuse the code it measures) ----
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export const isV4 = (ip: string) => V4.test(ip);
export const macIsUnicast = (mac: string) => (parseInt(mac.slice(0, 2), 16) & 1) === 0;

/** 0.0.0.0, 255.255.255.255, multicast (224/4, ff00::/8), class E and :: never name a device. */
export function neverDevice(ip: string): boolean {
  const m = V4.exec(ip);
  if (m) return ip === '0.0.0.0' || Number(m[1]) >= 224;
  return ip === '::' || ip.toLowerCase().startsWith('ff');
}

/** RFC 1918, RFC 6598, link-local, loopback; IPv6 ULA, link-local, loopback: the plant's own ranges. */
export function localRange(ip: string): boolean {
  const m = V4.exec(ip);
  if (!m) return /^f[cd]/i.test(ip) || /^fe[89ab]/i.test(ip) || ip === '::1';
  const a = Number(m[1]), b = Number(m[2]);
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254);
}

/**
 * The expected devices (written for the inventory-truth test, and mirrored in its header comment):
 * - every unicast MAC tshark saw transmitting (`ethernet_endpoints`, tx_packets > 0) is a device
 *   (group-bit source MACs such as the crafted 01:02:03:04:05:06 are not addresses of anything);
 * - its expected IPs are the ones tshark saw it send from (`ips`: IP sources and ARP senders),
 *   minus 0.0.0.0/:: and the like;
 * - a router: a MAC sending for 3 or more IPv4 addresses it does not claim by ARP (the rule of spec
 *   §1.4 the inventory implements; IPv6 is left out because link-local and EUI-64 addresses are always
 *   the sender's own and no capture routes IPv6). Its ARP-claimed IPs stay on it; each other IP in a
 *   private/lab range is a device of its own without MAC; public ones are the Internet, not devices;
 * - an IP listed on two MACs (ARP spoofing: c37118 has a Dell MAC claiming the PMU's IP by ARP)
 *   belongs to the MAC that sent IP packets from it, i.e. the one whose claim is not ARP-only;
 * - captures without Ethernet (Linux SLL, NULL/loopback) have no MACs in the truth: every IP that
 *   sent a packet in `conversations` is a device of its own, matched by IP.
 */
export interface TruthDevice {
  key: string;
  mac: string | null;
  ips: string[];
  ouiVendor: string | null;
}

export interface ExpectedInventory {
  devices: TruthDevice[];
  /** IP -> key of the truth device it belongs to */
  ipOwner: Map<string, string>;
  /** IPs a MAC claimed that belong to another device (ARP spoofing), by MAC */
  spoofed: Map<string, string[]>;
}

export function expectedInventory(t: FullTruth): ExpectedInventory {
  const arp = new Set(section<{ sender_mac_ip: Array<{ mac: string; ip: string }> }>(t, 'it', 'arp').sender_mac_ip?.map((x) => `${x.mac} ${x.ip}`) ?? []);
  const senders = t.ethernet_endpoints.filter((e) => e.tx_packets > 0 && macIsUnicast(e.mac));
  const router = new Set(senders.filter((e) => e.ips.filter((ip) => isV4(ip) && !neverDevice(ip) && !arp.has(`${e.mac} ${ip}`)).length >= 3).map((e) => e.mac));

  // who owns each IP: a non-router MAC, or a router MAC that ARP-claims it; not-ARP-only claims first
  const claims = new Map<string, string[]>();
  for (const e of senders) {
    for (const ip of e.ips) {
      if (neverDevice(ip) || (router.has(e.mac) && !arp.has(`${e.mac} ${ip}`))) continue;
      claims.set(ip, [...(claims.get(ip) ?? []), e.mac]);
    }
  }
  const ipOwner = new Map<string, string>();
  const spoofed = new Map<string, string[]>();
  for (const [ip, macs] of claims) {
    const owner = macs.find((m) => !arp.has(`${m} ${ip}`)) ?? macs[0]!;
    ipOwner.set(ip, `mac:${owner}`);
    for (const m of macs) if (m !== owner) spoofed.set(m, [...(spoofed.get(m) ?? []), ip]);
  }
  const devices: TruthDevice[] = senders.map((e) => ({
    key: `mac:${e.mac}`, mac: e.mac, ouiVendor: e.oui_vendor,
    ips: e.ips.filter((ip) => ipOwner.get(ip) === `mac:${e.mac}`),
  }));
  const ipOnly = (ip: string) => {
    if (ipOwner.has(ip) || neverDevice(ip)) return;
    ipOwner.set(ip, `ip:${ip}`);
    devices.push({ key: `ip:${ip}`, mac: null, ips: [ip], ouiVendor: null });
  };
  for (const e of senders) if (router.has(e.mac)) for (const ip of e.ips) if (localRange(ip)) ipOnly(ip);
  if (t.ethernet_endpoints.length === 0) {
    for (const c of t.conversations) {
      if (c.packets_src_to_dst > 0) ipOnly(c.src);
      if (c.packets_dst_to_src > 0) ipOnly(c.dst);
    }
  }
  return { devices, ipOwner, spoofed };
}

/**
 * Protocols per truth device, as sensor display names (spec §5.4). Sources, most specific first:
 * - ot sections that name endpoints completely: Modbus servers/clients, DNP3 ip_to_link_addresses,
 *   IEC 104 servers/clients, S7 (hosts that received Jobs or sent SZL answers, and their COTP peers
 *   on port 102), MMS (COTP endpoints on 102 when the capture has MMS and no S7), CIP identities and
 *   CIP I/O endpoints, BACnet I-Am senders, OPC UA endpoint URLs, MQTT brokers, C37.118 endpoints,
 *   PROFINET DCP/IO and GOOSE by MAC, LLDP/CDP neighbours, ARP senders, DHCP clients/servers,
 *   SNMP agents, NBNS registrations;
 * - well-known ports of the `conversations` (top 50 by bytes) when tshark decoded that protocol
 *   somewhere in the capture (`protocols`); both ends get it;
 * - ICMP from `ip_pairs` protos.
 * tshark 4.0 has no S7comm-plus dissector, so a COTP peer of an S7 server may really speak S7comm-plus:
 * such an expectation is "soft" (our S7 Plus satisfies it), and our S7 Plus is never judged.
 * Port-derived names, ICMP and ARP are incomplete in the truth (top-50 lists, protocols on ports the
 * table does not know, ARP probes from 0.0.0.0 that `sender_mac_ip` leaves out): a claim of ours the
 * truth does not confirm is wrong only when tshark saw no such protocol anywhere in the capture.
 */
export interface ExpectedProtocols {
  /** truth device key -> display names */
  byDevice: Map<string, Set<string>>;
  /** `${key} ${name}` expectations that S7comm-plus also satisfies */
  soft: Set<string>;
  /** names the truth lists incompletely -> the tshark protocols that show they occur at all */
  incomplete: ReadonlyMap<string, readonly string[]>;
  /** every name this derivation can produce: ours outside it are not judged */
  judged: ReadonlySet<string>;
}

const PORTS: ReadonlyArray<[proto: 'tcp' | 'udp', ports: number[], tshark: string[], name: string]> = [
  ['udp', [53], ['dns'], 'DNS'], ['tcp', [53], ['dns'], 'DNS'], ['udp', [5353], ['mdns'], 'MDNS'], ['udp', [5355], ['llmnr'], 'LLMNR'],
  ['udp', [137], ['nbns'], 'Netbios Name Service'], ['udp', [161, 162], ['snmp'], 'SNMP'], ['udp', [123], ['ntp'], 'NTP'],
  ['udp', [67, 68], ['dhcp', 'bootp'], 'DHCP'], ['udp', [47808, 47809], ['bacnet', 'bvlc'], 'BACNet'],
  ['tcp', [44818], ['enip'], 'EtherNet/IP'], ['udp', [44818, 2222], ['enip', 'cipio'], 'EtherNet/IP'],
  ['tcp', [4840], ['opcua'], 'OPC UA'], ['tcp', [1883], ['mqtt'], 'MQTT'], ['tcp', [80, 8080], ['http'], 'HTTP'],
  ['tcp', [443], ['tls'], 'TLS'], ['tcp', [22], ['ssh'], 'SSH'], ['tcp', [21], ['ftp'], 'FTP'], ['tcp', [23], ['telnet'], 'Telnet'],
  ['tcp', [445, 139], ['smb', 'smb2'], 'SMB'], ['tcp', [1433], ['tds'], 'TDS'], ['tcp', [4712], ['synphasor'], 'C37.118'],
];
const INCOMPLETE = new Map<string, string[]>([['ICMP', ['icmp', 'icmpv6']], ['ARP', ['arp']]]);
for (const [, , tshark, name] of PORTS) INCOMPLETE.set(name, [...new Set([...(INCOMPLETE.get(name) ?? []), ...tshark])]);
const OTHER_NAMES = ['MODBUS', 'DNP3', 'IEC-60870', 'Siemens S7', 'MMS', 'GOOSE', 'Profinet DCP', 'Profinet Real-Time', 'LLDP', 'CDP'];

const hostOf = (endpoint: string) => endpoint.replace(/:\d+$/, ''); // "ip:port" (IPv4 only in these sections)

export function expectedProtocols(t: FullTruth, inv: ExpectedInventory): ExpectedProtocols {
  // 'ip:..' / 'mac:..' -> names; soft ones (a COTP peer's S7) apart, so a firm source overrides them
  const firm = new Map<string, Set<string>>(), soft = new Map<string, Set<string>>();
  const add = (addr: string, name: string, isSoft = false) => {
    const m = isSoft ? soft : firm;
    m.set(addr, (m.get(addr) ?? new Set<string>()).add(name));
  };
  const ip = (a: string, n: string, isSoft = false) => add(`ip:${a}`, n, isSoft);
  const mac = (a: string, n: string) => add(`mac:${a}`, n);
  // the sections' shapes are the truth README's; only the keys read below are relied on
  const sec = (top: 'ot' | 'it', name: string) => section<Record<string, unknown>>(t, top, name) as Record<string, any>;

  const mb = sec('ot', 'modbus');
  for (const s of Object.keys(mb.servers ?? {})) ip(s, 'MODBUS');
  for (const c of mb.clients ?? []) ip(c, 'MODBUS');
  for (const a of Object.keys(sec('ot', 'dnp3').ip_to_link_addresses ?? {})) ip(a, 'DNP3');
  const i104 = sec('ot', 'iec104');
  for (const a of [...(i104.servers ?? []), ...(i104.clients ?? [])]) ip(a, 'IEC-60870');

  const s7 = sec('ot', 's7comm');
  const cotp = Object.keys((sec('ot', 'cotp').endpoints ?? {}) as Record<string, number>).map((k) => k.split(' -> ') as [string, string]);
  if (t.ot?.s7comm) {
    const servers = new Set<string>([...(s7.job_request_dst_ips ?? []), ...(s7.szl_module_identification ?? []).map((m: { src_ip: string }) => m.src_ip), ...Object.keys(s7.szl_component_identification ?? {})]);
    for (const s of servers) ip(s, 'Siemens S7');
    for (const [a, b] of cotp) {
      if (b.endsWith(':102') && servers.has(hostOf(b))) ip(hostOf(a), 'Siemens S7', true);
      if (a.endsWith(':102') && servers.has(hostOf(a))) ip(hostOf(b), 'Siemens S7', true);
    }
  } else if (t.ot?.mms) {
    for (const [a, b] of cotp) if (a.endsWith(':102') || b.endsWith(':102')) { ip(hostOf(a), 'MMS'); ip(hostOf(b), 'MMS'); }
  }

  const enip = sec('ot', 'enip');
  for (const x of [...(enip.list_identity ?? []), ...(enip.cip_identity_object ?? [])]) ip(x.src_ip, 'EtherNet/IP');
  for (const k of Object.keys(sec('ot', 'cipio').endpoints ?? {})) for (const e of k.split(' -> ')) ip(hostOf(e), 'EtherNet/IP');
  for (const d of sec('ot', 'bacnet').i_am_devices ?? []) if (d.src_ip) ip(d.src_ip, 'BACNet');
  const opcuaPorts = new Set<number>();
  for (const u of sec('ot', 'opcua').endpoint_urls ?? []) {
    const m = /^opc\.tcp:\/\/\[?([^\]/]+?)\]?:(\d+)/.exec(u);
    if (m) { ip(m[1]!, 'OPC UA'); opcuaPorts.add(Number(m[2])); }
  }
  for (const b of sec('ot', 'mqtt').brokers ?? []) ip(b, 'MQTT');
  for (const k of Object.keys(sec('ot', 'synphasor').endpoints ?? {})) for (const e of k.split(' -> ')) ip(hostOf(e), 'C37.118');

  for (const d of sec('ot', 'pn_dcp').devices_and_settings ?? []) mac(d.src_mac, 'Profinet DCP');
  for (const k of Object.keys(sec('ot', 'pn_io').endpoints ?? {})) for (const e of k.split(' -> ')) mac(e, 'Profinet Real-Time');
  for (const p of sec('ot', 'goose').publishers ?? []) mac(p.src_mac, 'GOOSE');
  for (const n of sec('it', 'lldp').neighbors ?? []) mac(n.src_mac, 'LLDP');
  for (const n of sec('it', 'cdp').neighbors ?? []) mac(n.src_mac, 'CDP');
  for (const x of sec('it', 'arp').sender_mac_ip ?? []) mac(x.mac, 'ARP');
  const dhcp = sec('it', 'dhcp');
  for (const c of dhcp.clients ?? []) mac(c.mac, 'DHCP');
  for (const s of dhcp.servers ?? []) ip(s, 'DHCP');
  for (const a of sec('it', 'snmp').agents ?? []) ip(a, 'SNMP');
  for (const a of sec('it', 'nbns').registered_addresses ?? []) ip(a, 'Netbios Name Service');

  const seen = new Set(t.protocols);
  for (const c of t.conversations) {
    const rows = PORTS.filter(([proto, ports, tshark]) => proto === c.proto && tshark.some((x) => seen.has(x)) && (ports.includes(c.dport) || ports.includes(c.sport)));
    if (c.proto === 'tcp' && seen.has('opcua') && (opcuaPorts.has(c.dport) || opcuaPorts.has(c.sport))) rows.push(['tcp', [], [], 'OPC UA']);
    for (const r of rows) { ip(c.src, r[3]); ip(c.dst, r[3]); }
  }
  for (const p of t.ip_pairs) if (p.protos.includes('icmp') || p.protos.includes('icmpv6')) { ip(p.a, 'ICMP'); ip(p.b, 'ICMP'); }

  // addresses -> truth devices
  const byDevice = new Map<string, Set<string>>();
  const softByDevice = new Set<string>();
  for (const d of inv.devices) {
    const addrs = [...(d.mac ? [`mac:${d.mac}`] : []), ...d.ips.map((x) => `ip:${x}`)];
    const hard = new Set(addrs.flatMap((a) => [...(firm.get(a) ?? [])]));
    const names = new Set(hard);
    for (const n of addrs.flatMap((a) => [...(soft.get(a) ?? [])])) {
      if (!hard.has(n)) softByDevice.add(`${d.key} ${n}`);
      names.add(n);
    }
    byDevice.set(d.key, names);
  }
  return { byDevice, soft: softByDevice, incomplete: INCOMPLETE, judged: new Set([...INCOMPLETE.keys(), ...OTHER_NAMES]) };
}

/** tshark's OUI vendor, unless it names no maker (the IEEE's own blocks, the all-zero MAC). */
export function ouiExpectation(v: string | null): string | null {
  if (v === null || /^IEEE Registration Authority/i.test(v) || /^Officially Xerox/i.test(v)) return null;
  return v;
}

/** The first significant word of a vendor name, lower case ("Siemens AG," -> "siemens"). */
export function vendorWord(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ')[0] ?? '';
}

/** Precision/recall text: "0.93" or "-" when nothing was counted. */
export const ratio = (n: number, d: number) => (d === 0 ? '   -' : (n / d).toFixed(2).padStart(4));

/** A fixed-width table: first column left-aligned, the others right-aligned. */
export function table(title: string, head: string[], rows: Array<Array<string | number>>): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [title, line(head), w.map((n) => '-'.repeat(n)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

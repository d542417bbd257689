// What a device is, from how it behaves and what it says about itself (issue 5): the sensor's device
// type (spec §5.2), operating system (§5.3), name, engineering station and scanner flags. Every rule
// reads facts and protocol use gathered on the device's subjects; nothing here looks at bytes.
import type { OpClass } from '../../decode/pdu.js';
import type { Fact, ProtocolUse } from './subjects.js';

/** Protocols a controller serves, and the type serving each one makes a device. */
const SERVED_TYPE: ReadonlyArray<[string, string]> = [
  ['mms', 'IED'], ['goose', 'IED'],
  ['dnp3', 'RTU'], ['dnp3udp', 'RTU'], ['iec104', 'RTU'],
  ['s7comm', 'PLC'], ['s7commplus', 'PLC'], ['modbus', 'PLC'], ['cip', 'PLC'], ['enip', 'PLC'], ['bacnet', 'PLC'],
  ['fins', 'PLC'], ['srtp', 'PLC'],
];
/** OT protocols whose clients are HMIs or engineering stations. */
const OT_CLIENT = new Set(['modbus', 's7comm', 's7commplus', 'enip', 'cip', 'dnp3', 'dnp3udp', 'iec104', 'bacnet', 'mms', 'opcua', 'fins', 'srtp']);
/** Operations that only programming tools perform: "who programs whom". */
const PROGRAMMING_OPS: ReadonlySet<OpClass> = new Set(['program', 'firmware']);
/** Stopping or restarting a controller counts as engineering on these protocols (done from the programming tool). */
const CONTROL_IS_ENGINEERING = new Set(['s7comm', 's7commplus', 'enip', 'cip', 'mms', 'fins', 'srtp']);
const IT_SERVICES = new Set(['http', 'tls', 'ssh', 'ftp', 'telnet', 'dns', 'dhcp', 'snmp', 'mqtt', 'opcua']);

/** Identity device-type strings (CIP, LLDP/CDP capabilities, DCP roles) to sensor types. */
const STATED_TYPE: ReadonlyArray<[RegExp, string]> = [
  [/programmable logic controller|\bplc\b|io[- ]controller/i, 'PLC'],
  [/communications adapter|io device|i\/o adapter/i, 'I/O Adapter'],
  [/\brouter\b/i, 'Router'],
  [/\b(bridge|switch)\b/i, 'Switch'],
  [/telephone|voip phone/i, 'IP Telephone'],
  [/wlan access point/i, 'Wireless Access Point'],
  [/ac drive|dc drive/i, 'Variable Frequency Drive'],
  [/human-machine interface|\bhmi\b/i, 'HMI'],
];

/** Names a device gives itself come before names others give it; the IP is the last resort (§1.4). */
const NAME_ORDER = ['dhcp', 'nbns', 'mdns', 'llmnr', 'lldp', 'cdp', 'pndcp', 's7comm', 's7commplus', 'snmp', 'bacnet', 'mms', 'dns'];
/** Vendors stated by a protocol come before the OUI's (a PLC behind a converter has the converter's MAC). */
const VENDOR_ORDER = ['s7comm', 's7commplus', 'cip', 'enip', 'fins', 'modbus', 'bacnet', 'mms', 'cdp', 'lldp', 'snmp', 'pndcp'];

export interface Behaviour {
  facts: Fact[];
  protocols: Map<string, ProtocolUse>;
  arpTargets: number;
  peers: number;
  ports: number;
}

function pick(facts: Fact[], field: string, order: readonly string[]): string | null {
  let best: Fact | null = null, rank = Infinity;
  for (const f of facts) {
    if (f.field !== field) continue;
    const r = order.indexOf(f.proto);
    const k = r < 0 ? order.length : r;
    if (k < rank || (k === rank && best !== null && f.ts < best.ts)) { best = f; rank = k; }
  }
  return best?.value ?? null;
}

export function nameOf(b: Behaviour): string | null {
  return pick(b.facts, 'name', NAME_ORDER) ?? pick(b.facts.filter((f) => f.proto === 'cip' || f.proto === 'enip'), 'productName', []);
}

export function vendorOf(b: Behaviour): string | null {
  return pick(b.facts, 'vendor', VENDOR_ORDER);
}

export function isEngineeringStation(b: Behaviour): boolean {
  for (const [proto, u] of b.protocols) {
    if (!OT_CLIENT.has(proto) || !u.client) continue;
    for (const op of u.clientOps) if (PROGRAMMING_OPS.has(op) || (op === 'control' && CONTROL_IS_ENGINEERING.has(proto))) return true;
  }
  return false;
}

/**
 * A known scanner: an ARP sweep (20+ addresses asked for), a port sweep (20+ server ports opened), a
 * host sweep (128+ peers), or a function-code sweep (10+ codes on one protocol with 5+ exceptions back).
 */
export function isScanner(b: Behaviour): boolean {
  if (b.arpTargets >= 20 || b.ports >= 20 || b.peers >= 128) return true;
  for (const u of b.protocols.values()) if (u.client && u.functionCodes.size >= 10 && u.exceptions >= 5) return true;
  return false;
}

export function typeOf(b: Behaviour, engineering: boolean): string {
  for (const f of b.facts) {
    if (f.field !== 'deviceType') continue;
    for (const [re, t] of STATED_TYPE) if (re.test(f.value)) return t;
  }
  for (const [proto, t] of SERVED_TYPE) if (b.protocols.get(proto)?.server) return t;
  if (engineering) return 'Engineering Station';
  for (const [proto, u] of b.protocols) if (OT_CLIENT.has(proto) && u.client) return 'HMI';
  for (const [proto, u] of b.protocols) if (IT_SERVICES.has(proto) && u.server) return 'Server';
  for (const proto of ['http', 'tls', 'nbns', 'mdns', 'llmnr']) if (b.protocols.get(proto)?.client) return 'Workstation';
  return 'Unknown';
}

/** Windows NT kernel versions (as in User-Agent strings and SNMP sysDescr) to the §5.3 names. */
const WINDOWS_NT: Readonly<Record<string, string>> = {
  '5.0': 'Windows 2000', '5.1': 'Windows XP', '5.2': 'Windows Server 2003', '6.0': 'Windows Vista', '6.1': 'Windows 7',
  '6.2': 'Windows 8', '6.3': 'Windows 8.1', '10.0': 'Windows 10',
};

/** Operating system from User-Agent, server banners and sysDescr; null when nothing says (§5.3). */
export function osOf(b: Behaviour): string | null {
  for (const f of b.facts) {
    if (f.field !== 'userAgent' && f.field !== 'productName' && f.field !== 'description') continue;
    const nt = /Windows NT (\d+\.\d+)/.exec(f.value) ?? /Windows Version (\d+\.\d+)/.exec(f.value);
    if (nt && WINDOWS_NT[nt[1]!]) return WINDOWS_NT[nt[1]!]!;
    if (/Mac OS X|Macintosh/.test(f.value)) return 'Mac OS X';
    if (/\b(Linux|Ubuntu|Debian|CentOS|Red Hat|Raspbian)\b/i.test(f.value) && !/Android/i.test(f.value)) return 'Linux';
  }
  return null;
}

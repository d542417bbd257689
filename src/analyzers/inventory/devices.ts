// From subjects to devices and connections in the sensor's wire shape (spec §1.4-1.5, §5).
//
// A device is an IP+MAC coupling, as on the real sensor:
// - an IP is coupled to the MAC it sends from (or that ARP, DHCP or DCP bound it to);
// - a MAC that sends for 3+ IPs no ARP binds to it is a router's: the IPs behind it are devices of
//   their own without a MAC when in private/lab ranges, and the Internet (no device) otherwise; the
//   router is a device with the IPs ARP binds to it (or none);
// - broadcast and multicast addresses, and addresses that never sent anything, are not devices;
// - a MAC seen only at layer 2 (LLDP, CDP, DCP, GOOSE, ARP) is a device without an IP.
// Ids come from `ids` (key -> id, persisted by the store) and new keys are numbered in the order
// their device was first seen, so one capture gives the same ids on every replay.
import { macIsGroup } from './addresses.js';
import { type Behaviour, isEngineeringStation, isScanner, nameOf, osOf, typeOf, vendorOf } from './classify.js';
import { buildConnectionSteps, type ConnectionMemo, MATERIALIZE_STEP, takeChangedPairs } from './connections.js';
import type { InventoryObserver } from './observer.js';

export type { ConnectionMemo } from './connections.js';
import { displayName, protocolId } from './protocol-names.js';
import type { Fact, IpSubject, MacSubject, ModuleFact, ProtocolUse, Subject } from './subjects.js';

export interface SensorFirmware {
  slot: string; additionalData: string; moduleAddress: string; rack: string; address: string;
  model: string; serial: string; firmwareVersion: string;
}

/** GET /api/v1/devices element, fields in the documented order (§1.4). */
export interface SensorDevice {
  id: number;
  ipAddresses: string[] | null;
  name: string;
  vendor: string | null;
  operatingSystem: string | null;
  macAddresses: string[] | null;
  type: string;
  engineeringStation: boolean;
  authorized: boolean;
  scanner: boolean;
  protocols: Array<{ id: number; name: string; addresses: string[] }>;
  firmware: SensorFirmware[];
  hasDynamicAddress: boolean;
}

export interface SensorConnection {
  firstDeviceId: number;
  secondDeviceId: number;
  lastSeen: number;
  discovered: number;
  ports: number[];
  protocols: Array<{ name: string; commands: string[] }>;
}

export interface DeviceRecord {
  key: string;
  /** capture time, µs */
  firstSeen: number;
  lastSeen: number;
  device: SensorDevice;
}

export interface Inventory {
  devices: DeviceRecord[];
  /** every connection; with a connection memo, only those that changed since the last write */
  connections: SensorConnection[];
  /** when set, only these connections changed since the last write (the rest need no comparing) */
  changedConnections?: Set<SensorConnection>;
  /** when set, only these devices were rebuilt since the last write */
  changedDevices?: Set<DeviceRecord>;
  /** call once the changed rows are stored: unchanged devices are then skipped by later flushes */
  written?: () => void;
  /** call when storing failed: the changed connections are marked changed again */
  failed?: () => void;
}

export interface MaterializeOptions {
  /** device key -> id, from earlier runs; new keys are added to it */
  ids: Map<string, number>;
  /** each IP's device id at the previous materialization (kept up to date here): a pair whose IPs
   *  changed device is rebuilt even when its traffic did not change */
  ipIds?: Map<string, number | null>;
  /** each device's object and evidence signature at the last write (kept up to date on written()) */
  deviceMemo?: Map<string, DeviceMemo>;
  /** connections between flushes, for incremental rebuilding (with ipIds) */
  connectionMemo?: ConnectionMemo;
  vendorOfMac: (mac: string) => string | null;
  /** is a device with these addresses in the learned baseline? (absent: every device is) */
  authorized?: (ips: readonly string[], mac: string | null, firstSeenUs: number) => boolean;
}

const GATEWAY_MIN_IPS = 3;
const NA = 'N/A';




/** The inventory as it stands, in one go (the end of an ingest, tests, goldens). */
export function materialize(obs: InventoryObserver, opts: MaterializeOptions): Inventory {
  const steps = materializeSteps(obs, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same, yielding every MATERIALIZE_STEP items so the daemon can run it in slices with the event
 * loop free in between (issue 5: no request waits more than 50 ms for a flush; at 10,000 devices
 * the whole of it took 60-110 ms under API load). Ingest may run between slices: the changed address
 * pairs are taken before the first slice (takeChangedPairs), so what traffic marks later waits for
 * the next flush; evidence only grows, so a device object built from slightly newer evidence is
 * never wrong.
 */
export function* materializeSteps(obs: InventoryObserver, opts: MaterializeOptions): Generator<void, Inventory, void> {
  const dirtyPairs = takeChangedPairs(obs, opts.connectionMemo);
  let n = 0;
  // A router's MAC: it sends from several IPv4 addresses of its own. Only IPv4 addresses count: one
  // host has several IPv6 addresses by design (link-local, SLAAC, privacy), and an address that can
  // never be a device (0.0.0.0 of a DHCP client) proves nothing. The answer is kept on the MAC's
  // subject with the sizes it was worked out from (addresses are only added: same sizes, same answer).
  const gateway = (mac: string): boolean => {
    const m = obs.macs.get(mac);
    if (m === undefined || m.ips.length < GATEWAY_MIN_IPS) return false; // most MACs send from one address
    const basis = m.ips.length * 65536 + m.arpIps.size;
    if (m.gatewayBasis !== basis) {
      m.gatewayBasis = basis;
      m.gateway = m.ips.filter((ip) => { const s = obs.ips.get(ip); return !m.arpIps.has(ip) && s !== undefined && !s.never && s.v4; }).length >= GATEWAY_MIN_IPS;
    }
    return m.gateway;
  };

  /** A MAC's device key: its subject's, built once, rather than a new string per flush. */
  const macKey = (mac: string): string => obs.macs.get(mac)?.key ?? `mac:${mac}`;

  /** The device key of an IP, or null when it is not a device. */
  const keyOfIp = (s: IpSubject): string | null => {
    if (s.never || (!s.sent && s.arpMac === null)) return null;
    // The MAC its packets come from, unless a router's: a host answering ARP for someone else's
    // address (a spoofer, a proxy) does not take the address from the host that sends with it.
    const sender = s.macs.find((m) => !gateway(m));
    if (sender !== undefined) return macKey(sender);
    if (s.arpMac !== null && (!gateway(s.arpMac) || s.macs.length === 0 || s.macs.includes(s.arpMac))) return macKey(s.arpMac);
    if (s.macs.length === 0) return s.local && !obs.groupDestinations.has(s.ip) ? s.key : null;
    return s.local ? s.key : null;
  };

  interface Pending { key: string; first: number; seq: number; last: number; ips: IpSubject[]; mac: MacSubject | null }
  const byKey = new Map<string, Pending>();
  const ipKey = new Map<string, string>();
  const pending = (key: string): Pending => {
    let p = byKey.get(key);
    if (!p) byKey.set(key, (p = { key, first: Infinity, seq: Infinity, last: 0, ips: [], mac: null }));
    return p;
  };
  let ipsSeen = 0; // obs.ips only grows, in insertion order: its first ipsSeen entries have their keys worked out here
  for (const s of obs.ips.values()) {
    if (++n % MATERIALIZE_STEP === 0) yield;
    ipsSeen++;
    const key = keyOfIp(s);
    if (key === null) continue;
    ipKey.set(s.ip, key);
    const p = pending(key);
    p.ips.push(s);
    if (s.first < p.first || (s.first === p.first && s.seq < p.seq)) p.seq = s.seq;
    p.first = Math.min(p.first, s.first);
    p.last = Math.max(p.last, s.last);
  }
  for (const m of obs.macs.values()) {
    if (++n % MATERIALIZE_STEP === 0) yield;
    if (macIsGroup(m.mac)) continue;
    const p = pending(m.key);
    p.mac = m;
    if (m.first < p.first || (m.first === p.first && m.seq < p.seq)) p.seq = m.seq;
    p.first = Math.min(p.first, m.first);
    p.last = Math.max(p.last, m.last);
  }
  // ip: keys whose IP later turned out to have a MAC of its own are fine: one key per device
  const list = [...byKey.values()].sort((a, b) => a.first - b.first || a.seq - b.seq);
  let next = nextId(opts.ids);
  for (const p of list) if (!opts.ids.has(p.key)) opts.ids.set(p.key, next++);

  // A device whose evidence did not grow since the last write keeps its object: it is neither rebuilt
  // nor serialized again (a flush then costs what changed, not the size of the inventory).
  const changedDevices = new Set<DeviceRecord>();
  const fresh: Array<[string, DeviceMemo]> = [];
  const devices: DeviceRecord[] = [];
  for (const p of list) {
    if (++n % MATERIALIZE_STEP === 0) yield;
    const sig = signature(p);
    const memo = opts.deviceMemo?.get(p.key);
    if (memo && memo.sig === sig) { devices.push({ ...memo.record, firstSeen: p.first, lastSeen: p.last }); continue; }
    const record = { key: p.key, firstSeen: p.first, lastSeen: p.last, device: buildDevice(p, opts) };
    changedDevices.add(record);
    fresh.push([p.key, { sig, record }]);
    devices.push(record);
  }
  const idOfIp = (ip: string) => {
    const k = ipKey.get(ip);
    return k === undefined ? null : opts.ids.get(k)!;
  };
  const conns = yield* buildConnectionSteps(obs, dirtyPairs, ipsSeen, idOfIp, opts.ipIds, opts.connectionMemo);
  const memo = opts.deviceMemo;
  return {
    devices: devices.sort((a, b) => a.device.id - b.device.id),
    ...conns,
    ...(memo ? {
      changedDevices,
      written: () => { for (const [k, m] of fresh) memo.set(k, m); },
    } : {}),
  };
}

export interface DeviceMemo { sig: number; record: DeviceRecord }

/**
 * A number that grows whenever anything a device object is built from grows: its subjects, their
 * facts, modules (fields filled in), protocol uses, addresses, and the behaviour counters up to the
 * thresholds that matter. Evidence is only ever added, so an unchanged number means an unchanged
 * device.
 */
function signature(p: { ips: IpSubject[]; mac: MacSubject | null }): number {
  const evidence = (s: Subject) => {
    let n = 1 + s.seq * 7 + s.facts.length * 3;
    for (const m of s.modules) n += 1 + Object.keys(m).length;
    for (const u of s.protocols.values()) {
      n += 1 + (u.client ? 1 : 0) + (u.server ? 2 : 0) + u.addresses.size + u.clientOps.size + Math.min(u.functionCodes.size, 10) + Math.min(u.exceptions, 5);
    }
    return n;
  };
  let n = 0;
  for (const s of p.ips) {
    n += evidence(s) + s.macs.length + (s.dynamic ? 1 : 0) + (s.sent ? 1 : 0) + (s.arpMac ? 1 : 0) + Math.min(s.peers.size, 128) + Math.min(s.ports.size, 20);
  }
  const m = p.mac;
  if (m) n += evidence(m) + m.ips.length + m.arpIps.size + Math.min(m.arpTargets.size, 20);
  return n;
}

function nextId(ids: Map<string, number>): number {
  let max = 0;
  for (const v of ids.values()) if (v > max) max = v;
  return max + 1;
}

function buildDevice(p: { key: string; first: number; ips: IpSubject[]; mac: MacSubject | null }, opts: MaterializeOptions): SensorDevice {
  const subjects = [...p.ips, ...(p.mac ? [p.mac] : [])];
  const facts: Fact[] = subjects.flatMap((s) => s.facts);
  const protocols = new Map<string, ProtocolUse>();
  for (const s of subjects) {
    for (const [id, u] of s.protocols) {
      const into = protocols.get(id);
      if (!into) { protocols.set(id, { ...u, addresses: new Set(u.addresses), clientOps: new Set(u.clientOps), functionCodes: new Set(u.functionCodes) }); continue; }
      into.server ||= u.server;
      into.client ||= u.client;
      u.addresses.forEach((a) => into.addresses.add(a));
      u.clientOps.forEach((o) => into.clientOps.add(o));
      u.functionCodes.forEach((c) => into.functionCodes.add(c));
      into.exceptions += u.exceptions;
    }
  }
  const b: Behaviour = {
    facts, protocols,
    arpTargets: p.mac?.arpTargets.size ?? 0,
    peers: Math.max(0, ...p.ips.map((s) => s.peers.size)),
    ports: Math.max(0, ...p.ips.map((s) => s.ports.size)),
  };
  const ips = p.ips.map((s) => s.ip);
  const mac = p.mac?.mac ?? null;
  const engineering = isEngineeringStation(b);
  return {
    id: opts.ids.get(p.key)!,
    ipAddresses: ips.length > 0 ? ips : null,
    name: nameOf(b) ?? ips[0] ?? mac ?? p.key,
    vendor: vendorOf(b) ?? (mac ? opts.vendorOfMac(mac) : null),
    operatingSystem: osOf(b),
    macAddresses: mac ? [mac] : null,
    type: typeOf(b, engineering),
    engineeringStation: engineering,
    // authorized = in the learned baseline (issue 6; spec §5.6: devices seen while learning)
    authorized: opts.authorized ? opts.authorized(ips, mac, p.first) : true,
    scanner: isScanner(b),
    protocols: protocolList(protocols),
    firmware: firmwareList(subjects.flatMap((s) => s.modules), facts, ips[0] ?? NA),
    hasDynamicAddress: p.ips.some((s) => s.dynamic),
  };
}

function protocolList(uses: Map<string, ProtocolUse>): SensorDevice['protocols'] {
  const out = new Map<string, Set<string>>();
  for (const [id, u] of uses) {
    const name = displayName(id);
    if (name === null) continue;
    const addrs = out.get(name) ?? new Set<string>();
    u.addresses.forEach((a) => addrs.add(a));
    out.set(name, addrs);
  }
  return [...out].map(([name, addrs]) => ({ id: protocolId(name), name, addresses: [...addrs] }));
}

/**
 * One firmware entry per module: a protocol's answers about the same module (S7's SZL 0x11 has the
 * order number and version, 0x1C the serial) are merged; unknowns are "N/A" as in the samples.
 */
function firmwareList(modules: ModuleFact[], facts: Fact[], address: string): SensorFirmware[] {
  const fill = (base: ModuleFact, m: ModuleFact) => {
    for (const k of ['serial', 'firmwareVersion', 'productName', 'hardwareVersion', 'moduleAddress'] as const) if (base[k] === undefined && m[k] !== undefined) base[k] = m[k];
    // a product name stated beside an order number is the module's description
    if (!m.explicitModel && m.model !== undefined && m.model !== base.model) base.productName ??= m.model;
  };
  const merged: ModuleFact[] = [];
  // modules with an order number first; answers without one (S7's SZL 0x1C: serial, names) join them
  for (const m of modules.filter((x) => x.explicitModel)) {
    const base = merged.find((x) => x.proto === m.proto && x.model === m.model && x.rack === m.rack && x.slot === m.slot);
    if (base) fill(base, m); else merged.push({ ...m });
  }
  for (const m of modules.filter((x) => !x.explicitModel)) {
    const base = merged.find((x) => x.proto === m.proto && (x.explicitModel || x.model === m.model) && x.rack === m.rack && x.slot === m.slot);
    if (base) fill(base, m); else merged.push({ ...m });
  }
  // One module stated twice (EtherNet/IP ListIdentity and the CIP Identity object; a reply without
  // its slot): the same serial number is the same module.
  const modulesOut: ModuleFact[] = [];
  for (const m of merged) {
    const same = m.serial !== undefined ? modulesOut.find((x) => x.serial === m.serial) : undefined;
    if (same) {
      same.model ??= m.model;
      same.rack ??= m.rack;
      same.slot ??= m.slot;
      fill(same, m);
    } else modulesOut.push(m);
  }
  // a bare firmware version beside a module with a model of the same protocol belongs to that module
  const kept: ModuleFact[] = [];
  for (const m of modulesOut) {
    const owner = m.model === undefined && m.serial === undefined ? modulesOut.find((x) => x.proto === m.proto && x.model !== undefined) : undefined;
    if (owner) owner.firmwareVersion ??= m.firmwareVersion;
    else kept.push(m);
  }
  const fact = (field: string, proto: string) => facts.find((f) => f.field === field && f.proto === proto)?.value;
  return kept.filter((m) => m.model !== undefined || m.firmwareVersion !== undefined || m.serial !== undefined).map((m) => ({
    slot: m.slot !== undefined ? String(m.slot) : fact('slot', m.proto) ?? NA,
    additionalData: m.productName ?? NA,
    moduleAddress: m.moduleAddress ?? NA,
    rack: m.rack !== undefined ? String(m.rack) : fact('rack', m.proto) ?? NA,
    address,
    model: m.model ?? NA,
    serial: m.serial ?? NA,
    firmwareVersion: m.firmwareVersion ?? NA,
  }));
}

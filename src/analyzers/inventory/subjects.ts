// What the inventory knows, per address, before it decides what a device is. A subject is one IP
// address or one MAC address; everything seen (who talked to whom, identity facts, protocols) is kept
// on the subject it was seen for, with the protocol and capture time it came from (architecture rule
// 8). Devices are made from subjects afterwards (devices.ts), because whether an IP belongs with the
// MAC it arrived from is only known once the MAC has shown whether it is a router's.
import type { Identity, OpClass } from '../../decode/pdu.js';
import { ipv4IsLocalRange, ipv4NeverDevice, ipv4Number, ipv6IsLocalRange, ipv6NeverDevice } from './addresses.js';

/** Bounds on what one subject keeps (architecture rule 5). */
export const MAX_FACTS = 64;
export const MAX_SET = 256;

/** One identity fact: a field of Identity (or os/name/dhcp) stated by a protocol at a capture time (µs). */
export interface Fact {
  field: string;
  value: string;
  proto: string;
  ts: number;
}

/** A firmware/module entry as a protocol states it (merged by module in devices.ts). */
export interface ModuleFact {
  proto: string;
  ts: number;
  /** the protocol stated a model (an order number); otherwise `model` is a product name or code */
  explicitModel: boolean;
  model?: string;
  serial?: string;
  firmwareVersion?: string;
  rack?: number;
  slot?: number;
  moduleAddress?: string;
  productName?: string;
  hardwareVersion?: string;
}

/** One address pair's traffic, client first as first seen. */
export interface PairObservation {
  client: string;
  server: string;
  discovered: number;
  lastSeen: number;
  ports: Set<number>;
  /** protocol (wire name) -> command names seen */
  protocols: Map<string, Set<string>>;
  /** changed since the last write: only changed connections are serialized and compared (flushes
   *  stay proportional to the traffic, not to the size of the inventory) */
  dirty: boolean;
}

export interface ProtocolUse {
  server: boolean;
  client: boolean;
  /** protocol-level addresses this subject answers as (Modbus unit ids, DNP3 link addresses, ...) */
  addresses: Set<string>;
  /** operation classes it used as a client */
  clientOps: Set<OpClass>;
  /** function codes it used as a client (function-code sweeps) */
  functionCodes: Set<number>;
  exceptions: number;
}

let created = 0;

export class Subject {
  first: number;
  last: number;
  /** creation order: breaks ties between subjects first seen in the same packet (sender first) */
  readonly seq = created++;
  readonly facts: Fact[] = [];
  readonly modules: ModuleFact[] = [];
  readonly protocols = new Map<string, ProtocolUse>();
  constructor(readonly key: string, ts: number) {
    this.first = ts;
    this.last = ts;
  }

  seen(ts: number): void {
    if (ts > this.last) this.last = ts;
    if (ts < this.first) this.first = ts;
  }

  fact(field: string, value: string, proto: string, ts: number): void {
    if (value === '' || this.facts.length >= MAX_FACTS) return;
    // one fact per field and protocol: the first statement wins, later ones only refresh nothing
    for (const f of this.facts) if (f.field === field && f.proto === proto) return;
    this.facts.push({ field, value, proto, ts });
  }

  module(m: ModuleFact): void {
    if (this.modules.length >= MAX_FACTS) return;
    const same = this.modules.find((x) => x.proto === m.proto && x.model === m.model && x.rack === m.rack && x.slot === m.slot && x.moduleAddress === m.moduleAddress);
    if (same) {
      // later answers fill in what earlier ones lacked (serial and version come in separate SZL reads)
      for (const k of ['serial', 'firmwareVersion', 'productName', 'hardwareVersion'] as const) if (same[k] === undefined && m[k] !== undefined) same[k] = m[k];
      return;
    }
    this.modules.push(m);
  }

  use(proto: string): ProtocolUse {
    let u = this.protocols.get(proto);
    if (!u) {
      u = { server: false, client: false, addresses: new Set(), clientOps: new Set(), functionCodes: new Set(), exceptions: 0 };
      this.protocols.set(proto, u);
    }
    return u;
  }
}

export class IpSubject extends Subject {
  /** source MACs this IP's packets came from, first first (not ARP/DHCP/DCP bindings: see arpMac) */
  readonly macs: string[] = [];
  /** MAC an ARP, DHCP or DCP packet first bound this IP to */
  arpMac: string | null = null;
  /** an address handed out by DHCP */
  dynamic = false;
  /** it sent something (an address only ever sent to is not a device: scan targets that never answered) */
  sent = false;
  /** the MAC (as a 48-bit number) it was last coupled to: skips repeats cheaply */
  lastMac = -1;
  /** traffic with each peer, kept on the pair's first client (the observer's index, see pair()) */
  readonly pairs = new Map<IpSubject, PairObservation>();
  /** distinct destination addresses and ports it opened flows to (scans) */
  readonly peers = new Set<string>();
  readonly ports = new Set<number>();
  /** never a device (broadcast, multicast, unspecified), and in a private or lab range: fixed by the
   *  address, so worked out once here rather than on every flush */
  readonly never: boolean;
  readonly local: boolean;
  /** an IPv4 address */
  readonly v4: boolean;
  constructor(readonly ip: string, ts: number) {
    super(`ip:${ip}`, ts);
    const v4 = ipv4Number(ip);
    this.v4 = v4 !== null;
    this.never = v4 !== null ? ipv4NeverDevice(v4) : ipv6NeverDevice(ip);
    this.local = v4 !== null ? ipv4IsLocalRange(v4) : ipv6IsLocalRange(ip);
  }
}

export class MacSubject extends Subject {
  /** source IPs seen with this MAC, first first */
  readonly ips: string[] = [];
  /** IPs ARP bound to this MAC */
  readonly arpIps = new Set<string>();
  /** addresses it asked for by ARP (address sweeps) */
  readonly arpTargets = new Set<string>();
  /** materialize(): whether it is a router's MAC, and the address counts that answer is for */
  gateway = false;
  gatewayBasis = -1;
  constructor(readonly mac: string, ts: number) {
    super(`mac:${mac}`, ts);
  }
}

/** Identity fields kept as facts, and the module fields that make a firmware entry. */
export function identityFacts(s: Subject, id: Identity, proto: string, ts: number): void {
  if (id.vendor) s.fact('vendor', id.vendor, proto, ts);
  if (id.name) s.fact('name', id.name, proto, ts);
  if (id.deviceType) s.fact('deviceType', id.deviceType, proto, ts);
  if (id.productName) s.fact('productName', id.productName, proto, ts);
  const extra = id as Identity & { description?: string; vendorClass?: string };
  if (extra.description) s.fact('description', extra.description, proto, ts);
  if (extra.vendorClass) s.fact('vendorClass', extra.vendorClass, proto, ts);
  if (id.model || id.serial || id.firmwareVersion || id.productCode) {
    const m: ModuleFact = { proto, ts, explicitModel: id.model !== undefined };
    // the model: an order number where the protocol states one (S7), else the product name (CIP,
    // DCP), else the bare product code
    const model = id.model ?? id.productName ?? id.productCode;
    if (model) m.model = model;
    if (id.serial) m.serial = id.serial;
    if (id.firmwareVersion) m.firmwareVersion = id.firmwareVersion;
    if (id.rack !== undefined) m.rack = id.rack;
    if (id.slot !== undefined) m.slot = id.slot;
    if (id.moduleAddress) m.moduleAddress = id.moduleAddress;
    if (id.productName && id.productName !== model) m.productName = id.productName;
    else if (id.productCode && id.productCode !== model) m.productName = `product code ${id.productCode}`;
    if (id.hardwareVersion) m.hardwareVersion = id.hardwareVersion;
    s.module(m);
  }
}

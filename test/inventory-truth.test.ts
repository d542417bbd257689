// The inventory against tshark's truth (issue 5): every public capture in ../shared/pcaps runs through
// the real pipeline, its devices and connections are materialized as the service would, and they are
// compared with the capture's *.truth.json. Printed per capture and in total: precision and recall for
// devices, their addresses, vendor, model/firmware, protocols and connections; and every identity
// tshark extracts (S7 order numbers, versions and serials, CIP product names, serials and revisions,
// BACnet device instances, DCP station names) must be on the device it belongs to, or the test fails
// listing what is missing. Other identities (LLDP/CDP/DHCP/NBNS/mDNS names, models) are reported.
//
// What "expected" means is defined in support/inventory.ts (expectedInventory, expectedProtocols).
// Matching: a truth device with a MAC matches our device carrying that MAC; one without a MAC matches
// our device carrying its IP; one to one (a device of ours that merges two truth devices matches one).
// Precision = matched ours / ours; recall = matched truth / truth. Where the truth cannot judge a
// value of ours (a protocol tshark 4.0 does not decode, a vendor where tshark has no OUI name), it is
// counted as "unjudged" and left out of precision, and the tables say how many.
import { describe, expect, it } from 'vitest';
import type { Inventory, SensorDevice } from '../src/analyzers/inventory/devices.js';
import {
  expectedInventory, expectedProtocols, inventoryOf, ouiExpectation, ratio, section, table, vendorWord,
  type ExpectedInventory, type FullTruth,
} from './support/inventory.js';
import { HAVE_SHARED, sharedCaptures, SKIP_REASON } from './support/shared.js';

type Metric = 'devices' | 'addresses' | 'vendor' | 'model' | 'protocols' | 'connections';
/** tp: ours confirmed; ours: ours judged; truth: expected; found: expected and found; unjudged: ours the truth cannot judge */
interface Count { tp: number; ours: number; truth: number; found: number; unjudged: number }
/** model: a model/serial/version the fact states (the model/firmware metric); names: a module name, which may also be shown as a model */
interface Fact { kind: string; fact: string; required: boolean; found: boolean; model?: Stated; names?: Stated }
/** a value the truth states about a truth device (key) */
interface Stated { key: string | undefined; value: string }
interface Result { counts: Record<Metric, Count>; facts: Fact[]; notes: string[]; duplicates: number }

const zero = (): Count => ({ tp: 0, ours: 0, truth: 0, found: 0, unjudged: 0 });
const results = new Map<string, Result>();

/** Our device for each truth device key, one to one. */
function match(inv: Inventory, exp: ExpectedInventory): Map<string, SensorDevice> {
  const m = new Map<string, SensorDevice>();
  const used = new Set<number>();
  const take = (key: string, d: SensorDevice | undefined) => { if (d && !used.has(d.id)) { used.add(d.id); m.set(key, d); } };
  for (const t of exp.devices) if (t.mac) take(t.key, inv.devices.find((d) => d.device.macAddresses?.includes(t.mac!))?.device);
  for (const t of exp.devices) if (!t.mac) take(t.key, inv.devices.find((d) => !used.has(d.device.id) && d.device.ipAddresses?.includes(t.ips[0]!))?.device);
  return m;
}

const rev = (r: string) => (/^\d+$/.test(r) ? `${Number(r) >> 8}.${Number(r) & 0xff}` : r); // ListIdentity: major*256+minor
const eq = (a: string | null | undefined, b: string) => (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();
/** Every text of a device a protocol-stated value may be shown in. */
const texts = (d: SensorDevice) => [d.name, d.vendor ?? '', ...d.firmware.flatMap((f) => [f.model, f.serial, f.firmwareVersion, f.additionalData]), ...d.protocols.flatMap((p) => p.addresses)];
const mentions = (d: SensorDevice | undefined, v: string) => d !== undefined && texts(d).some((x) => eq(x, v));
/** A protocol address of the device naming `n` ("721", "instance 721", "device,721"). */
const hasAddress = (d: SensorDevice | undefined, proto: string, n: number) =>
  d?.protocols.some((p) => p.name === proto && p.addresses.some((a) => new RegExp(`^(?:\\D*[ ,:])?${n}$`).test(a))) ?? false;

/** The identity facts of one capture: which truth value must be on which of our devices. */
function identityFacts(t: FullTruth, exp: ExpectedInventory, ours: Map<string, SensorDevice>): Fact[] {
  const byIp = (ip: string) => { const k = exp.ipOwner.get(ip); return k ? ours.get(k) : undefined; };
  const byMac = (mac: string) => ours.get(`mac:${mac}`);
  const ipKey = (ip: string) => exp.ipOwner.get(ip), macKey = (mac: string) => `mac:${mac}`;
  const facts: Fact[] = [];
  const add = (kind: string, fact: string, required: boolean, found: boolean, model?: Stated, names?: Stated) => {
    if (!facts.some((f) => f.fact === fact)) facts.push({ kind, fact, required, found, ...(model ? { model } : {}), ...(names ? { names } : {}) });
  };

  // S7 SZL 0x0011 (module identification) and 0x001C (component identification)
  const s7 = section<{ szl_module_identification: Array<{ src_ip: string; index: number | null; order_number: string; version: number | null }>; szl_component_identification: Record<string, Record<string, string[]>> }>(t, 'ot', 's7comm');
  for (const m of s7.szl_module_identification ?? []) {
    const d = byIp(m.src_ip);
    if ((m.index === 1 || m.index === 6) && m.order_number) add('S7', `S7 ${m.src_ip} order number ${m.order_number}`, true, !!d?.firmware.some((f) => f.model === m.order_number), { key: ipKey(m.src_ip), value: m.order_number });
    // index 7 is the firmware: 'V' and the major version in the 16 bits tshark shows
    if (m.index === 7 && m.version !== null && m.version >> 8 === 0x56) add('S7', `S7 ${m.src_ip} firmware V${m.version & 0xff}.x`, true, !!d?.firmware.some((f) => f.firmwareVersion.startsWith(`V${m.version! & 0xff}.`)), { key: ipKey(m.src_ip), value: `V${m.version & 0xff}.` });
    if (m.index === 129) add('S7', `S7 ${m.src_ip} module "${m.order_number}" listed`, false, !!d?.firmware.some((f) => eq(f.model, m.order_number)), { key: ipKey(m.src_ip), value: m.order_number });
  }
  for (const [ip, c] of Object.entries(s7.szl_component_identification ?? {})) {
    const d = byIp(ip);
    for (const serial of c.serial_number ?? []) add('S7', `S7 ${ip} serial ${serial}`, true, !!d?.firmware.some((f) => f.serial === serial), { key: ipKey(ip), value: serial });
    for (const n of c.plc_name ?? []) add('S7', `S7 ${ip} PLC name "${n}" is the device name`, false, eq(d?.name, n));
    for (const n of [...(c.module_name ?? []), ...(c.cpu_type ?? [])]) add('S7', `S7 ${ip} module name "${n}" shown`, false, mentions(d, n), undefined, { key: ipKey(ip), value: n });
    const order = (s7.szl_module_identification ?? []).find((m) => m.src_ip === ip && m.index === 1)?.order_number;
    for (const serial of c.serial_number ?? []) if (order) add('S7', `S7 ${ip} order number and serial on one firmware entry`, false, !!d?.firmware.some((f) => f.model === order && f.serial === serial));
  }

  // CIP Identity (ListIdentity replies and Identity object Get_Attributes_All)
  const enip = section<Record<'list_identity' | 'cip_identity_object', Array<{ src_ip: string; product_name: string; vendor_id: number; revision: string; serial: string }>>>(t, 'ot', 'enip');
  for (const x of [...(enip.list_identity ?? []), ...(enip.cip_identity_object ?? [])]) {
    const d = byIp(x.src_ip);
    add('CIP', `CIP ${x.src_ip} product name "${x.product_name}"`, true, !!d && (d.firmware.some((f) => f.model === x.product_name || f.additionalData === x.product_name) || d.name === x.product_name), { key: ipKey(x.src_ip), value: x.product_name });
    add('CIP', `CIP ${x.src_ip} serial ${x.serial}`, true, !!d?.firmware.some((f) => f.serial === x.serial), { key: ipKey(x.src_ip), value: x.serial });
    add('CIP', `CIP ${x.src_ip} ${x.serial} revision ${rev(x.revision)}`, true, !!d?.firmware.some((f) => f.serial === x.serial && f.firmwareVersion === rev(x.revision)), { key: ipKey(x.src_ip), value: rev(x.revision) });
  }

  // BACnet I-Am: an instance announced unrouted belongs to the sender (one of them when a BBMD or
  // router repeats it); routed ones (src_net set, or BACnet/Ethernet) sit behind the router
  const iams = section<{ i_am_devices: Array<{ src_ip: string; src_mac: string; src_net: number | null; device_instance: number }> }>(t, 'ot', 'bacnet').i_am_devices ?? [];
  for (const inst of new Set(iams.map((i) => i.device_instance))) {
    const direct = iams.filter((i) => i.device_instance === inst && i.src_ip && i.src_net === null);
    if (direct.length > 0) {
      const ips = [...new Set(direct.map((i) => i.src_ip))];
      add('BACnet', `BACnet device instance ${inst} on ${ips.join(' or ')}`, true, ips.some((ip) => hasAddress(byIp(ip), 'BACNet', inst)));
    } else {
      const r = iams.find((i) => i.device_instance === inst)!;
      add('BACnet', `BACnet routed device instance ${inst} (net ${r.src_net}) behind ${r.src_ip || r.src_mac}`, false, hasAddress(r.src_ip ? byIp(r.src_ip) : byMac(r.src_mac), 'BACNet', inst));
    }
  }

  // PROFINET DCP: only responses bind name/IP/vendor to the sender; a Set assigns to the destination.
  // The name an Identify request searches for must not become the sender's name, unless the sender
  // states it elsewhere (a SCALANCE switch searches for its own name, which DHCP and LLDP also carry).
  const dcp = section<{ devices_and_settings: Array<{ src_mac: string; dst_mac: string; service_id: number; service_type: number; name_of_station: string | null; ip: string | null; device_vendor_value: string | null }> }>(t, 'ot', 'pn_dcp').devices_and_settings ?? [];
  const lldp = section<{ neighbors: Array<{ src_mac: string; system_name: string | null; chassis_id_text?: string; system_desc: string | null }> }>(t, 'it', 'lldp').neighbors ?? [];
  const dhcpClients = section<{ clients: Array<{ mac: string; hostnames: string[] }> }>(t, 'it', 'dhcp').clients ?? [];
  const namedElsewhere = (mac: string, name: string) => dcp.some((y) => y.service_type === 1 && y.src_mac === mac && y.name_of_station === name)
    || dhcpClients.some((c) => c.mac === mac && c.hostnames.includes(name)) || lldp.some((n) => n.src_mac === mac && (n.system_name === name || n.chassis_id_text === name));
  for (const x of dcp) {
    const d = byMac(x.src_mac);
    if (x.service_type === 1) {
      if (x.name_of_station) add('DCP', `DCP ${x.src_mac} station name "${x.name_of_station}"`, true, eq(d?.name, x.name_of_station));
      if (x.ip) add('DCP', `DCP ${x.src_mac} IP ${x.ip}`, false, !!d?.ipAddresses?.includes(x.ip));
      if (x.device_vendor_value) add('DCP', `DCP ${x.src_mac} device "${x.device_vendor_value}"`, false, mentions(d, x.device_vendor_value), { key: macKey(x.src_mac), value: x.device_vendor_value });
    } else if (x.service_id === 4 && x.ip) {
      add('DCP', `DCP Set assigns ${x.ip} to ${x.dst_mac}`, false, !!byMac(x.dst_mac)?.ipAddresses?.includes(x.ip));
    } else if (x.service_id === 5 && x.name_of_station && !namedElsewhere(x.src_mac, x.name_of_station)) {
      add('DCP', `DCP ${x.src_mac} searching "${x.name_of_station}" is not named so`, true, !eq(d?.name, x.name_of_station));
    }
  }

  // LLDP / CDP neighbours
  for (const n of lldp) {
    const d = byMac(n.src_mac), name = n.system_name ?? n.chassis_id_text;
    if (name) add('LLDP', `LLDP ${n.src_mac} name "${name}"`, false, eq(d?.name, name) || mentions(d, name));
    const order = n.system_desc ? /\b(6[A-Z]{2}\d \d{3}-\w{5}-\w{4})\b/.exec(n.system_desc)?.[1] : undefined;
    const fw = n.system_desc ? /\bFW: ?(V[\d.]+)/.exec(n.system_desc)?.[1] : undefined;
    if (order) add('LLDP', `LLDP ${n.src_mac} order number ${order}`, false, !!d?.firmware.some((f) => f.model === order), { key: macKey(n.src_mac), value: order });
    if (fw) add('LLDP', `LLDP ${n.src_mac} firmware ${fw}`, false, !!d?.firmware.some((f) => f.firmwareVersion === fw), { key: macKey(n.src_mac), value: fw });
  }
  for (const n of section<{ neighbors: Array<{ src_mac: string; device_id: string; platform: string; software: string }> }>(t, 'it', 'cdp').neighbors ?? []) {
    const d = byMac(n.src_mac);
    add('CDP', `CDP ${n.src_mac} device id "${n.device_id}"`, false, !!d && (d.name === n.device_id || d.name.startsWith(`${n.device_id}.`)));
    const platform = n.platform.replace(/^cisco /i, '');
    add('CDP', `CDP ${n.src_mac} platform ${platform}`, false, !!d?.firmware.some((f) => f.model === platform), { key: macKey(n.src_mac), value: platform });
    const ver = /Version ([^,\s]+)/.exec(n.software)?.[1];
    if (ver) add('CDP', `CDP ${n.src_mac} software ${ver}`, false, !!d?.firmware.some((f) => f.firmwareVersion === ver), { key: macKey(n.src_mac), value: ver });
  }

  // names: DHCP host names, NBNS server registrations, mDNS A records
  for (const c of dhcpClients) {
    for (const h of c.hostnames) add('DHCP', `DHCP ${c.mac} host name "${h}"`, false, eq(byMac(c.mac)?.name, h));
  }
  const nbns = section<{ names: Record<string, number>; registered_addresses: string[] }>(t, 'it', 'nbns');
  for (const k of Object.keys(nbns.names ?? {})) {
    const n = /^(.+)<20> \(Server service\)$/.exec(k)?.[1];
    if (n) add('NBNS', `NBNS "${n}" on ${(nbns.registered_addresses ?? []).join('/')}`, false, (nbns.registered_addresses ?? []).some((ip) => eq(byIp(ip)?.name, n)));
  }
  for (const a of section<{ a_records: Array<{ name: string; a: string }> }>(t, 'it', 'mdns').a_records ?? []) {
    if (a.name.endsWith('.local')) add('mDNS', `mDNS ${a.a} name "${a.name}"`, false, eq(byIp(a.a)?.name, a.name));
  }
  return facts;
}

/** Vendors a device states about itself in the truth, as first words; [] = any name (BACnet ids). */
function statedVendors(t: FullTruth, exp: ExpectedInventory): Map<string, string[]> {
  const m = new Map<string, string[]>();
  const put = (key: string | undefined, words: string[]) => { if (key) m.set(key, [...(m.get(key) ?? []), ...words]); };
  const ip = (a: string) => exp.ipOwner.get(a);
  const s7 = section<{ szl_module_identification: Array<{ src_ip: string }> }>(t, 'ot', 's7comm');
  for (const x of s7.szl_module_identification ?? []) put(ip(x.src_ip), ['siemens']);
  // vendor ids: ODVA 1 Rockwell Automation/Allen-Bradley, 309 ProSoft; PI 0x002a Siemens, 0x015a GE
  const CIP: Record<number, string[]> = { 1: ['rockwell', 'allen'], 309: ['prosoft'] };
  const PI: Record<number, string[]> = { 42: ['siemens'], 346: ['ge', 'general', 'intelligent', 'emerson'] };
  const enip = section<Record<'list_identity' | 'cip_identity_object', Array<{ src_ip: string; vendor_id: number }>>>(t, 'ot', 'enip');
  for (const x of [...(enip.list_identity ?? []), ...(enip.cip_identity_object ?? [])]) put(ip(x.src_ip), CIP[x.vendor_id] ?? []);
  for (const x of section<{ devices_and_settings: Array<{ src_mac: string; service_type: number; vendor_id: number | null }> }>(t, 'ot', 'pn_dcp').devices_and_settings ?? []) {
    if (x.service_type === 1 && x.vendor_id !== null) put(`mac:${x.src_mac}`, PI[x.vendor_id] ?? []);
  }
  for (const n of section<{ neighbors: Array<{ src_mac: string; platform: string }> }>(t, 'it', 'cdp').neighbors ?? []) put(`mac:${n.src_mac}`, [vendorWord(n.platform)]);
  for (const n of section<{ neighbors: Array<{ src_mac: string; system_desc: string | null }> }>(t, 'it', 'lldp').neighbors ?? []) if (n.system_desc) put(`mac:${n.src_mac}`, [vendorWord(n.system_desc)]);
  // BACnet vendor ids are ASHRAE's; the truth has no names for them, so any stated name is taken
  for (const x of section<{ i_am_devices: Array<{ src_ip: string; src_net: number | null }> }>(t, 'ot', 'bacnet').i_am_devices ?? []) if (x.src_ip && x.src_net === null) put(ip(x.src_ip), []);
  return m;
}

function evaluate(t: FullTruth, inv: Inventory): Result {
  const exp = expectedInventory(t);
  const ours = match(inv, exp);
  const counts = { devices: zero(), addresses: zero(), vendor: zero(), model: zero(), protocols: zero(), connections: zero() } as Record<Metric, Count>;
  const notes: string[] = [];
  const tag = (d: SensorDevice) => `#${d.id} ${d.macAddresses?.[0] ?? ''} ${(d.ipAddresses ?? []).join(',')}`.replace('  ', ' ');

  // devices and their addresses
  const dev = counts.devices;
  dev.truth = exp.devices.length; dev.found = ours.size; dev.ours = inv.devices.length; dev.tp = ours.size;
  for (const t0 of exp.devices) if (!ours.has(t0.key)) notes.push(`missed device ${t0.key} ${t0.ips.join(',')} (${t0.ouiVendor ?? 'no OUI'})`);
  const matchedIds = new Set([...ours.values()].map((d) => d.id));
  for (const d of inv.devices) if (!matchedIds.has(d.device.id)) notes.push(`extra device ${tag(d.device)} "${d.device.name}"`);
  for (const t0 of exp.devices) {
    const d = ours.get(t0.key);
    if (!d) continue;
    const got = (d.ipAddresses ?? []);
    counts.addresses.truth += t0.ips.length; counts.addresses.ours += got.length;
    for (const ip of t0.ips) if (got.includes(ip)) { counts.addresses.found++; counts.addresses.tp++; } else notes.push(`address ${ip} not on ${tag(d)}`);
    for (const ip of got) if (!t0.ips.includes(ip)) notes.push(`address ${ip} wrongly on ${tag(d)} (truth: ${exp.ipOwner.get(ip) ?? 'not a device'})`);
  }

  // vendor, on matched devices (a missed device counts once, under devices): right when its first
  // word is that of tshark's OUI vendor, or of a vendor the device states itself in the truth
  const stated = statedVendors(t, exp);
  for (const t0 of exp.devices) {
    const d = ours.get(t0.key);
    const oui = ouiExpectation(t0.ouiVendor);
    const self = stated.get(t0.key);
    if (!d) continue;
    if (!oui && !self) { if (d.vendor) counts.vendor.unjudged++; continue; }
    counts.vendor.truth++;
    if (!d.vendor) { notes.push(`vendor missing on ${tag(d)} (OUI ${oui ?? '-'})`); continue; }
    counts.vendor.ours++;
    const w = vendorWord(d.vendor);
    const ok = (oui !== null && vendorWord(oui) === w) || (self !== undefined && (self.length === 0 || self.includes(w)));
    if (ok) { counts.vendor.tp++; counts.vendor.found++; } else notes.push(`vendor "${d.vendor}" on ${tag(d)}: OUI says "${t0.ouiVendor}"${self?.length ? `, device says ${self.join('/')}` : ''}`);
  }

  // identities, and model/firmware precision: firmware entries on devices the truth has models for
  const facts = identityFacts(t, exp, ours);
  const modelFacts = facts.filter((f) => f.model);
  counts.model.truth = modelFacts.length; counts.model.found = modelFacts.filter((f) => f.found).length;
  let duplicates = 0;
  for (const [key, d] of ours) {
    // what the truth states about this device's modules; module and CPU names count too (S7 SZL 0x1C)
    const values = facts.filter((f) => f.model?.key === key).map((f) => f.model!.value.toLowerCase());
    const names = facts.filter((f) => f.names?.key === key).map((f) => f.names!.value.toLowerCase());
    const seen = new Set<string>();
    for (const f of d.firmware) {
      const sig = `${f.model}|${f.serial}|${f.firmwareVersion}`;
      if (seen.has(sig)) { duplicates++; notes.push(`duplicate firmware entry ${f.model} ${f.serial} on ${tag(d)}`); }
      seen.add(sig);
      if (values.length === 0) { counts.model.unjudged++; continue; }
      counts.model.ours++;
      const m = f.model.toLowerCase();
      if (values.some((v) => v === m || v === f.serial.toLowerCase()) || names.includes(m)) counts.model.tp++;
      else notes.push(`firmware model "${f.model}" on ${tag(d)} is no model the truth states`);
    }
  }

  // protocols per matched device
  const pe = expectedProtocols(t, exp);
  const truncated = t.conversation_count > t.conversations.length || t.ip_pair_count > t.ip_pairs.length;
  for (const t0 of exp.devices) {
    const want = pe.byDevice.get(t0.key) ?? new Set<string>();
    const d = ours.get(t0.key);
    counts.protocols.truth += want.size;
    const have = new Set(d?.protocols.map((p) => p.name) ?? []);
    for (const n of want) {
      if (have.has(n) || (pe.soft.has(`${t0.key} ${n}`) && have.has('Siemens S7 Plus'))) counts.protocols.found++;
      else if (d) notes.push(`protocol ${n} missing on ${tag(d)}`);
    }
    for (const n of have) {
      const seenSomewhere = pe.incomplete.get(n)?.some((x) => t.protocols.includes(x)) ?? false;
      if (want.has(n)) { counts.protocols.ours++; counts.protocols.tp++; } else if (!pe.judged.has(n) || seenSomewhere) counts.protocols.unjudged++;
      else { counts.protocols.ours++; notes.push(`protocol ${n} on ${tag(d!)} is not in the truth`); }
    }
  }

  // connections: truth IP pairs between two distinct expected devices, as device pairs
  const pairKey = (a: string, b: string) => (a < b ? `${a}|${b}` : `${b}|${a}`);
  const want = new Set<string>();
  for (const p of t.ip_pairs) {
    const a = exp.ipOwner.get(p.a), b = exp.ipOwner.get(p.b);
    if (a && b && a !== b) want.add(pairKey(a, b));
  }
  const keyOfId = new Map([...ours].map(([k, d]) => [d.id, k]));
  const have = new Set<string>();
  for (const c of inv.connections) {
    const a = keyOfId.get(c.firstDeviceId), b = keyOfId.get(c.secondDeviceId);
    const k = a && b ? pairKey(a, b) : null;
    if (k && want.has(k)) { counts.connections.tp++; counts.connections.ours++; have.add(k); } else if (truncated && k) counts.connections.unjudged++;
    else { counts.connections.ours++; notes.push(`connection #${c.firstDeviceId}-#${c.secondDeviceId} (${c.protocols.map((p) => p.name).join(',')}) is not in the truth`); }
  }
  counts.connections.truth = want.size; counts.connections.found = have.size;
  for (const k of want) if (!have.has(k)) notes.push(`connection ${k.replace('|', ' - ')} missing`);
  return { counts, facts, notes, duplicates };
}

describe.skipIf(!HAVE_SHARED)('inventory against tshark truth', () => {
  for (const c of sharedCaptures()) {
    it(c.name, async () => {
      const r = evaluate(c.truth as FullTruth, await inventoryOf(c.path));
      results.set(c.name, r);
      expect(r.facts.filter((f) => f.required && !f.found).map((f) => f.fact), 'required identities not on their device').toEqual([]);
    });
  }

  it('prints precision and recall per capture and in total', () => {
    const rows = [...results];
    const total = (m: Metric) => rows.reduce((s, [, r]) => { for (const k of Object.keys(s) as Array<keyof Count>) s[k] += r.counts[m][k]; return s; }, zero());
    const line = (n: string, c: Count, extra: Array<string | number> = []) => [n, c.truth, c.ours + c.unjudged, c.found, ratio(c.tp, c.ours), ratio(c.found, c.truth), c.unjudged, ...extra];
    const head = ['capture', 'truth', 'ours', 'found', 'P', 'R', 'unjudged'];
    const titles: Record<Metric, string> = {
      devices: 'DEVICES (truth: transmitting unicast MACs, router-hidden private IPs, IPs of MAC-less captures)',
      addresses: 'ADDRESSES (IPs expected on matched devices)',
      vendor: 'VENDOR (OUI vendor first word, or a vendor the device states)',
      model: 'MODEL/FIRMWARE (R: model/firmware facts found; P: our firmware entries stating a truth model/serial)',
      protocols: 'PROTOCOLS (display names on matched devices)',
      connections: 'CONNECTIONS (truth IP pairs between two devices)',
    };
    const out: string[] = [];
    for (const m of Object.keys(titles) as Metric[]) {
      const body = rows.filter(([, r]) => r.counts[m].truth + r.counts[m].ours + r.counts[m].unjudged > 0).map(([n, r]) => line(n, r.counts[m], m === 'model' ? [r.duplicates] : []));
      out.push(table(titles[m], m === 'model' ? [...head, 'dup'] : head, [...body, line('TOTAL', total(m), m === 'model' ? [rows.reduce((s, [, r]) => s + r.duplicates, 0)] : [])]));
    }
    const kinds = new Map<string, number[]>();
    for (const [, r] of rows) for (const f of r.facts) {
      const k = kinds.get(f.kind) ?? [0, 0, 0, 0];
      if (f.required) { k[1]!++; if (f.found) k[0]!++; } else { k[3]!++; if (f.found) k[2]!++; }
      kinds.set(f.kind, k);
    }
    out.push(table('IDENTITIES (required must all be found; the others are reported)', ['kind', 'required found', 'of', 'other found', 'of'], [...kinds].map(([k, v]) => [k, ...v])));
    const other = rows.flatMap(([n, r]) => r.facts.filter((f) => !f.required && !f.found).map((f) => `  ${n}: ${f.fact}`));
    out.push(['identities not found (not required):', ...other].join('\n'));
    out.push(['differences:', ...rows.flatMap(([n, r]) => r.notes.map((x) => `  ${n}: ${x}`))].join('\n'));
    console.log(out.join('\n\n'));

    // Floors, a few points under today's totals, whose every miss is explained: devices missed are
    // L2-only bridges (STP/DTP/PTP) no dissector handles; wrong vendors are registry names (IEEE's
    // "ELAU AG" where Wireshark says Schneider Electric); protocols missed have no dissector yet (NTP,
    // SMB, TDS, C37.118, PROFINET RT). A floor trips on a regression in the coupling, router, vendor
    // or protocol rules, which moves these by far more than a point. Model/firmware has none: its
    // required identities above are the guard. Vendor recall has none: it is bounded by BACnet vendor
    // ids the built-in table does not name.
    const floor = (m: Metric, p: number, r: number) => {
      const c = total(m);
      expect(c.tp / c.ours, `${m} precision`).toBeGreaterThanOrEqual(p);
      if (r > 0) expect(c.found / c.truth, `${m} recall`).toBeGreaterThanOrEqual(r);
    };
    expect(rows.length).toBeGreaterThan(0);
    floor('devices', 0.9, 0.9);
    floor('addresses', 0.95, 0.9);
    floor('vendor', 0.9, 0);
    floor('protocols', 0.95, 0.85);
    floor('connections', 0.95, 0.9);
  });
});

if (!HAVE_SHARED) {
  describe('inventory against tshark truth', () => {
    it.skip(SKIP_REASON, () => {});
  });
}

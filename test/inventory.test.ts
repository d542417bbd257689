// Inventory rules (issue 5; spec §1.4, §5) on small captures built here: what is a device and what
// is not, router MACs, layer-2-only devices, scanners, and ids that do not depend on anything but
// the capture. Each capture goes through the real pipeline; the inventory is materialized from it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { materialize, materializeSteps, type Inventory, type MaterializeOptions } from '../src/analyzers/inventory/devices.js';
import { InventoryObserver } from '../src/analyzers/inventory/observer.js';
import { defaultRegistry } from '../src/analyzers/inventory/oui.js';
import { Ingest } from '../src/ingest.js';
import { createSensor } from '../src/pipeline.js';
import { arpFrame, type Host, udpFrame } from './support/frames.js';
import { removeTempDirs, tempDir } from './support/env.js';
import { writePcap } from './support/pcap-writer.js';
import { InventoryService } from '../src/inventory-service.js';
import { openDatabase } from '../src/store/database.js';
import { prepareDataDir } from '../src/store/data-dir.js';

afterAll(() => removeTempDirs());

function capture(frames: Buffer[], startSec = 1_704_067_200): string {
  const path = join(tempDir(), 'c.pcap');
  writeFileSync(path, writePcap(frames.map((data, i) => ({ ts: { sec: startSec + i, nsec: 0 }, data }))).bytes);
  return path;
}

async function inventoryOf(frames: Buffer[], ids = new Map<string, number>()): Promise<Inventory> {
  const path = capture(frames);
  const obs = new InventoryObserver();
  await new Ingest(createSensor([obs]), { files: [path] }).run();
  return materialize(obs, { ids, vendorOfMac: (m) => defaultRegistry().vendorOf(m) });
}

const host = (n: number, mac = `00:1b:1b:00:00:${n.toString(16).padStart(2, '0')}`): Host => ({ mac, ip: `10.1.0.${n}` });
const ntp = Buffer.alloc(48, 0x23);
const devicesOf = (inv: Inventory) => inv.devices.map((d) => d.device);

describe('what is a device', () => {
  it('an IP that sends is a device with its MAC and the OUI vendor; a broadcast destination is not', async () => {
    const a = host(1), b = host(2);
    const inv = await inventoryOf([
      udpFrame(a, b, 40000, 123, ntp), udpFrame(b, a, 123, 40000, ntp),
      udpFrame(a, { mac: 'ff:ff:ff:ff:ff:ff', ip: '10.1.0.255' }, 40001, 514, Buffer.from('<13>hello')),
    ]);
    expect(devicesOf(inv).map((d) => [d.ipAddresses, d.macAddresses, d.vendor])).toEqual([
      [['10.1.0.1'], ['00:1b:1b:00:00:01'], 'Siemens AG,'],
      [['10.1.0.2'], ['00:1b:1b:00:00:02'], 'Siemens AG,'],
    ]);
    expect(inv.connections).toHaveLength(1);
    expect(inv.connections[0]).toMatchObject({ firstDeviceId: 1, secondDeviceId: 2, ports: [123] });
  });

  it('an address only ever sent to (a scan target that never answers) is not a device', async () => {
    const a = host(1);
    const inv = await inventoryOf([udpFrame(a, host(9), 40000, 161, Buffer.from([0x30, 0x00])), udpFrame(a, host(10), 40000, 161, Buffer.from([0x30, 0x00]))]);
    expect(devicesOf(inv).map((d) => d.ipAddresses)).toEqual([['10.1.0.1']]);
    expect(inv.connections).toEqual([]);
  });

  it('a MAC sending for many IPs is a router: private IPs behind it are devices without a MAC, public ones are the Internet', async () => {
    const plc = host(20);
    const router = '00:00:0c:aa:bb:01';
    const remote = ['10.9.0.5', '10.9.0.6', '172.16.4.4', '8.8.8.8', '203.0.113.7'];
    const frames = remote.flatMap((ip, i) => [udpFrame({ mac: router, ip }, plc, 40000 + i, 123, ntp), udpFrame(plc, { mac: router, ip }, 123, 40000 + i, ntp)]);
    // the router's own address, bound to its MAC by ARP
    frames.push(arpFrame({ op: 'reply', senderMac: router, senderIp: '10.1.0.254', targetMac: plc.mac, targetIp: plc.ip }));
    const inv = await inventoryOf(frames);
    const ds = devicesOf(inv);
    const routerDevice = ds.find((d) => d.macAddresses?.[0] === router)!;
    expect(routerDevice.ipAddresses).toEqual(['10.1.0.254']);
    expect(routerDevice.vendor).toBe('Cisco Systems, Inc');
    for (const ip of ['10.9.0.5', '10.9.0.6', '172.16.4.4']) expect(ds.find((d) => d.ipAddresses?.includes(ip))?.macAddresses, ip).toBeNull();
    for (const ip of ['8.8.8.8', '203.0.113.7']) expect(ds.some((d) => d.ipAddresses?.includes(ip)), ip).toBe(false);
    expect(inv.connections.map((c) => c.secondDeviceId).every((id) => id === ds.find((d) => d.ipAddresses?.includes(plc.ip))!.id)).toBe(true);
    expect(inv.connections).toHaveLength(3);
  });

  it('a public address on the sensor\'s own link (its own MAC, ARP) is a device: plants run on public ranges', async () => {
    const plc = { mac: '00:1b:1b:35:84:10', ip: '141.81.0.146' }, hmi = { mac: '78:e7:d1:e0:02:5e', ip: '141.81.0.10' };
    const inv = await inventoryOf([udpFrame(hmi, plc, 40000, 123, ntp), udpFrame(plc, hmi, 123, 40000, ntp)]);
    expect(devicesOf(inv).map((d) => d.ipAddresses)).toEqual([['141.81.0.10'], ['141.81.0.146']]);
  });
});

describe('behaviour', () => {
  it('an ARP sweep makes its sender a scanner', async () => {
    const nmap = host(66, '00:50:56:00:00:66');
    const frames = Array.from({ length: 30 }, (_, i) => arpFrame({ op: 'request', senderMac: nmap.mac, senderIp: nmap.ip, targetIp: `10.1.0.${100 + i}` }));
    const ds = devicesOf(await inventoryOf(frames));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ ipAddresses: ['10.1.0.66'], scanner: true, vendor: 'VMware, Inc.' });
    const few = devicesOf(await inventoryOf(frames.slice(0, 5)));
    expect(few[0]!.scanner).toBe(false);
  });
});

describe('ids', () => {
  it('are numbered by first sight, kept for known keys, and continue after the highest', async () => {
    const a = host(1), b = host(2), c = host(3);
    const frames = [udpFrame(b, a, 40000, 123, ntp), udpFrame(a, b, 123, 40000, ntp), udpFrame(c, a, 40001, 123, ntp)];
    const first = devicesOf(await inventoryOf(frames)).map((d) => [d.id, d.ipAddresses![0]]);
    expect(first).toEqual([[1, '10.1.0.2'], [2, '10.1.0.1'], [3, '10.1.0.3']]);
    expect(devicesOf(await inventoryOf(frames)).map((d) => [d.id, d.ipAddresses![0]])).toEqual(first);
    // a data dir that already knows 10.1.0.1 as device 7
    const ids = new Map([[`mac:${a.mac}`, 7]]);
    expect(devicesOf(await inventoryOf(frames, ids)).map((d) => [d.id, d.ipAddresses![0]])).toEqual([[7, '10.1.0.1'], [8, '10.1.0.2'], [9, '10.1.0.3']]);
  });
});

describe('materialize in steps (the daemon runs it in slices, ingest going on in between)', () => {
  // 600 hosts talking in pairs: more than one step (500 items) of subjects, devices and pairs
  const hosts = Array.from({ length: 600 }, (_, i) => ({ mac: `02:00:00:00:${((i + 1) >> 8).toString(16).padStart(2, '0')}:${((i + 1) & 255).toString(16).padStart(2, '0')}`, ip: `10.2.${(i + 1) >> 8}.${(i + 1) & 255}` }));
  const talk = (a: Host, b: Host) => [udpFrame(a, b, 40000, 123, ntp), udpFrame(b, a, 123, 40000, ntp)];
  const opts = (): MaterializeOptions => ({ ids: new Map(), ipIds: new Map(), deviceMemo: new Map(), connectionMemo: { byKey: new Map(), keyOf: new Map() }, vendorOfMac: () => null });

  it('gives what materialize() gives, whatever the number of steps', async () => {
    const frames = hosts.flatMap((h, i) => (i % 2 ? [] : talk(h, hosts[i + 1]!)));
    const a = new InventoryObserver(), b = new InventoryObserver();
    const path = capture(frames);
    await new Ingest(createSensor([a]), { files: [path] }).run();
    await new Ingest(createSensor([b]), { files: [path] }).run();
    const whole = materialize(a, opts());
    const steps = materializeSteps(b, opts());
    let yields = 0;
    let r = steps.next();
    for (; !r.done; r = steps.next()) yields++;
    expect(yields).toBeGreaterThan(3);
    expect(JSON.stringify(r.value.devices)).toBe(JSON.stringify(whole.devices));
    expect(JSON.stringify(r.value.connections)).toBe(JSON.stringify(whole.connections));
    expect(whole.devices).toHaveLength(600);
  });

  it('traffic arriving between the steps is in the next flush, not lost', async () => {
    const obs = new InventoryObserver();
    const sensor = createSensor([obs]);
    await new Ingest(sensor, { files: [capture(hosts.flatMap((h, i) => (i % 2 ? [] : talk(h, hosts[i + 1]!))))] }).run();
    const o = opts();
    materialize(obs, o).written?.(); // the first flush: everything
    // later traffic on pair 3 <-> 4; the flush starts, and between its slices 1 <-> 2 talks again and 1 <-> 4 is new
    await new Ingest(sensor, { files: [capture(talk(hosts[2]!, hosts[3]!), 1_704_067_800)] }).run();
    const steps = materializeSteps(obs, o);
    steps.next();
    steps.next();
    // ... and a host never seen before (no device key yet in this flush) talks to 1
    const newcomer: Host = { mac: '02:00:00:00:0f:ff', ip: '10.2.15.255' };
    await new Ingest(sensor, { files: [capture([...talk(hosts[0]!, hosts[1]!), ...talk(hosts[0]!, hosts[3]!), ...talk(newcomer, hosts[0]!)], 1_704_067_900)] }).run();
    let r = steps.next();
    while (!r.done) r = steps.next();
    r.value.written?.();
    expect(r.value.connections.map((c) => [c.firstDeviceId, c.secondDeviceId, c.lastSeen])).toEqual([[3, 4, 1_704_067_801_000]]);
    const next = materialize(obs, o);
    expect(next.connections.map((c) => [c.firstDeviceId, c.secondDeviceId, c.lastSeen]).sort()).toEqual([[1, 2, 1_704_067_901_000], [1, 4, 1_704_067_903_000], [601, 1, 1_704_067_905_000]]);
    expect(next.devices.find((d) => d.device.id === 601)?.device.ipAddresses).toEqual([newcomer.ip]);
  });
});

describe('incremental writes', () => {
  it('a flush writes only the connections whose traffic changed, and the rows follow the traffic', async () => {
    const dir = tempDir();
    prepareDataDir(dir);
    const db = openDatabase(dir);
    try {
      const service = new InventoryService(db);
      const sensor = createSensor([service.observer]);
      const hosts = [1, 2, 3, 4].map((n) => host(n));
      const talk = (a: Host, b: Host) => [udpFrame(a, b, 40000, 123, ntp), udpFrame(b, a, 123, 40000, ntp)];
      await new Ingest(sensor, { files: [capture([...talk(hosts[0]!, hosts[1]!), ...talk(hosts[2]!, hosts[3]!)])] }).run();
      expect(service.flush()).toEqual({ devices: 4, connections: 2 });
      expect(service.flush()).toEqual({ devices: 0, connections: 0 });
      // later traffic on one pair, and a new pair: two rows change, the third pair is not touched
      await new Ingest(sensor, { files: [capture([...talk(hosts[0]!, hosts[1]!), ...talk(hosts[0]!, hosts[2]!)], 1_704_067_300)] }).run();
      // 10.1.0.1's evidence grew (a new peer) so its object was rebuilt, but it came out the same: no row.
      // Written as the daemon writes: one row per transaction here, the event loop free in between.
      expect(await service.flushInSlices(1)).toEqual({ devices: 0, connections: 2 });
      expect(service.store.version()).toBe(2);
      const rows = JSON.parse(service.store.connectionsJson({}, 0)) as Array<{ firstDeviceId: number; secondDeviceId: number; lastSeen: number }>;
      expect(rows.map((r) => [r.firstDeviceId, r.secondDeviceId, r.lastSeen])).toEqual([
        [1, 2, 1_704_067_301_000], [1, 3, 1_704_067_303_000], [3, 4, 1_704_067_203_000],
      ]);
    } finally {
      db.close();
    }
  });
});

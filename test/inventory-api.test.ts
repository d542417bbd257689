// The inventory over the API (issue 5; spec §1.4-1.6): a daemon replays project captures, then the
// devices and connections are checked field by field, filter by filter, across a restart, and against
// what `otsensor devices/connections` print from another process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, ROOT, runCli, startApp, tempDir, type TestApp } from './support/env.js';

const CAPTURES = ['demo/plant-demo.pcapng', 's7comm/identify-read-write.pcap', 's7comm/block-download.pcap', 'cdp/neighbours.pcap', 'dhcp/dhcp-dora.pcap']
  .map((c) => join(ROOT, 'pcaps', c));
const DEVICE_KEYS = ['id', 'ipAddresses', 'name', 'vendor', 'operatingSystem', 'macAddresses', 'type', 'engineeringStation', 'authorized', 'scanner', 'protocols', 'firmware', 'hasDynamicAddress'];
const CONNECTION_KEYS = ['firstDeviceId', 'secondDeviceId', 'lastSeen', 'discovered', 'ports', 'protocols'];
const FIRMWARE_KEYS = ['slot', 'additionalData', 'moduleAddress', 'rack', 'address', 'model', 'serial', 'firmwareVersion'];

interface Device { id: number; ipAddresses: string[] | null; name: string; vendor: string | null; macAddresses: string[] | null; type: string; engineeringStation: boolean; authorized: boolean; hasDynamicAddress: boolean; protocols: Array<{ id: number; name: string; addresses: string[] }>; firmware: Array<Record<string, string>> }
interface Connection { firstDeviceId: number; secondDeviceId: number; lastSeen: number; discovered: number; ports: number[]; protocols: Array<{ name: string; commands: string[] }> }

let app: TestApp;
let dataDir: string;
let token: string;
let devices: Device[];
let connections: Connection[];
const get = (path: string, t = token) => app.http().get(path).set('Authorization', t);

beforeAll(async () => {
  dataDir = tempDir();
  app = await startApp(dataDir, { ingest: { files: CAPTURES } });
  await app.daemon.ingestDone;
  token = app.token('read-only');
  devices = (await get('/api/v1/devices')).body as Device[];
  connections = (await get('/api/v1/devices/connections')).body as Connection[];
}, 60_000);
afterAll(async () => { await app?.close(); removeTempDirs(); });

const byName = (n: string) => devices.find((d) => d.name === n);
const byIp = (ip: string) => devices.find((d) => d.ipAddresses?.includes(ip));

describe('GET /api/v1/devices', () => {
  it('serves every device with the documented fields in order, types and nulls', () => {
    expect(devices.length).toBeGreaterThanOrEqual(12);
    for (const d of devices) {
      expect(Object.keys(d)).toEqual(DEVICE_KEYS);
      expect(Number.isInteger(d.id)).toBe(true);
      expect(typeof d.name).toBe('string');
      expect(d.ipAddresses === null || Array.isArray(d.ipAddresses)).toBe(true);
      expect(d.macAddresses === null || d.macAddresses.length > 0).toBe(true);
      for (const f of d.firmware) expect(Object.keys(f)).toEqual(FIRMWARE_KEYS);
      for (const p of d.protocols) expect(Object.keys(p)).toEqual(['id', 'name', 'addresses']);
    }
    expect(new Set(devices.map((d) => d.id)).size).toBe(devices.length);
  });

  it('identifies the S7 PLC from its SZL answers, merged into one firmware entry with rack and slot from the TSAP', () => {
    const plc = byName('PLANT-DEMO-PLC')!;
    expect(plc).toMatchObject({ ipAddresses: ['10.102.0.20'], vendor: 'Siemens', type: 'PLC', engineeringStation: false });
    expect(plc.firmware).toEqual([{ slot: '2', additionalData: 'CPU 315-2 PN/DP', moduleAddress: 'N/A', rack: '0', address: '10.102.0.20', model: '6ES7 315-2EH14-0AB0', serial: 'S C-X0DEMO0012024', firmwareVersion: 'V3.2.6' }]);
    expect(plc.protocols).toEqual([{ id: 16, name: 'Siemens S7', addresses: [] }]);
    // the programming station: it downloaded a block and stopped the PLC
    expect(byIp('10.102.0.10')).toMatchObject({ type: 'Engineering Station', engineeringStation: true, name: '10.102.0.10' });
  });

  it('names devices by what they say (DHCP, CDP), else by IP, and takes the vendor from the OUI', () => {
    expect(byIp('10.0.0.50')).toMatchObject({ name: 'ENG-WS01', vendor: 'Hewlett Packard' });
    expect(byIp('10.0.0.22')).toMatchObject({ name: '10.0.0.22', vendor: 'Siemens AG,', type: 'PLC' });
    expect(byIp('192.168.50.21')).toMatchObject({ name: 'plc-line1', hasDynamicAddress: true });
    // a switch seen only in CDP: a device with a MAC and no IP
    const sw = byName('plant-sw-1.example.net')!;
    expect(sw).toMatchObject({ type: 'Switch', vendor: 'Cisco', ipAddresses: null });
    expect(sw.macAddresses).toHaveLength(1);
  });

  it('does not make devices of broadcast addresses', () => {
    expect(devices.some((d) => d.ipAddresses?.includes('255.255.255.255'))).toBe(false);
    expect(devices.some((d) => d.macAddresses?.includes('ff:ff:ff:ff:ff:ff'))).toBe(false);
  });

  it('filters by authorized, treats an empty value as absent, and refuses other values with 400 JSON', async () => {
    expect((await get('/api/v1/devices?authorized=true')).body).toHaveLength(devices.length);
    expect((await get('/api/v1/devices?authorized=false')).body).toEqual([]);
    expect((await get('/api/v1/devices?authorized=')).body).toHaveLength(devices.length);
    expect((await get('/api/v1/devices/')).body).toHaveLength(devices.length);
    const bad = await get('/api/v1/devices?authorized=yes');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'authorized must be true or false, not "yes"' });
  });

  it('/healthz counts the stored inventory and reports the last flush', async () => {
    const h = (await app.http().get('/healthz')).body;
    expect(h.inventory.devices).toBe(devices.length);
    expect(h.inventory.connections).toBe(connections.length);
    expect(h.inventory.lastFlush.ms).toBeGreaterThan(0);
  });

  it('needs a valid token', async () => {
    const none = await app.http().get('/api/v1/devices');
    expect(none.status).toBe(401);
    expect((await get('/api/v1/devices', 'ots_nonsense')).status).toBe(401);
  });
});

describe('GET /api/v1/devices/connections', () => {
  it('serves one connection per device pair with the documented fields and commands by name', () => {
    expect(connections.length).toBeGreaterThanOrEqual(7);
    const pairs = new Set<string>();
    for (const c of connections) {
      expect(Object.keys(c)).toEqual(CONNECTION_KEYS);
      expect(c.lastSeen).toBeGreaterThanOrEqual(c.discovered);
      const key = [c.firstDeviceId, c.secondDeviceId].sort().join();
      expect(pairs.has(key)).toBe(false);
      pairs.add(key);
    }
    const s7 = connections.find((c) => c.firstDeviceId === byIp('10.102.0.10')!.id && c.secondDeviceId === byName('PLANT-DEMO-PLC')!.id)!;
    expect(s7.ports).toEqual([102]);
    expect(s7.protocols).toHaveLength(1);
    expect(s7.protocols[0]!.name).toBe('s7comm');
    expect(s7.protocols[0]!.commands).toEqual(expect.arrayContaining(['Read SZL', 'Write Var', 'Request download', 'Download block', 'PI-Service']));
    expect(s7.protocols[0]!.commands).not.toContain('COTP Connection Request');
    expect(connections.some((c) => c.protocols.some((p) => p.name === 'modbus' && p.commands.includes('Write Multiple Registers')))).toBe(true);
  });

  it('filters by discovery time and by activity relative to the sensor clock (capture time)', async () => {
    const times = connections.map((c) => c.discovered).sort((a, b) => a - b);
    const mid = times[Math.floor(times.length / 2)]!;
    const after = (await get(`/api/v1/devices/connections?discoveredAfter=${mid}`)).body as Connection[];
    expect(after.length).toBe(connections.filter((c) => c.discovered > mid).length);
    const before = (await get(`/api/v1/devices/connections?discoveredBefore=${mid}`)).body as Connection[];
    expect(before.length).toBe(connections.filter((c) => c.discovered < mid).length);
    expect(after.length + before.length).toBeLessThan(connections.length + 1);
    // The sensor clock is the latest capture time ingested: dhcp-dora's last packet (2026), whose
    // broadcasts make no connection. Counting back just far enough reaches the S7 session of
    // 2024-01-03 but not the demo's connections of 2024-01-01.
    const clock = JSON.parse(readFileSync(join(ROOT, 'fixtures/golden/dhcp/dhcp-dora.pcap/stats.json'), 'utf8')).lastTs / 1000;
    const s7Seen = Math.max(...connections.filter((c) => c.protocols.some((p) => p.name === 's7comm')).map((c) => c.lastSeen));
    const minutes = Math.floor((clock - s7Seen) / 60_000) + 1;
    const recent = (await get(`/api/v1/devices/connections?lastActiveInMinutes=${minutes}`)).body as Connection[];
    expect(recent).toEqual(connections.filter((c) => c.lastSeen >= clock - minutes * 60_000));
    expect(recent.map((c) => c.protocols[0]!.name)).toEqual(['s7comm']);
    expect((await get('/api/v1/devices/connections?lastActiveInMinutes=1')).body).toEqual([]);
    const empty = await get('/api/v1/devices/connections?lastActiveInMinutes=&discoveredBefore=&discoveredAfter=');
    expect(empty.body).toHaveLength(connections.length);
  });

  it('refuses malformed parameters with 400 JSON naming the parameter', async () => {
    for (const q of ['discoveredAfter=abc', 'discoveredBefore=-5', 'lastActiveInMinutes=1.5', 'lastActiveInMinutes=1&lastActiveInMinutes=2']) {
      const r = await get(`/api/v1/devices/connections?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error, q).toMatch(/^(discoveredAfter|discoveredBefore|lastActiveInMinutes) must/);
    }
  });

  it('serves one device\'s connections, 404 for an unknown device and 400 for a non-number', async () => {
    const id = byName('PLANT-DEMO-PLC')!.id;
    const mine = (await get(`/api/v1/devices/${id}/connections`)).body as Connection[];
    expect(mine).toEqual(connections.filter((c) => c.firstDeviceId === id || c.secondDeviceId === id));
    expect(mine.length).toBeGreaterThan(0);
    const missing = await get('/api/v1/devices/99999/connections');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'no device with id 99999' });
    expect((await get('/api/v1/devices/abc/connections')).status).toBe(400);
  });
});

describe('persistence and stable ids', () => {
  it('survives a restart: a new daemon on the same data dir serves the same inventory', async () => {
    await app.close();
    app = await startApp(dataDir);
    token = app.token('read-only');
    expect((await get('/api/v1/devices')).body).toEqual(devices);
    expect((await get('/api/v1/devices/connections')).body).toEqual(connections);
  }, 30_000);

  it('gives the same ids when the same captures are replayed into a fresh data dir, and the CLI prints what the API serves', async () => {
    const fresh = tempDir();
    const replay = await runCli(['replay', '--json', ...CAPTURES], { dataDir: fresh });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout).inventory).toEqual({ devices: devices.length, connections: connections.length });
    const cliDevices = await runCli(['devices', '--json'], { dataDir: fresh });
    expect(JSON.parse(cliDevices.stdout)).toEqual(devices);
    const cliConnections = await runCli(['connections', '--json'], { dataDir: fresh });
    expect(JSON.parse(cliConnections.stdout)).toEqual(connections);
    // replaying again into the same dir changes nothing: same keys, same ids
    await runCli(['replay', '--json', ...CAPTURES], { dataDir: fresh });
    expect(JSON.parse((await runCli(['devices', '--json'], { dataDir: fresh })).stdout)).toEqual(devices);
    const table = await runCli(['devices'], { dataDir: fresh });
    expect(table.stdout).toMatch(/PLANT-DEMO-PLC\s+10\.102\.0\.20/);
  }, 60_000);
});

// API behaviour no other test pins down (spec §0.1, §1.1-1.10, §1.16, §2.4-2.7, §4, §5.4, §7.1;
// wire-format.md §1-3): filters whose effect was unchecked, documented errors nobody provoked, and
// the wire types of fields (epoch milliseconds, null vs absent, v1 vs v2, console vs sensor).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/auth/context.js';
import { removeTempDirs, ROOT, startApp, tempDir, type TestApp } from './support/env.js';
import { udpFrame } from './support/frames.js';
import { writePcap, type Packet } from './support/pcap-writer.js';

interface Device { id: number; ipAddresses: string[] | null; macAddresses: string[] | null; name: string; vendor: string | null; operatingSystem: string | null; type: string; engineeringStation: boolean; authorized: boolean; scanner: boolean; hasDynamicAddress: boolean; protocols: Array<{ id: number; name: string; addresses: unknown[] }>; firmware: unknown }
interface Connection { firstDeviceId: number; secondDeviceId: number; lastSeen: number; discovered: number; ports: number[] | null; protocols: Array<{ name: string; commands: string[] | null }> | null }
interface Alert { id: number; time: number; title: string; severity: string; engine: string; sourceDevice: number | null; destinationDevice: number | null; additionalInformation: unknown; sourceDeviceAddress?: string | null; destinationDeviceAddress?: string | null; remediationSteps?: unknown }
interface Event { timestamp: number; type: string; title: string; severity: string; owner: string | null; content: string }

const SEVERITIES = ['Warning', 'Minor', 'Major', 'Critical'];
const ENGINES = ['Protocol Violation', 'Policy Violation', 'Malware', 'Anomaly', 'Operational'];
// §4, last paragraph: the titles behind `type=unexpected new devices`
const NEW_DEVICE_TITLES = ['New Asset Detected', 'Field Device Discovered Unexpectedly', 'New LLDP Device Configuration'];
const Y2024 = Date.UTC(2024, 0, 1);
const isMs = (t: unknown, hi: number) => Number.isInteger(t) && (t as number) >= Y2024 && (t as number) <= hi;

afterAll(() => removeTempDirs());

// ---------------------------------------------------------------------------------------------
// A sensor with learning off (§5.6): new devices are unauthorized and raise Policy alerts. The
// captures span 2024-01-01 to 2026, so the sensor clock is far past most events (§1.10 clamp).
// ---------------------------------------------------------------------------------------------
describe('sensor with learning off, replaying project captures', () => {
  let app: TestApp;
  let reader: string;
  let analyst: string;
  let devices: Device[];
  let clock: number;
  let adminPassword: string;
  const get = (path: string, t = reader) => app.http().get(path).set('Authorization', t);
  const ANALYST_PW = 'Analyst#2024';
  const VIEWER_PW = 'Viewer#2024a';

  beforeAll(async () => {
    const dir = tempDir();
    app = await startApp(dir);
    adminPassword = app.adminPassword; // made on first start only
    app.daemon.appliance.config.mutate((d) => { d.settings.detection.learning = false; });
    await app.close();
    const files = ['demo/plant-demo.pcapng', 's7comm/plc-stop-start.pcap', 'dhcp/dhcp-dora.pcap'].map((c) => join(ROOT, 'pcaps', c));
    app = await startApp(dir, { ingest: { files } });
    await app.daemon.ingestDone;
    reader = app.token('read-only');
    analyst = app.token('security-analyst');
    await app.daemon.appliance.users.add('analyst', 'security-analyst', ANALYST_PW, SYSTEM);
    await app.daemon.appliance.users.add('viewer', 'read-only', VIEWER_PW, SYSTEM);
    devices = (await get('/api/v1/devices')).body as Device[];
    clock = (await app.http().get('/healthz')).body.ingest.captureTime as number;
  }, 60_000);
  afterAll(async () => { await app?.close(); });

  it('§1.4 authorized=true / false split the inventory into authorized and unauthorized devices', async () => {
    const yes = (await get('/api/v1/devices?authorized=true')).body as Device[];
    const no = (await get('/api/v1/devices?authorized=false')).body as Device[];
    expect(no.length).toBeGreaterThan(0);
    expect(yes.every((d) => d.authorized === true)).toBe(true);
    expect(no.every((d) => d.authorized === false)).toBe(true);
    expect([...yes, ...no].map((d) => d.id).sort((a, b) => a - b)).toEqual(devices.map((d) => d.id).sort((a, b) => a - b));
  });

  it('§1.4, wire-format §1: device field types — booleans, nullable arrays, lower-case colon MACs, protocol objects', () => {
    expect(devices.length).toBeGreaterThan(0);
    for (const d of devices) {
      for (const k of ['engineeringStation', 'authorized', 'scanner', 'hasDynamicAddress'] as const) expect(typeof d[k], `${d.name}.${k}`).toBe('boolean');
      expect(typeof d.type).toBe('string');
      expect(d.vendor === null || typeof d.vendor === 'string').toBe(true);
      expect(d.operatingSystem === null || typeof d.operatingSystem === 'string').toBe(true);
      expect(d.macAddresses === null || d.macAddresses.every((m) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(m))).toBe(true);
      expect(d.ipAddresses === null || d.ipAddresses.every((ip) => typeof ip === 'string')).toBe(true);
      expect(Array.isArray(d.firmware) || d.firmware === null).toBe(true);
      for (const p of d.protocols) {
        expect(Number.isInteger(p.id)).toBe(true);
        expect(typeof p.name).toBe('string');
        expect(Array.isArray(p.addresses)).toBe(true);
      }
    }
  });

  it('§1.5, §5.4: connection times are epoch ms on the capture clock; protocol names are lower-case dissector names', async () => {
    const conns = (await get('/api/v1/devices/connections')).body as Connection[];
    expect(conns.length).toBeGreaterThan(0);
    const ids = new Set(devices.map((d) => d.id));
    for (const c of conns) {
      expect(isMs(c.discovered, clock) && isMs(c.lastSeen, clock), JSON.stringify(c)).toBe(true);
      expect(ids.has(c.firstDeviceId) && ids.has(c.secondDeviceId)).toBe(true);
      expect(c.ports === null || c.ports.every((p) => Number.isInteger(p))).toBe(true);
      for (const p of c.protocols ?? []) {
        expect(p.name).toBe(p.name.toLowerCase());
        expect(p.commands === null || p.commands.every((x) => typeof x === 'string')).toBe(true);
      }
    }
  });

  it('§1.9, §4: type=unexpected new devices (encoded either way) and the 2020 spelling select the new-device alerts', async () => {
    const all = (await get('/api/v1/alerts')).body as Alert[];
    const spaced = (await get('/api/v1/alerts?type=unexpected%20new%20devices')).body as Alert[];
    expect(spaced.length).toBeGreaterThan(0);
    expect(spaced.length).toBeLessThan(all.length);
    expect(spaced.every((a) => NEW_DEVICE_TITLES.includes(a.title))).toBe(true);
    expect(spaced.map((a) => a.id)).toEqual(all.filter((a) => NEW_DEVICE_TITLES.includes(a.title)).map((a) => a.id));
    for (const q of ['type=unexpected+new+devices', 'type=unexpected_new_devices']) {
      expect(((await get(`/api/v1/alerts?${q}`)).body as Alert[]).map((a) => a.id), q).toEqual(spaced.map((a) => a.id));
    }
    // combined with state, as in the doc's curl
    expect(((await get('/api/v1/alerts?state=unhandled&type=unexpected%20new%20devices')).body as Alert[]).length).toBe(spaced.length);
    expect((await get('/api/v1/alerts?state=handled&type=unexpected%20new%20devices')).body).toEqual([]);
  });

  it('§1.9: fromTime is inclusive, toTime exclusive — the doc example\'s 1 ms window returns the alerts of that millisecond', async () => {
    const all = (await get('/api/v1/alerts')).body as Alert[];
    for (const t of [...new Set(all.map((a) => a.time))].slice(0, 3)) {
      for (const v of ['v1', 'v2']) {
        const hit = (await get(`/api/${v}/alerts?fromTime=${t}&toTime=${t + 1}`)).body as Alert[];
        expect(hit.map((a) => a.id), `${v} ${t}`).toEqual(all.filter((a) => a.time === t).map((a) => a.id));
      }
      expect((await get(`/api/v1/alerts?fromTime=${t}&toTime=${t}`)).body).toEqual([]);
    }
  });

  it('§1.6 note: empty query parameters, as the doc curl templates send them, are ignored on alerts', async () => {
    const all = (await get('/api/v1/alerts')).body as Alert[];
    const empty = await get('/api/v1/alerts?state=&fromTime=&toTime=&type=');
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual(all);
  });

  it('§1.9, §7.1: every alert has the documented types; v2 = v1 + three fields, and takes the same filters', async () => {
    const v1 = (await get('/api/v1/alerts')).body as Alert[];
    const v2 = (await get('/api/v2/alerts')).body as Alert[];
    expect(v1.length).toBeGreaterThan(1);
    const byId = new Map(devices.map((d) => [d.id, d]));
    for (const a of v2) {
      expect(isMs(a.time, clock), `time ${a.time}`).toBe(true);
      expect(SEVERITIES).toContain(a.severity);
      expect(ENGINES).toContain(a.engine);
      expect(Array.isArray(a.remediationSteps) && (a.remediationSteps as unknown[]).every((s) => typeof s === 'string')).toBe(true);
      const info = a.additionalInformation as { description: unknown; information: unknown } | null;
      if (info !== null) {
        expect(typeof info.description).toBe('string');
        expect(Array.isArray(info.information)).toBe(true);
      }
      // device ids refer to /api/v1/devices; the v2 address is an IP or MAC of that device
      for (const [dev, addr] of [[a.sourceDevice, a.sourceDeviceAddress], [a.destinationDevice, a.destinationDeviceAddress]] as const) {
        expect(dev === null || byId.has(dev), `device ${dev}`).toBe(true);
        expect(addr === null || typeof addr === 'string').toBe(true);
        if (dev !== null && addr) {
          const d = byId.get(dev)!;
          expect([...(d.ipAddresses ?? []), ...(d.macAddresses ?? [])]).toContain(addr);
        }
      }
      const { sourceDeviceAddress: _s, destinationDeviceAddress: _d, remediationSteps: _r, ...base } = a;
      expect(v1.find((x) => x.id === a.id)).toEqual(base);
    }
    const t = v1[1]!.time;
    for (const q of [`fromTime=${t}`, `toTime=${t}`, 'state=unhandled', 'state=handled', 'type=unexpected%20new%20devices', 'type=whatever']) {
      const a = ((await get(`/api/v1/alerts?${q}`)).body as Alert[]).map((x) => x.id);
      const b = ((await get(`/api/v2/alerts?${q}`)).body as Alert[]).map((x) => x.id);
      expect(b, q).toEqual(a);
    }
    expect((await get('/api/v2/alerts?state=open')).status).toBe(400);
  });

  it('§2.4: the console ignores an unknown state (the sensor refuses it) and filters by time, site, zone and sensor', async () => {
    const all = (await get('/external/v1/alerts')).body as Array<Alert & { handled: unknown; sensorId: unknown }>;
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((a) => typeof a.handled === 'boolean')).toBe(true);
    const bogus = await get('/external/v1/alerts?state=open');
    expect(bogus.status).toBe(200);
    expect(bogus.body).toHaveLength(all.length);
    expect((await get('/api/v1/alerts?state=open')).status).toBe(400);
    const t = all[all.length - 1]!.time;
    expect(((await get(`/external/v1/alerts?fromTime=${t}`)).body as Alert[]).map((a) => a.id)).toEqual(all.filter((a) => a.time >= t).map((a) => a.id));
    expect(((await get(`/external/v2/alerts?toTime=${t}`)).body as Alert[]).map((a) => a.id)).toEqual(all.filter((a) => a.time < t).map((a) => a.id));
    expect((await get('/external/v1/alerts?siteId=1&zoneId=1&sensorId=1')).body).toHaveLength(all.length);
    for (const q of ['siteId=2', 'zoneId=2', 'sensorId=2']) expect((await get(`/external/v1/alerts?${q}`)).body, q).toEqual([]);
  });

  it('§2.4: console v2 adds non-null remediationSteps and nullable addresses; absent devices are 0, never null', async () => {
    const c2 = (await get('/external/v2/alerts')).body as Array<Record<string, unknown>>;
    expect(c2.length).toBeGreaterThan(0);
    for (const a of c2) {
      expect(Array.isArray(a.remediationSteps)).toBe(true);
      expect(a.sourceDeviceAddress === null || typeof a.sourceDeviceAddress === 'string').toBe(true);
      expect(a.destinationDeviceAddress === null || typeof a.destinationDeviceAddress === 'string').toBe(true);
      expect(Number.isInteger(a.sourceDevice) && Number.isInteger(a.destinationDevice)).toBe(true);
      for (const k of ['sensorName', 'zoneName', 'siteName']) expect(typeof a[k]).toBe('string');
    }
    // the sensor's null is the console's 0 for the same alert
    const s1 = (await get('/api/v1/alerts')).body as Alert[];
    const nulled = s1.find((a) => a.destinationDevice === null);
    expect(nulled).toBeDefined();
    expect(c2.find((a) => a.id === nulled!.id)!.destinationDevice).toBe(0);
  });

  it('§1.10: minutesTimeFrame above 4320 is clamped to 4320, counted back from the capture clock', async () => {
    const all = (await get('/api/v1/events')).body as Event[];
    const threeDays = (await get('/api/v1/events?minutesTimeFrame=4320')).body as Event[];
    const huge = (await get('/api/v1/events?minutesTimeFrame=100000000')).body as Event[];
    expect(threeDays.length).toBeGreaterThan(0);
    expect(all.length).toBeGreaterThan(threeDays.length); // the 2024 events lie years before the clock
    expect(huge).toEqual(threeDays);
    expect(threeDays.every((e) => e.timestamp >= clock - 4320 * 60_000)).toBe(true);
  });

  it('§1.10, §3: event fields — epoch ms timestamp, INFO/NOTICE/ALERT, owner null for detected events', async () => {
    const all = (await get('/api/v1/events')).body as Event[];
    for (const e of all) {
      expect(isMs(e.timestamp, clock), `${e.timestamp}`).toBe(true);
      expect(['INFO', 'NOTICE', 'ALERT']).toContain(e.severity);
      expect(e.owner).toBeNull();
      expect(typeof e.content).toBe('string');
    }
    // new alerts add ALERT_REPORTED "Alert Detected" whose content is the alert message (§3 notes)
    const reported = all.filter((e) => e.type === 'ALERT_REPORTED');
    expect(reported.length).toBeGreaterThan(0);
    expect(reported.every((e) => e.title === 'Alert Detected' && e.severity === 'ALERT')).toBe(true);
  });

  it('wire-format §3.2/3.4: every list endpoint answers a top-level JSON array with a JSON content type', async () => {
    const conns = (await get('/api/v1/devices/connections')).body as Connection[];
    for (const p of ['/api/v1/devices', '/api/v1/devices/', '/api/v1/devices/connections', `/api/v1/devices/${conns[0]!.firstDeviceId}/connections`,
      '/api/v1/alerts', '/api/v2/alerts', '/api/v1/events', '/external/v1/alerts', '/external/v2/alerts']) {
      const r = await get(p);
      expect(r.status, p).toBe(200);
      expect(r.headers['content-type'], p).toMatch(/^application\/json/);
      expect(Array.isArray(r.body), p).toBe(true);
    }
  });

  it('§0.1, §8.1: every token endpoint refuses a missing token and the doc sample token with 401 JSON', async () => {
    const routes: Array<[string, string]> = [['get', '/api/v1/devices'], ['get', '/api/v1/devices/connections'], ['get', '/api/v1/devices/1/connections'],
      ['get', '/api/v1/alerts'], ['get', '/api/v2/alerts'], ['get', '/api/v1/events'], ['get', '/external/v1/alerts'], ['get', '/external/v2/alerts'],
      ['get', '/api/v2/alerts/pcap/1'], ['get', '/external/v2/alerts/pcap/1'], ['put', '/external/v1/alerts/1-1'], ['put', '/api/v1/alerts/1']];
    for (const [m, p] of routes) {
      const h = app.http();
      const req = m === 'put' ? h.put(p).send('{"action": "handle"}') : h.get(p);
      const r = await req;
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(r.headers['content-type'], p).toMatch(/^application\/json/);
      expect(typeof r.body.error, p).toBe('string');
    }
    for (const p of ['/api/v1/devices', '/api/v2/alerts', '/api/v1/events']) {
      expect((await get(p, '1234b734a9244d54ab8d40aedddcabcd')).status, p).toBe(401);
    }
  });

  it('§0.1: data endpoints are GET only — a write to them changes nothing and answers JSON 4xx', async () => {
    const admin = app.token('admin');
    for (const [m, p] of [['post', '/api/v1/devices'], ['delete', '/api/v1/devices'], ['post', '/api/v1/alerts'], ['delete', '/api/v2/alerts'], ['post', '/api/v1/events']] as const) {
      const r = await app.http()[m](p).set('Authorization', admin);
      expect([404, 405], `${m} ${p}`).toContain(r.status);
      expect(typeof r.body.error).toBe('string');
    }
    expect((await get('/api/v1/devices')).body).toEqual(devices);
  });

  it('§1.16, §2.7, §6.2: PCAP requests — a bad id is 400, the console request needs Security Analyst, the file names the alert', async () => {
    expect((await get('/api/v2/alerts/pcap/abc', analyst)).status).toBe(400);
    expect((await get('/external/v2/alerts/pcap/abc', analyst)).status).toBe(400);
    const stop = ((await get('/api/v1/alerts')).body as Alert[]).find((a) => a.title === 'An S7 Stop PLC Command was Sent')!;
    expect(stop).toBeDefined();
    expect((await get(`/external/v2/alerts/pcap/${stop.id}`, reader)).status).toBe(403);
    const minted = (await get(`/external/v2/alerts/pcap/${stop.id}`, analyst)).body as Record<string, unknown>;
    expect(minted).toMatchObject({ id: stop.id, xsenseAlertId: stop.id, xsenseId: expect.any(Number), token: expect.any(String) });
    expect(new URL(minted.downloadUrl as string).pathname).toBe(`/api/v2/alerts/pcap/${stop.id}`);
    const file = await app.http().get(`/api/v2/alerts/pcap/${stop.id}`).set('Authorization', minted.token as string);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toBe(`attachment; filename="alert_${stop.id}.pcap"`);
  });

  it('§1.3, §6.3: an Admin may reset a Security Analyst and (2023) its own password by admin API', async () => {
    const path = '/api/external/authentication/set_password_by_admin';
    const analystNew = 'Analyst#2025';
    let r = await app.http().post(path).send({ admin_username: 'admin', admin_password: adminPassword, username: 'analyst', new_password: analystNew });
    expect([r.status, r.body]).toEqual([200, { msg: 'Password has been replaced' }]);
    expect((await app.http().post('/api/external/authentication/validation').send({ username: 'analyst', password: analystNew })).status).toBe(200);
    const adminNew = 'Admin#Self2025';
    r = await app.http().post(path).send({ admin_username: 'admin', admin_password: adminPassword, username: 'admin', new_password: adminNew });
    expect([r.status, r.body]).toEqual([200, { msg: 'Password has been replaced' }]);
    expect((await app.http().post('/external/authentication/validation').send({ username: 'admin', password: adminNew })).status).toBe(200);
    expect((await app.http().post('/external/authentication/validation').send({ username: 'admin', password: adminPassword })).status).toBe(401);
  });

  it('§1.2, §1.3: a missing body field is a 400 in the auth error shape, naming the field', async () => {
    const r = await app.http().post('/external/authentication/set_password').send({ username: 'viewer', password: VIEWER_PW });
    expect([r.status, r.body]).toEqual([400, { error: { userDisplayErrorMessage: "missing field 'new_password'" } }]);
    const a = await app.http().post('/api/external/authentication/set_password_by_admin').send({ admin_username: 'admin', admin_password: 'x', new_password: 'Whatever#123' });
    expect(a.status).toBe(400);
    expect(a.body.error.userDisplayErrorMessage).toMatch(/username/);
  });
});

// ---------------------------------------------------------------------------------------------
// A synthetic capture with 70 clients of one DNS server: 141 timeline events (more than the 100
// the API returns) and connection times with known millisecond parts.
// ---------------------------------------------------------------------------------------------
describe('sensor fed 70 clients of one server', () => {
  const T0 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z, µs
  const N = 70;
  const SERVER = { mac: '02:00:00:00:00:01', ip: '10.9.0.1' };
  const client = (i: number) => ({ mac: `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`, ip: `10.9.1.${i + 10}` });
  const query = Buffer.from('12340100000100000000000001610000010001', 'hex');
  const answer = Buffer.from('12348180000100000000000001610000010001', 'hex');
  // client i asks at i s + 123.456 ms; the server answers at (100 + i) s + 654.321 ms
  const askedMs = (i: number) => T0 / 1000 + i * 1000 + 123;
  const answeredMs = (i: number) => T0 / 1000 + (100 + i) * 1000 + 654;
  let app: TestApp;
  let token: string;
  const get = (path: string) => app.http().get(path).set('Authorization', token);

  beforeAll(async () => {
    const packets: Packet[] = [];
    for (let i = 0; i < N; i++) packets.push({ ts: T0 + i * 1_000_000 + 123_456, data: udpFrame(client(i), SERVER, 40000 + i, 53, query) });
    for (let i = 0; i < N; i++) packets.push({ ts: T0 + (100 + i) * 1_000_000 + 654_321, data: udpFrame(SERVER, client(i), 53, 40000 + i, answer) });
    const file = join(tempDir(), 'clients.pcap');
    writeFileSync(file, writePcap(packets).bytes);
    app = await startApp(tempDir(), { ingest: { files: [file] } });
    await app.daemon.ingestDone;
    token = app.token('read-only');
  }, 60_000);
  afterAll(async () => { await app?.close(); });

  it('§1.5, wire-format §2: discovered and lastSeen are the packet times in epoch milliseconds, ms part kept', async () => {
    const devices = (await get('/api/v1/devices')).body as Device[];
    const idOf = (ip: string) => devices.find((d) => d.ipAddresses?.includes(ip))!.id;
    const conns = (await get('/api/v1/devices/connections')).body as Connection[];
    expect(conns).toHaveLength(N);
    for (const i of [0, 1, 37, N - 1]) {
      const c = conns.find((x) => [x.firstDeviceId, x.secondDeviceId].sort().join() === [idOf(client(i).ip), idOf(SERVER.ip)].sort().join())!;
      expect(c, `client ${i}`).toBeDefined();
      expect([c.discovered, c.lastSeen]).toEqual([askedMs(i), answeredMs(i)]);
      expect(c.ports).toEqual([53]);
    }
  });

  it('§1.6: the per-device path takes the same filters as §1.5, relative to the capture clock', async () => {
    const devices = (await get('/api/v1/devices')).body as Device[];
    const server = devices.find((d) => d.ipAddresses?.includes(SERVER.ip))!.id;
    const mine = (await get(`/api/v1/devices/${server}/connections`)).body as Connection[];
    expect(mine).toHaveLength(N);
    const [lo, hi] = [askedMs(10), askedMs(20)];
    const window = (await get(`/api/v1/devices/${server}/connections?discoveredAfter=${lo}&discoveredBefore=${hi}`)).body as Connection[];
    expect(window).toEqual(mine.filter((c) => c.discovered > lo && c.discovered < hi));
    expect(window).toHaveLength(9);
    // the clock is the last packet (client 69's answer); one minute back reaches answers 9..69
    const recent = (await get(`/api/v1/devices/${server}/connections?lastActiveInMinutes=1`)).body as Connection[];
    expect(recent).toEqual(mine.filter((c) => c.lastSeen >= answeredMs(N - 1) - 60_000));
    expect(recent).toHaveLength(61);
    const client0 = devices.find((d) => d.ipAddresses?.includes(client(0).ip))!.id;
    expect((await get(`/api/v1/devices/${client0}/connections?discoveredAfter=${askedMs(0)}`)).body).toEqual([]);
    expect((await get(`/api/v1/devices/${server}/connections?discoveredAfter=soon`)).status).toBe(400);
  });

  it('§1.10: returns only the latest 100 events, newest first, dropping the oldest', async () => {
    const created = (await get('/api/v1/events?type=DEVICE_CREATE')).body as Event[];
    const connected = (await get('/api/v1/events?type=DEVICE_CONNECTION_CREATED')).body as Event[];
    expect(created.length + connected.length).toBeGreaterThan(100);
    const all = (await get('/api/v1/events')).body as Event[];
    expect(all).toHaveLength(100);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.timestamp).toBeGreaterThanOrEqual(all[i]!.timestamp);
    const oldestKept = all[all.length - 1]!.timestamp;
    expect(oldestKept).toBeGreaterThan(Math.min(...created.map((e) => e.timestamp)));
    const key = (e: Event) => `${e.type}|${e.timestamp}|${e.content}`;
    const kept = new Set(all.map(key));
    for (const e of [...created, ...connected]) if (e.timestamp > oldestKept) expect(kept.has(key(e)), key(e)).toBe(true);
    // the type filter is applied before the cap, and a client's Device Detected is at its first packet, in ms
    expect(created.find((e) => e.content.endsWith(` ${client(0).ip}`))!.timestamp).toBe(askedMs(0));
  });
});

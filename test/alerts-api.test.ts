// Alerts, events and alert PCAPs over HTTPS (issue 6; spec §1.9, §1.10, §1.16, §2.4, §2.5, §2.7): a
// daemon replays project captures, then v1/v2 and console shapes, filters, handling, the PCAP
// download-token rules and the events timeline are checked through the API.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempDirs, ROOT, startApp, tempDir, type TestApp } from './support/env.js';

const V1 = ['id', 'time', 'title', 'message', 'severity', 'engine', 'sourceDevice', 'destinationDevice', 'additionalInformation'];
const V2 = [...V1, 'sourceDeviceAddress', 'destinationDeviceAddress', 'remediationSteps'];
let app: TestApp;
let reader: string;
let analyst: string;
const get = (path: string, t = reader) => app.http().get(path).set('Authorization', t);

beforeAll(async () => {
  app = await startApp(tempDir(), { ingest: { files: ['s7comm/plc-stop-start.pcap', 'enip/write-and-mode.pcap'].map((c) => join(ROOT, 'pcaps', c)) } });
  await app.daemon.ingestDone;
  reader = app.token('read-only');
  analyst = app.token('security-analyst');
}, 60_000);
afterAll(async () => { await app?.close(); removeTempDirs(); });

describe('GET /api/v1/alerts and /api/v2/alerts', () => {
  it('v1 has the documented fields; v2 adds the addresses and remediation steps', async () => {
    const v1 = (await get('/api/v1/alerts')).body as Array<Record<string, unknown>>;
    const v2 = (await get('/api/v2/alerts')).body as Array<Record<string, unknown>>;
    expect(v1.length).toBeGreaterThan(0);
    for (const a of v1) expect(Object.keys(a)).toEqual(V1);
    for (const a of v2) expect(Object.keys(a)).toEqual(V2);
    const stop = v2.find((a) => a.title === 'An S7 Stop PLC Command was Sent')!;
    expect(stop).toMatchObject({ engine: 'Operational', severity: 'Warning', sourceDeviceAddress: expect.any(String) });
    expect(Array.isArray(stop.remediationSteps)).toBe(true);
    expect(v1.map((a) => a.id)).toEqual([...v1.map((a) => a.id as number)].sort((x, y) => x - y));
  });

  it('filters by state, time and type; a bad state or time is a 400 with a JSON message', async () => {
    const all = (await get('/api/v1/alerts')).body as Array<{ id: number; time: number }>;
    expect((await get('/api/v1/alerts?state=handled')).body).toEqual([]);
    expect((await get('/api/v1/alerts?state=unhandled')).body).toHaveLength(all.length);
    const t = all[0]!.time;
    expect(((await get(`/api/v1/alerts?fromTime=${t + 1}`)).body as unknown[]).length).toBe(all.filter((a) => a.time >= t + 1).length);
    expect(((await get(`/api/v1/alerts?toTime=${t}`)).body as unknown[]).length).toBe(all.filter((a) => a.time < t).length);
    expect((await get('/api/v1/alerts?type=disconnections')).body).toEqual([]);
    expect((await get('/api/v1/alerts?type=whatever')).body).toHaveLength(all.length); // other values are ignored
    const bad = await get('/api/v1/alerts?state=open');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/state/);
    expect((await get('/api/v2/alerts?fromTime=yesterday')).status).toBe(400);
    expect((await app.http().get('/api/v1/alerts').set('Authorization', 'nope')).status).toBe(401);
  });
});

describe('handling like the console (PUT /external/v1/alerts/<UUID>)', () => {
  it('answers each transition with the console message; Read Only may not; errors are 500 with the console text', async () => {
    const list = (await get('/api/v1/alerts')).body as Array<{ id: number; time: number }>;
    const a = list[0]!;
    const uuid = `${a.id}-${a.time}`;
    const put = (path: string, body: string, t = analyst) => app.http().put(path).set('Authorization', t).send(body);
    expect((await put(`/external/v1/alerts/${uuid}`, '{"action": "handle"}', reader)).status).toBe(403);
    expect((await put(`/external/v1/alerts/${uuid}`, '{"action": "handle"}')).body).toEqual({ content: 'Alert update request finished successfully' });
    expect((await put(`/external/v1/alerts/${uuid}`, '{"action": "handle"}')).body.content).toBe('Alert was already handled (handle)');
    expect((await put(`/api/v1/alerts/${a.id}`, '{"action": "handleAndLearn"}')).body.content).toBe('Alert was already handled (handled). Handle and learn (handleAndLearn) was performed on the alert.');
    expect((await put(`/api/v1/alerts/${a.id}`, '{"action": "handle"}')).body.content).toBe('Alert was already handled and learned (handleAndLearn). Ignored handle request.');
    const bad = await put(`/external/v1/alerts/${uuid}`, '{"action": "close"}');
    expect([bad.status, bad.body]).toEqual([500, { error: 'Invalid action' }]);
    const missing = await put('/external/v1/alerts/999-1', '{"action": "handle"}');
    expect([missing.status, missing.body.error]).toEqual([500, "Couldn't execute request because no alert was found for this UUID."]);
    expect(((await get('/api/v1/alerts?state=handled')).body as Array<{ id: number }>).map((x) => x.id)).toEqual([a.id]);
    // the console shape: handled, sensor/zone/site ids, devices 0 when absent; v2 adds names
    const c1 = (await get('/external/v1/alerts')).body as Array<Record<string, unknown>>;
    expect(c1.find((x) => x.id === a.id)).toMatchObject({ handled: true, sensorId: 1, zoneId: 1, siteId: 1 });
    expect(c1.every((x) => typeof x.sourceDevice === 'number' && typeof x.destinationDevice === 'number')).toBe(true);
    const c2 = (await get('/external/v2/alerts?state=handled')).body as Array<Record<string, unknown>>;
    expect(c2.map((x) => x.id)).toEqual([a.id]);
    expect(c2[0]).toMatchObject({ zoneName: expect.any(String), siteName: expect.any(String), sensorName: expect.any(String) });
    expect((await get('/external/v1/alerts?sensor=2')).body).toEqual([]);
  });
});

describe('alert PCAPs (GET /api/v2/alerts/pcap/<id>)', () => {
  it('serves a pcap to an analyst token, refuses Read Only, and answers the documented error for an unknown alert', async () => {
    const stop = ((await get('/api/v1/alerts')).body as Array<{ id: number; title: string }>).find((a) => a.title === 'An S7 Stop PLC Command was Sent')!;
    const ok = await app.http().get(`/api/v2/alerts/pcap/${stop.id}`).set('Authorization', analyst).buffer(true).parse((res, cb) => {
      const parts: Buffer[] = []; res.on('data', (c: Buffer) => parts.push(c)); res.on('end', () => cb(null, Buffer.concat(parts)));
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/tcpdump/);
    expect((ok.body as Buffer).readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect((await get(`/api/v2/alerts/pcap/${stop.id}`, reader)).status).toBe(403);
    const none = await get('/api/v2/alerts/pcap/9999', analyst);
    expect([none.status, none.body]).toEqual([404, { error: 'PCAP file is not available' }]);
  });

  it('the console-style request mints a one-time token bound to the alert', async () => {
    const [a, b] = (await get('/api/v1/alerts')).body as Array<{ id: number }>;
    const minted = (await get(`/external/v2/alerts/pcap/${a!.id}`, analyst)).body as Record<string, unknown>;
    expect(Object.keys(minted).sort()).toEqual(['downloadUrl', 'id', 'token', 'xsenseAlertId', 'xsenseId']);
    expect(minted.downloadUrl).toMatch(new RegExp(`/api/v2/alerts/pcap/${a!.id}$`));
    const token = minted.token as string;
    expect((await app.http().get(`/api/v2/alerts/pcap/${b!.id}`).set('Authorization', token)).status).toBe(401); // another alert
    const other = (await get(`/external/v2/alerts/pcap/${a!.id}`, analyst)).body.token as string;
    expect((await app.http().get(`/api/v2/alerts/pcap/${a!.id}`).set('Authorization', other)).status).toBe(200);
    expect((await app.http().get(`/api/v2/alerts/pcap/${a!.id}`).set('Authorization', other)).status).toBe(401); // spent
    const unknown = await get('/external/v2/alerts/pcap/4242', analyst);
    expect([unknown.status, unknown.body]).toEqual([500, { error: 'alert not found' }]);
  });
});

describe('GET /api/v1/events', () => {
  it('newest first, at most 100, typed; minutesTimeFrame counts back from capture time; a bad value is a 400', async () => {
    const all = (await get('/api/v1/events')).body as Array<{ timestamp: number; type: string; severity: string; owner: unknown; title: string; content: string }>;
    expect(all.length).toBeGreaterThan(0);
    expect(all.length).toBeLessThanOrEqual(100);
    expect(Object.keys(all[0]!)).toEqual(['timestamp', 'type', 'title', 'severity', 'owner', 'content']);
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.timestamp).toBeGreaterThanOrEqual(all[i]!.timestamp);
    const conns = (await get('/api/v1/events?type=DEVICE_CONNECTION_CREATED&minutesTimeFrame=4320')).body as typeof all;
    expect(conns.length).toBeGreaterThan(0);
    expect(conns.every((e) => e.type === 'DEVICE_CONNECTION_CREATED' && e.title === 'Device Connection Detected' && /^Connected devices /.test(e.content))).toBe(true);
    expect((await get('/api/v1/events?type=NOT_A_TYPE&minutesTimeFrame')).body).toHaveLength(all.length);
    expect((await get('/api/v1/events?minutesTimeFrame=0')).body.length).toBeLessThan(all.length);
    expect((await get('/api/v1/events?minutesTimeFrame=ten')).status).toBe(400);
  });
});

// Detection over the project's own captures (issue 6): learning mode and the baseline, `authorized`,
// deduplication with counts, stable ids across replays, handling and learning from alerts, engines
// switched off, and each alert's PCAP holding its triggering packet.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/store/database.js';
import { AlertStore } from '../src/store/alert-store.js';
import { readCapture } from './support/capture-read.js';
import { replayInto } from './support/detection.js';
import { removeTempDirs, ROOT, tempDir } from './support/env.js';

const cap = (p: string) => join(ROOT, 'pcaps', p);
const STOP = cap('s7comm/plc-stop-start.pcap');
const DOWNLOAD = cap('s7comm/block-download.pcap');
const ENIP = cap('enip/write-and-mode.pcap');
const OFF = { on: false, until: null };

afterAll(() => removeTempDirs());

describe('alerts from controller operations', () => {
  it('an S7 stop, a start, a block download and CIP stop/start/reset raise their catalog alerts with engine and severity', async () => {
    const r = await replayInto(tempDir(), [STOP, DOWNLOAD, ENIP], { learning: OFF });
    const got = (title: string) => r.alerts.find((a) => a.title === title);
    expect(got('An S7 Stop PLC Command was Sent')).toMatchObject({ engine: 'Operational', severity: 'Warning', status: 'new' });
    expect(got('Unauthorized PLC Programming')).toMatchObject({ engine: 'Policy Violation', severity: 'Critical' });
    expect(got('Controller Stop')).toMatchObject({ engine: 'Operational', protocol: 'CIP' });
    expect(got('PLC Operating Mode Changed')?.engine).toBe('Operational');
    // events on the timeline: the stop, the programming, device and connection detections
    const types = new Set(r.events.map((e) => e.type));
    for (const t of ['S7_PLC_MODE_CHANGE', 'PROGRAM_DEVICE', 'DEVICE_CONNECTION_CREATED', 'DEVICE_CREATE', 'ALERT_REPORTED']) expect(types).toContain(t);
    const stop = got('An S7 Stop PLC Command was Sent')!;
    expect(stop.srcDevice).toBeTypeOf('number');
    expect(stop.dstDevice).toBeTypeOf('number');
    expect(stop.remediation.length).toBeGreaterThan(0);
  });

  it("each alert's PCAP is a valid capture holding the packet that triggered it", async () => {
    const dir = tempDir();
    const r = await replayInto(dir, [STOP], { learning: OFF });
    const stop = r.alerts.find((a) => a.title === 'An S7 Stop PLC Command was Sent')!;
    const file = r.pcapPath(stop.id);
    expect(file).not.toBeNull();
    const packets = await readCapture(file!);
    expect(packets.length).toBeGreaterThan(1);
    expect(packets.some((p) => Math.floor(p.ts / 1000) === stop.time)).toBe(true);
  });
});

describe('learning mode and the baseline (spec §5.6)', () => {
  it('while learning no Policy alert is raised and what was seen becomes the baseline; afterwards only what is new alerts', async () => {
    const dir = tempDir();
    const learned = await replayInto(dir, [STOP], { learning: { on: true, until: null } });
    expect(learned.alerts.filter((a) => a.engine === 'Policy Violation')).toEqual([]);
    expect(learned.alerts.some((a) => a.engine === 'Operational')).toBe(true); // other engines fire while learning
    expect(learned.baseline).toBeGreaterThan(0);
    expect(learned.devices.every((d) => d.authorized)).toBe(true);
    const again = await replayInto(dir, [STOP, DOWNLOAD, ENIP], { learning: OFF });
    const policy = again.alerts.filter((a) => a.engine === 'Policy Violation');
    expect(policy.map((a) => a.title)).toContain('Unauthorized PLC Programming');
    // the stop capture's devices are authorized; a device only the second capture shows is not
    const stopIps = new Set(learned.devices.flatMap((d) => d.ipAddresses ?? []));
    for (const d of again.devices) expect(d.authorized).toBe((d.ipAddresses ?? []).some((ip) => stopIps.has(ip)));
    expect(again.devices.some((d) => !d.authorized)).toBe(true);
  });

  it('--learn-until: learns the window, detects after it', async () => {
    const all = await replayInto(tempDir(), [DOWNLOAD], { learning: OFF });
    const none = await replayInto(tempDir(), [DOWNLOAD], { learning: { on: true, until: null } });
    const early = await replayInto(tempDir(), [DOWNLOAD], { learning: { on: true, until: null, untilOffset: 0 } });
    const policy = (r: typeof all) => r.alerts.filter((a) => a.engine === 'Policy Violation').length;
    expect(policy(none)).toBe(0);
    expect(policy(early)).toBeGreaterThan(0);
    expect(policy(early)).toBeLessThanOrEqual(policy(all));
  });
});

describe('deduplication, stable ids, handling', () => {
  it('the same capture gives the same alert ids in a fresh data dir, and folds onto them (counts grow) in the same one', async () => {
    const a = await replayInto(tempDir(), [STOP, DOWNLOAD], { learning: OFF });
    const b = await replayInto(tempDir(), [STOP, DOWNLOAD], { learning: OFF });
    const key = (r: typeof a) => r.alerts.map((x) => [x.id, x.title, x.srcAddr, x.dstAddr, x.count, x.time]);
    expect(key(b)).toEqual(key(a));
    const dir = tempDir();
    const first = await replayInto(dir, [STOP], { learning: OFF });
    const second = await replayInto(dir, [STOP], { learning: OFF });
    expect(second.alerts.map((x) => x.id)).toEqual(first.alerts.map((x) => x.id));
    for (const x of second.alerts) expect(x.count).toBe(2 * first.alerts.find((y) => y.id === x.id)!.count);
  });

  it("the daemon's sliced flush (one alert per transaction) stores exactly what one transaction does", async () => {
    const whole = await replayInto(tempDir(), [STOP, DOWNLOAD, ENIP], { learning: OFF });
    const sliced = await replayInto(tempDir(), [STOP, DOWNLOAD, ENIP], { learning: OFF, alertsPerSlice: 1 });
    expect(whole.alerts.length).toBeGreaterThan(3);
    expect(sliced.alerts).toEqual(whole.alerts);
    // the same events; only the order of events in the same millisecond may differ
    const evs = (r: typeof whole) => r.events.map((e) => JSON.stringify([e.timestamp, e.type, e.content])).sort();
    expect(evs(sliced)).toEqual(evs(whole));
    for (const a of sliced.alerts) expect(sliced.pcapPath(a.id) === null).toBe(whole.pcapPath(a.id) === null);
  });

  it('a handled alert stays closed and the same traffic opens a new one; a learned one is not raised again', async () => {
    const dir = tempDir();
    const first = await replayInto(dir, [STOP], { learning: OFF });
    const stop = first.alerts.find((a) => a.title === 'An S7 Stop PLC Command was Sent')!;
    const policy = first.alerts.find((a) => a.engine === 'Policy Violation')!;
    const db = openDatabase(dir);
    const store = new AlertStore(db);
    expect(store.handle(stop, 'handle', 'test', Date.now()).message).toBe('Alert update request finished successfully');
    expect(store.handle(policy, 'handleAndLearn', 'test', Date.now()).changed).toBe(true);
    db.close();
    const second = await replayInto(dir, [STOP], { learning: OFF });
    const stops = second.alerts.filter((a) => a.title === stop.title);
    expect(stops.map((a) => a.status)).toEqual(['handled', 'new']);
    expect(stops[1]!.id).toBeGreaterThan(Math.max(...first.alerts.map((a) => a.id)));
    expect(second.alerts.filter((a) => a.title === policy.title && a.srcAddr === policy.srcAddr && a.dstAddr === policy.dstAddr).map((a) => a.status)).toEqual(['learned']);
  });

  it('an engine switched off raises nothing', async () => {
    const r = await replayInto(tempDir(), [STOP, DOWNLOAD, ENIP], { learning: OFF, detection: { operational: false, policyViolation: false } });
    expect(r.alerts.filter((a) => a.engine === 'Operational' || a.engine === 'Policy Violation')).toEqual([]);
  });
});

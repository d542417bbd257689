// Alert forwarding (issue 6; spec §5.7), the outbox: rules pick alerts by severity, engine and
// protocol and are validated when loaded; matching alerts are queued in the SQLite outbox, whose
// worker retries with backoff, survives a restart, claims each row before sending it, and runs in
// the background between start() and stop().
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Engine, Severity } from '../src/analyzers/detection/types.js';
import { InputError } from '../src/errors.js';
import { enqueue, ForwardingWorker, listPending } from '../src/forwarding/outbox.js';
import { matches, ruleProblem, validateRule } from '../src/forwarding/rules.js';
import { AlertStore } from '../src/store/alert-store.js';
import { ConfigStore } from '../src/store/config-store.js';
import { type Db, openDatabase } from '../src/store/database.js';
import { CorruptStoreError } from '../src/store/errors.js';
import { removeTempDirs, tempDir } from './support/env.js';
import {
  closedPort, closeReceivers, insertAlert, parseCefExtension, parseSyslog, rule, SENSOR, splitHeader, syslog, tcpReceiver,
  udpReceiver, waitFor, webhookReceiver,
} from './support/forwarding.js';

afterAll(removeTempDirs);
afterEach(closeReceivers);

describe('rules', () => {
  const db = openDatabase(tempDir());
  afterAll(() => db.close());
  const hook = { type: 'webhook', url: 'http://127.0.0.1:9/' } as const;

  it('match by minimum severity, engine and protocol (case-insensitive); empty lists match all', () => {
    const a = insertAlert(db, { severity: 'Major', engine: 'Protocol Violation', protocol: 'Modbus' });
    expect(matches(rule('all', hook), a)).toBe(true);
    expect(matches(rule('major', hook, { minSeverity: 'Major' }), a)).toBe(true);
    expect(matches(rule('crit', hook, { minSeverity: 'Critical' }), a)).toBe(false);
    expect(matches(rule('eng', hook, { engines: ['Malware', 'Protocol Violation'] }), a)).toBe(true);
    expect(matches(rule('eng2', hook, { engines: ['Malware'] }), a)).toBe(false);
    expect(matches(rule('proto', hook, { protocols: ['MODBUS'] }), a)).toBe(true);
    expect(matches(rule('proto2', hook, { protocols: ['DNP3'] }), a)).toBe(false);
    const noProto = insertAlert(db, { protocol: null });
    expect(matches(rule('proto3', hook, { protocols: ['modbus'] }), noProto)).toBe(false);
    expect(matches(rule('any', hook), noProto)).toBe(true);
  });

  it('enqueue adds one row per enabled matching rule, once', () => {
    const a = insertAlert(db, { severity: 'Major', engine: 'Malware' as Engine, protocol: 'S7' });
    const rules = [
      rule('r1', hook), rule('r2', hook, { minSeverity: 'Critical' }), rule('r3', hook, { protocols: ['s7'] }),
      rule('r4', hook, { enabled: false }), rule('r5', hook, { engines: ['Anomaly'] }),
    ];
    expect(enqueue(db, a, rules, 1000)).toBe(2);
    expect(enqueue(db, a, rules, 2000)).toBe(0);
    expect(listPending(db).filter((r) => r.alertId === a.id).map((r) => [r.rule, r.attempts, r.nextTry])).toEqual([['r1', 0, 1000], ['r3', 0, 1000]]);
  });

  it('validation names what is wrong', () => {
    expect(ruleProblem(rule('ok', syslog(514, 'udp', 'cef')))).toBeNull();
    expect(ruleProblem(rule('bad name!', hook))).toMatch(/invalid rule name/);
    expect(ruleProblem(rule('x', hook, { minSeverity: 'High' as Severity }))).toMatch(/unknown minimum severity "High"/);
    expect(ruleProblem(rule('x', hook, { engines: ['Policy' as Engine] }))).toMatch(/unknown engine "Policy"/);
    expect(ruleProblem(rule('x', syslog(70000, 'udp', 'cef')))).toMatch(/invalid syslog port 70000/);
    expect(ruleProblem(rule('x', { ...syslog(514, 'udp', 'cef'), host: 'bad host' }))).toMatch(/invalid syslog host/);
    expect(ruleProblem(rule('x', { type: 'webhook', url: 'ftp://x/' }))).toMatch(/http: or https:/);
    expect(ruleProblem(rule('x', { type: 'webhook', url: 'http://x/', insecure: true }))).toMatch(/https URLs only/);
    expect(() => validateRule({ name: 'x' })).toThrow(InputError);
  });

  it('config.json: files without forwarding load as []; a malformed rule stops loading with a message', () => {
    const dir = tempDir();
    const lock = <T>(fn: () => T): T => fn();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ schemaVersion: 1, revision: 3, settings: {}, users: [], tokens: [] }));
    const store = ConfigStore.open(dir, lock);
    expect(store.data.forwarding).toEqual([]);
    store.mutate((d) => { d.forwarding.push(rule('kept', hook)); });
    expect(ConfigStore.open(dir, lock).data.forwarding.map((r) => r.name)).toEqual(['kept']);
    const bad = tempDir();
    writeFileSync(join(bad, 'config.json'), JSON.stringify({ schemaVersion: 1, users: [], tokens: [], forwarding: [{ name: 'x', enabled: 'yes' }] }));
    expect(() => ConfigStore.open(bad, lock)).toThrow(CorruptStoreError);
    expect(() => ConfigStore.open(bad, lock)).toThrow(/forwarding\[0\] is not a valid forwarding rule/);
  });
});

describe('the outbox worker', () => {
  it('retries with backoff: the receiver is down first, then up; the row is delivered and deleted', async () => {
    const db = openDatabase(tempDir());
    const port = await closedPort();
    const rules = [rule('tcp-siem', syslog(port, 'tcp', 'cef'))];
    const alert = insertAlert(db);
    db.transaction(() => enqueue(db, alert, rules, 0))();
    let now = 10_000;
    const worker = new ForwardingWorker(db, () => rules, (id) => new AlertStore(db).get(id), SENSOR, { now: () => now });

    expect(await worker.runOnce()).toMatchObject({ sent: 0, failed: 1 });
    let [row] = listPending(db);
    expect(row).toMatchObject({ alertId: alert.id, rule: 'tcp-siem', attempts: 1, nextTry: 11_000 });
    expect(row!.lastError).toMatch(/ECONNREFUSED/);

    // not due yet: nothing is tried
    expect(await worker.runOnce()).toMatchObject({ sent: 0, failed: 0 });
    now = 11_000;
    expect(await worker.runOnce()).toMatchObject({ sent: 0, failed: 1 });
    [row] = listPending(db);
    expect(row).toMatchObject({ attempts: 2, nextTry: 13_000 }); // 1 s, then 2 s

    const rx = await tcpReceiver(port);
    now = 13_000;
    expect(await worker.runOnce()).toMatchObject({ sent: 1, failed: 0 });
    expect(listPending(db)).toEqual([]);
    await waitFor(() => rx.frames().length === 1);
    expect(parseCefExtension(splitHeader(parseSyslog(rx.frames()[0]!).msg, 7).rest).UUID).toBe(alert.uuid);
    db.close();
  });

  it('no alert is lost on a restart: rows queued by one process are delivered by the next', async () => {
    const dir = tempDir();
    const port = await closedPort();
    const rules = [rule('hook', { type: 'webhook', url: `http://127.0.0.1:${port}/hook` })];
    let db = openDatabase(dir);
    const alerts = [insertAlert(db), insertAlert(db, { severity: 'Critical' })];
    db.transaction(() => { for (const a of alerts) enqueue(db, a, rules, 0); })();
    const first = new ForwardingWorker(db, () => rules, (id) => new AlertStore(db).get(id), SENSOR, { now: () => 5000 });
    expect(await first.runOnce()).toMatchObject({ sent: 0, failed: 1 });
    await first.stop();
    db.close();

    // the receiver comes up on the same port; a new process opens the same file
    const rx = await webhookReceiver({ port });
    db = openDatabase(dir);
    expect(listPending(db).map((r) => r.attempts)).toEqual([1, 0]);
    const second = new ForwardingWorker(db, () => rules, (id) => new AlertStore(db).get(id), SENSOR, { now: () => 60_000 });
    expect(await second.runOnce()).toMatchObject({ sent: 2, failed: 0 });
    expect(rx.posts.map((p) => p.body.uuid).sort()).toEqual(alerts.map((a) => a.uuid).sort());
    expect(listPending(db)).toEqual([]);
    db.close();
  });

  it('two processes sending from one outbox deliver each alert once (a row is claimed before it is sent)', async () => {
    const dir = tempDir();
    const rx = await webhookReceiver({ delayMs: 15 });
    const rules = [rule('hook', { type: 'webhook', url: rx.url })];
    const daemonDb = openDatabase(dir);
    const alerts = Array.from({ length: 20 }, () => insertAlert(daemonDb));
    daemonDb.transaction(() => { for (const a of alerts) enqueue(daemonDb, a, rules, 0); })();
    // the daemon and a replay: two connections to the same file, as two processes have
    const replayDb = openDatabase(dir);
    const worker = (db: Db) => new ForwardingWorker(db, () => rules, (id) => new AlertStore(db).get(id), SENSOR, { now: () => 1000 });
    const [a, b] = await Promise.all([worker(daemonDb).runOnce(), worker(replayDb).runOnce()]);
    expect(a.sent + b.sent).toBe(20);
    expect(a.sent).toBeGreaterThan(0); // both took part
    expect(b.sent).toBeGreaterThan(0);
    expect(rx.posts.map((p) => p.body.uuid).sort()).toEqual(alerts.map((x) => x.uuid).sort());
    expect(listPending(daemonDb)).toEqual([]);
    daemonDb.close();
    replayDb.close();
  });

  it("a removed rule's rows are dropped; a disabled rule's rows wait; a deleted alert's row is dropped", async () => {
    const db = openDatabase(tempDir());
    const hook = { type: 'webhook', url: 'http://127.0.0.1:9/' } as const;
    const gone = rule('gone', hook);
    const off = rule('off', hook);
    const a = insertAlert(db);
    const b = insertAlert(db);
    enqueue(db, a, [gone, off], 0);
    enqueue(db, b, [rule('orphan', hook)], 0);
    db.prepare('DELETE FROM alerts WHERE id = ?').run(b.id);
    const rules = [{ ...off, enabled: false }, rule('orphan', hook)];
    const worker = new ForwardingWorker(db, () => rules, (id) => new AlertStore(db).get(id), SENSOR, { now: () => 1000 });
    expect(await worker.runOnce()).toEqual({ sent: 0, failed: 0, dropped: 2 });
    expect(listPending(db).map((r) => [r.rule, r.attempts])).toEqual([['off', 0]]);
    db.close();
  });

  it('start() delivers in the background; stop() waits and leaves nothing running', async () => {
    const db = openDatabase(tempDir());
    const rx = await udpReceiver();
    const rules = [rule('bg', syslog(rx.port, 'udp', 'rfc5424'))];
    const worker = new ForwardingWorker(db, () => rules, (id) => new AlertStore(db).get(id), SENSOR, { pollMs: 20 });
    worker.start();
    const alert = insertAlert(db, { title: 'Background Delivery' });
    enqueue(db, alert, rules, Date.now());
    worker.notify();
    expect(parseSyslog(await rx.next()).msg).toMatch(/^Background Delivery: /);
    await waitFor(() => listPending(db).length === 0);
    expect(listPending(db)).toEqual([]);
    await worker.stop();
    db.close();
  });
});

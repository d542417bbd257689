// Alert forwarding (issue 6; spec §5.7): real syslog receivers (UDP and TCP on 127.0.0.1) and a real
// webhook server get CEF, LEEF, plain RFC 5424 and JSON; rules pick alerts by severity, engine and
// protocol; the SQLite outbox retries with backoff and survives a restart.
import { Command } from 'commander';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Engine, Severity } from '../src/analyzers/detection/types.js';
import { ensureCertificate } from '../src/api/tls.js';
import { registerForwardingCommands } from '../src/cli/forwarding-commands.js';
import { InputError } from '../src/errors.js';
import type { SensorIdentity } from '../src/forwarding/formats.js';
import { enqueue, ForwardingWorker, listPending } from '../src/forwarding/outbox.js';
import { matches, ruleProblem, validateRule, type ForwardingRule, type ForwardingAction, type SyslogAction } from '../src/forwarding/rules.js';
import { deliver, DeliveryError } from '../src/forwarding/transports.js';
import { AlertStore, type StoredAlert } from '../src/store/alert-store.js';
import { AuditLog } from '../src/store/audit-log.js';
import { ConfigStore } from '../src/store/config-store.js';
import { type Db, openDatabase } from '../src/store/database.js';
import { CorruptStoreError } from '../src/store/errors.js';
import { removeTempDirs, tempDir } from './support/env.js';

afterAll(removeTempDirs);

const SENSOR: SensorIdentity = {
  name: 'sensor-01', version: '24.1.3', sensorId: 5, zoneId: 2, siteId: 3, zoneName: 'Line 2', siteName: 'Plant A',
  category: (t) => (t.startsWith('Illegal') ? 'Illegal commands' : null),
};

// ---- receivers on 127.0.0.1, closed after each test ----

const closers: Array<() => Promise<void>> = [];
afterEach(async () => { for (const c of closers.splice(0)) await c(); });

async function udpReceiver(): Promise<{ port: number; next: () => Promise<string> }> {
  const sock: UdpSocket = createSocket('udp4');
  const queue: string[] = [];
  const waiters: Array<(s: string) => void> = [];
  sock.on('message', (m) => { const w = waiters.shift(); if (w) w(m.toString('utf8')); else queue.push(m.toString('utf8')); });
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  closers.push(() => new Promise((r) => sock.close(() => r())));
  return { port: sock.address().port, next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))) };
}

/** A TCP syslog receiver: collects raw bytes; frames() splits them by RFC 6587 octet counting. */
async function tcpReceiver(port = 0): Promise<{ port: number; bytes: () => Buffer; frames: () => string[]; server: TcpServer }> {
  const chunks: Buffer[] = [];
  const server = createTcpServer((s) => s.on('data', (d) => chunks.push(d)));
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((r) => server.close(() => r())));
  const bytes = () => Buffer.concat(chunks);
  const frames = () => {
    const out: string[] = [];
    let b = bytes();
    while (b.length > 0) {
      const sp = b.indexOf(0x20);
      const len = Number(b.subarray(0, sp).toString('ascii'));
      expect(b.subarray(0, sp).toString('ascii')).toMatch(/^[1-9]\d*$/);
      out.push(b.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      b = b.subarray(sp + 1 + len);
    }
    return out;
  };
  return { port: (server.address() as { port: number }).port, bytes, frames, server };
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

interface Posted { method: string; url: string; type: string | undefined; body: any }
async function webhookReceiver(opts: { status?: number; server?: HttpServer | HttpsServer; port?: number; delayMs?: number } = {}): Promise<{ url: string; posts: Posted[] }> {
  const { status = 200, server = createHttpServer(), port = 0, delayMs = 0 } = opts;
  const posts: Posted[] = [];
  server.on('request', (req: IncomingMessage, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      posts.push({ method: req.method ?? '', url: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(text) });
      setTimeout(() => res.writeHead(status).end(status === 200 ? 'ok' : 'receiver is unhappy'), delayMs);
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  return { url: `${scheme}://127.0.0.1:${(server.address() as { port: number }).port}/hook`, posts };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const s = createTcpServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

// ---- alerts, as the store keeps them ----

let nextId = 1;
function insertAlert(db: Db, a: Partial<StoredAlert> = {}): StoredAlert {
  const id = a.id ?? nextId++;
  const time = a.time ?? 1_700_000_000_000 + id;
  db.prepare(`INSERT INTO alerts (id, uuid, dedup, status, time, last_time, count, engine, severity, title, message, protocol,
      src_device, dst_device, src_addr, dst_addr, src_mac, dst_mac, info, remediation, learn, handled_at, handled_by)
    VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', NULL, NULL)`).run(
    id, `${id}-${time}`, `d${id}`, a.status ?? 'new', time, time, a.engine ?? 'Protocol Violation', a.severity ?? 'Major',
    a.title ?? 'Illegal MODBUS Operation (Function Code Zero)', a.message ?? 'A MODBUS master 10.0.0.1 sent function code 0.',
    a.protocol === undefined ? 'Modbus' : a.protocol, a.srcDevice ?? 3, a.dstDevice ?? 4,
    a.srcAddr === undefined ? '10.0.0.1' : a.srcAddr, a.dstAddr === undefined ? '10.0.0.2' : a.dstAddr,
    a.srcMac === undefined ? '00:1b:1b:00:00:01' : a.srcMac, a.dstMac === undefined ? null : a.dstMac,
    a.info ? JSON.stringify(a.info) : null, JSON.stringify(a.remediation ?? ['Check the master.']));
  return new AlertStore(db).get(id)!;
}

const rule = (name: string, action: ForwardingAction, more: Partial<ForwardingRule> = {}): ForwardingRule =>
  ({ name, enabled: true, minSeverity: 'Warning', engines: [], protocols: [], action, ...more });
const syslog = (port: number, transport: 'udp' | 'tcp', format: 'cef' | 'leef' | 'rfc5424'): SyslogAction =>
  ({ type: 'syslog', host: '127.0.0.1', port, transport, format });

// ---- parsers written from the format descriptions, independent of the code under test ----

const SYSLOG = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) (\S+) (\S+) (\S+) (\S+) (-|\[[^\]]*\]) ([\s\S]*)$/;
function parseSyslog(line: string) {
  const m = SYSLOG.exec(line);
  expect(m, line).not.toBeNull();
  const [, pri, timestamp, host, app, procid, msgid, sd, msg] = m!;
  return { facility: Math.floor(Number(pri) / 8), severity: Number(pri) % 8, timestamp, host, app, procid, msgid, sd, msg: msg! };
}

/** Splits a CEF/LEEF header: n pipe-separated fields (\| and \\ unescaped), then the rest. */
function splitHeader(s: string, n: number): { fields: string[]; rest: string } {
  const fields: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < s.length && fields.length < n; i++) {
    const c = s[i]!;
    if (c === '\\' && (s[i + 1] === '|' || s[i + 1] === '\\')) { cur += s[++i]; continue; }
    if (c === '|') { fields.push(cur); cur = ''; continue; }
    cur += c;
  }
  return { fields, rest: s.slice(i) };
}

function parseCefExtension(s: string): Record<string, string> {
  const eqs: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') { i++; continue; }
    if (s[i] === '=') eqs.push(i);
  }
  const keys = eqs.map((eq) => ({ eq, start: s.lastIndexOf(' ', eq) + 1 }));
  const out: Record<string, string> = {};
  keys.forEach((k, j) => {
    const raw = s.slice(k.eq + 1, j + 1 < keys.length ? keys[j + 1]!.start - 1 : s.length);
    out[s.slice(k.start, k.eq)] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c));
  });
  return out;
}

function parseLeefAttributes(s: string): Record<string, string> {
  return Object.fromEntries(s.split('\t').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c))];
  }));
}

// ---- the tests ----

describe('syslog formats on the wire', () => {
  const db = openDatabase(tempDir());
  afterAll(() => db.close());

  it('CEF over UDP: RFC 5424 envelope, header fields and escaping of |, \\, = and line breaks', async () => {
    const rx = await udpReceiver();
    const alert = insertAlert(db, {
      title: 'Illegal | Odd \\ Title', severity: 'Critical',
      message: 'Master 10.0.0.1 wrote x=1 to a back\\slash path\nsecond line | with a pipe',
    });
    await deliver(rule('siem', syslog(rx.port, 'udp', 'cef')), alert, SENSOR, { now: () => Date.parse('2024-05-01T10:00:00.123Z') });
    const s = parseSyslog(await rx.next());
    expect(s).toMatchObject({ facility: 16, severity: 2, timestamp: '2024-05-01T10:00:00.123Z', host: 'sensor-01', app: 'otsensor', msgid: 'alert', sd: '-' });
    expect(s.procid).toMatch(/^\d+$/);
    const { fields, rest } = splitHeader(s.msg, 7);
    expect(fields).toEqual(['CEF:0', 'Microsoft Defender for IoT/CyberX', 'sensor-01', '24.1.3', 'Microsoft Defender for IoT Alert',
      'Illegal | Odd \\ Title', '10']);
    expect(s.msg).toContain('|Illegal \\| Odd \\\\ Title|');
    const ext = parseCefExtension(rest);
    expect(ext).toEqual({
      msg: alert.message, protocol: 'Modbus', severity: 'Critical', type: 'Protocol Violation', UUID: alert.uuid,
      start: String(alert.time), src_ip: '10.0.0.1', src_mac: '00:1b:1b:00:00:01', dst_ip: '10.0.0.2', cat: 'Illegal commands',
    });
    expect(rest).not.toMatch(/[\r\n]/);
    expect(rest).toContain('x\\=1');
  });

  it('CEF severity numbers are 1/4/8/10; a MAC-only source goes to src_mac; unknown category and protocol are left out', async () => {
    const rx = await udpReceiver();
    const sevs: Array<[Severity, string, number]> = [['Warning', '1', 5], ['Minor', '4', 4], ['Major', '8', 3], ['Critical', '10', 2]];
    for (const [severity, cef, pri] of sevs) {
      const alert = insertAlert(db, { severity, title: 'Unauthorized Internet Connectivity Detected', protocol: null,
        srcAddr: '00:11:22:33:44:55', srcMac: null, dstAddr: null, dstMac: null });
      await deliver(rule('siem', syslog(rx.port, 'udp', 'cef')), alert, SENSOR);
      const s = parseSyslog(await rx.next());
      expect(s.severity).toBe(pri);
      const { fields, rest } = splitHeader(s.msg, 7);
      expect(fields[6]).toBe(cef);
      const ext = parseCefExtension(rest);
      expect(ext.severity).toBe(severity);
      expect(ext.src_mac).toBe('00:11:22:33:44:55');
      expect(Object.keys(ext)).not.toContain('src_ip');
      expect(Object.keys(ext)).not.toContain('cat');
      expect(Object.keys(ext)).not.toContain('protocol');
      expect(Object.keys(ext)).not.toContain('dst_ip');
    }
  });

  it('LEEF over TCP: octet-counted frames, LEEF 1.0 header, tab-separated attributes with QRadar handling fields', async () => {
    const rx = await tcpReceiver();
    const a1 = insertAlert(db, { message: 'first line\nsecond\twith a tab', dstMac: '00:1b:1b:00:00:02' });
    const a2 = insertAlert(db, { severity: 'Minor', title: 'Excessive Number of Sessions', engine: 'Anomaly' });
    const r = rule('qradar', syslog(rx.port, 'tcp', 'leef'));
    await deliver(r, a1, SENSOR);
    await deliver(r, a2, SENSOR);
    await waitFor(() => rx.frames().length === 2);
    const frames = rx.frames();
    expect(frames).toHaveLength(2);
    const s = parseSyslog(frames[0]!);
    expect(s.severity).toBe(3);
    const { fields, rest } = splitHeader(s.msg, 5);
    expect(fields).toEqual(['LEEF:1.0', 'Microsoft Defender for IoT', 'CyberX', '24.1.3', a1.title]);
    const attrs = parseLeefAttributes(rest);
    expect(attrs).toEqual({
      msg: a1.message, protocol: 'Modbus', sev: '8', score: '80', type: 'Protocol Violation', UUID: a1.uuid, site: 'Plant A', zone: 'Line 2',
      actions: 'handle', start: String(a1.time), src: '10.0.0.1', dst: '10.0.0.2', srcMAC: '00:1b:1b:00:00:01', dstMAC: '00:1b:1b:00:00:02',
      cat: 'Illegal commands',
    });
    const second = parseLeefAttributes(splitHeader(parseSyslog(frames[1]!).msg, 5).rest);
    expect(second).toMatchObject({ sev: '4', score: '40', type: 'Anomaly' });
  });

  it('plain RFC 5424 text: title, message on one line, and the addresses', async () => {
    const rx = await udpReceiver();
    const alert = insertAlert(db, { severity: 'Warning', message: 'Line one.\nLine two.' });
    await deliver(rule('text', syslog(rx.port, 'udp', 'rfc5424')), alert, SENSOR);
    const s = parseSyslog(await rx.next());
    expect(s.facility * 8 + s.severity).toBe(16 * 8 + 5);
    expect(s.msg).toBe(`${alert.title}: Line one. Line two. (source 10.0.0.1, destination 10.0.0.2)`);
  });

  it('a receiver that is not listening on TCP is a DeliveryError naming the target', async () => {
    const port = await closedPort();
    const alert = insertAlert(db);
    await expect(deliver(rule('down', syslog(port, 'tcp', 'cef')), alert, SENSOR)).rejects.toThrow(DeliveryError);
    await expect(deliver(rule('down', syslog(port, 'tcp', 'cef')), alert, SENSOR))
      .rejects.toThrow(new RegExp(`syslog tcp://127\\.0\\.0\\.1:${port} \\(cef\\): .*ECONNREFUSED`));
  });
});

describe('webhook', () => {
  const db = openDatabase(tempDir());
  afterAll(() => db.close());

  it('POSTs the extended JSON body with Content-Type application/json', async () => {
    const rx = await webhookReceiver();
    const alert = insertAlert(db, { status: 'handled', info: { description: 'External Addresses', information: ['1.2.3.4'] } });
    await deliver(rule('hook', { type: 'webhook', url: rx.url }), alert, SENSOR);
    expect(rx.posts).toHaveLength(1);
    const p = rx.posts[0]!;
    expect(p.method).toBe('POST');
    expect(p.url).toBe('/hook');
    expect(p.type).toBe('application/json');
    expect(p.body).toEqual({
      id: alert.id, uuid: alert.uuid, time: alert.time, title: alert.title, message: alert.message, severity: 'Major',
      engine: 'Protocol Violation', protocol: 'Modbus', sourceDevice: 3, destinationDevice: 4,
      sourceDeviceAddress: '10.0.0.1', destinationDeviceAddress: '10.0.0.2', remediationSteps: ['Check the master.'],
      additionalInformation: { description: 'External Addresses', information: ['1.2.3.4'] }, handled: true,
      sensorID: 5, sensorName: 'sensor-01', zoneID: 2, zoneName: 'Line 2', siteID: 3, siteName: 'Plant A',
    });
  });

  it('a non-2xx answer is a failure carrying the status', async () => {
    const rx = await webhookReceiver({ status: 500 });
    await expect(deliver(rule('hook', { type: 'webhook', url: rx.url }), insertAlert(db), SENSOR)).rejects.toThrow(/HTTP 500: receiver is unhappy/);
  });

  it('https: a self-signed receiver is refused unless the rule says insecure', async () => {
    const tls = await ensureCertificate(tempDir());
    const rx = await webhookReceiver({ server: createHttpsServer({ cert: tls.cert, key: tls.key }) });
    expect(rx.url).toMatch(/^https:/);
    const alert = insertAlert(db);
    await expect(deliver(rule('lab', { type: 'webhook', url: rx.url }), alert, SENSOR)).rejects.toThrow(DeliveryError);
    expect(rx.posts).toHaveLength(0);
    await deliver(rule('lab', { type: 'webhook', url: rx.url, insecure: true }), alert, SENSOR);
    expect(rx.posts).toHaveLength(1);
  });

  it('a receiver that never answers fails with a timeout', async () => {
    const server = createHttpServer(() => { /* never answers */ });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    await expect(deliver(rule('slow', { type: 'webhook', url }), insertAlert(db), SENSOR, { timeoutMs: 200 })).rejects.toThrow(/timed out/);
  });
});

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

describe('otsensor forwarding (CLI commands)', () => {
  const dataDir = tempDir();

  /** Runs one command in-process as `otsensor forwarding ...`; returns what it printed, or throws its error. */
  async function cli(...args: string[]): Promise<string> {
    const program = new Command('otsensor').exitOverride();
    registerForwardingCommands(program, (c) => c.option('--data-dir <dir>', 'data directory'));
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'otsensor', 'forwarding', ...args, '--data-dir', dataDir]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    return out;
  }

  it('add, list, test, pending, remove — with audit entries', async () => {
    const rx = await udpReceiver();
    expect(await cli('add', 'siem', '--syslog', `127.0.0.1:${rx.port}`, '--min-severity', 'major', '--engine', 'policy',
      '--engine', 'Protocol Violation', '--protocol', 'Modbus,DNP3')).toBe(`added forwarding rule 'siem': syslog udp://127.0.0.1:${rx.port} (cef)\n`);
    await cli('add', 'hook', '--webhook', 'https://127.0.0.1:9/x', '--insecure', '--disabled');
    const list = JSON.parse(await cli('list', '--json')) as ForwardingRule[];
    expect(list).toEqual([
      { name: 'siem', enabled: true, minSeverity: 'Major', engines: ['Policy Violation', 'Protocol Violation'], protocols: ['Modbus', 'DNP3'],
        action: { type: 'syslog', host: '127.0.0.1', port: rx.port, transport: 'udp', format: 'cef' } },
      { name: 'hook', enabled: false, minSeverity: 'Warning', engines: [], protocols: [],
        action: { type: 'webhook', url: 'https://127.0.0.1:9/x', insecure: true } },
    ]);
    expect(await cli('list')).toMatch(/^NAME\s+ENABLED\s+MIN SEVERITY\s+ENGINES\s+PROTOCOLS\s+TARGET\nsiem\s+yes\s+Major\s+Policy Violation, Protocol Violation\s+Modbus, DNP3\s+syslog udp:/);

    expect(await cli('test', 'siem')).toMatch(/^test alert sent: syslog udp:/);
    const { fields } = splitHeader(parseSyslog(await rx.next()).msg, 7);
    expect(fields[5]).toBe('Test Message');

    const db = openDatabase(dataDir);
    const alert = insertAlert(db, { id: 42 });
    enqueue(db, alert, [rule('siem', syslog(rx.port, 'udp', 'cef'))], Date.parse('2024-01-01T00:00:00Z'));
    db.close();
    expect(await cli('pending')).toMatch(/^ALERT\s+RULE\s+ATTEMPTS\s+NEXT TRY\s+LAST ERROR\n42\s+siem\s+0\s+2024-01-01T00:00:00Z/);

    expect(await cli('remove', 'siem')).toBe("removed forwarding rule 'siem' (1 queued alert dropped)\n");
    expect(JSON.parse(await cli('pending', '--json'))).toEqual([]);
    await expect(cli('remove', 'siem')).rejects.toThrow("forwarding rule 'siem' does not exist");

    const audit = openDatabase(dataDir);
    const actions = new AuditLog(audit).list(20, 'forwarding.').map((e) => `${e.action} ${e.target} ${e.outcome}`);
    audit.close();
    expect(actions).toEqual(['forwarding.remove siem success', 'forwarding.test siem success', 'forwarding.add hook success', 'forwarding.add siem success']);
  });

  it('test reports a failure as an error (exit 1 in the CLI)', async () => {
    const port = await closedPort();
    await cli('add', 'down', '--syslog', `127.0.0.1:${port}`, '--tcp', '--format', 'leef');
    await expect(cli('test', 'down')).rejects.toThrow(DeliveryError);
    await expect(cli('test', 'down')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses bad input with a clear message', async () => {
    await expect(cli('add', 'x')).rejects.toThrow(/either --syslog HOST:PORT or --webhook URL/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--webhook', 'http://h/')).rejects.toThrow(/either --syslog/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--min-severity', 'High')).rejects.toThrow(/unknown severity 'High'/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--engine', 'Firewall')).rejects.toThrow(/unknown engine 'Firewall'/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--format', 'json')).rejects.toThrow(/unknown format 'json'/);
    await expect(cli('add', 'x', '--syslog', 'h:port')).rejects.toThrow(/invalid syslog port/);
    await expect(cli('add', 'x', '--webhook', 'http://h/', '--insecure')).rejects.toThrow(/https URLs only/);
    await expect(cli('add', 'no/slash', '--syslog', 'h')).rejects.toThrow(InputError);
    await cli('add', 'dup', '--syslog', '[::1]');
    expect((JSON.parse(await cli('list', '--json')) as ForwardingRule[]).find((r) => r.name === 'dup')!.action)
      .toMatchObject({ host: '::1', port: 514 });
    await expect(cli('add', 'dup', '--syslog', 'h')).rejects.toThrow(/already exists/);
  });
});

// Helpers of the alert forwarding tests (test/forwarding-*.test.ts): a sensor identity, real syslog
// receivers (UDP, and TCP with RFC 6587 octet counting) and a webhook server on 127.0.0.1, alerts
// inserted as the store keeps them, rule shorthands, and parsers of RFC 5424, CEF and LEEF written
// from the format descriptions, independent of the code under test. A test file that starts
// receivers closes them with `afterEach(closeReceivers)`.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { expect } from 'vitest';
import type { SensorIdentity } from '../../src/forwarding/formats.js';
import type { ForwardingRule, ForwardingAction, SyslogAction } from '../../src/forwarding/rules.js';
import { AlertStore, type StoredAlert } from '../../src/store/alert-store.js';
import type { Db } from '../../src/store/database.js';

export const SENSOR: SensorIdentity = {
  name: 'sensor-01', version: '24.1.3', sensorId: 5, zoneId: 2, siteId: 3, zoneName: 'Line 2', siteName: 'Plant A',
  category: (t) => (t.startsWith('Illegal') ? 'Illegal commands' : null),
};

// ---- receivers on 127.0.0.1, closed after each test ----

export const closers: Array<() => Promise<void>> = [];
/** Closes every receiver started since the last call: a test file's `afterEach`. */
export async function closeReceivers(): Promise<void> { for (const c of closers.splice(0)) await c(); }

export async function udpReceiver(): Promise<{ port: number; next: () => Promise<string> }> {
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
export async function tcpReceiver(port = 0): Promise<{ port: number; bytes: () => Buffer; frames: () => string[]; server: TcpServer }> {
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

export async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

export interface Posted { method: string; url: string; type: string | undefined; body: any }
export async function webhookReceiver(opts: { status?: number; server?: HttpServer | HttpsServer; port?: number; delayMs?: number } = {}): Promise<{ url: string; posts: Posted[] }> {
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
export async function closedPort(): Promise<number> {
  const s = createTcpServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

// ---- alerts, as the store keeps them ----

let nextId = 1;
export function insertAlert(db: Db, a: Partial<StoredAlert> = {}): StoredAlert {
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

export const rule = (name: string, action: ForwardingAction, more: Partial<ForwardingRule> = {}): ForwardingRule =>
  ({ name, enabled: true, minSeverity: 'Warning', engines: [], protocols: [], action, ...more });
export const syslog = (port: number, transport: 'udp' | 'tcp', format: 'cef' | 'leef' | 'rfc5424'): SyslogAction =>
  ({ type: 'syslog', host: '127.0.0.1', port, transport, format });

// ---- parsers written from the format descriptions, independent of the code under test ----

const SYSLOG = /^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) (\S+) (\S+) (\S+) (\S+) (-|\[[^\]]*\]) ([\s\S]*)$/;
export function parseSyslog(line: string) {
  const m = SYSLOG.exec(line);
  expect(m, line).not.toBeNull();
  const [, pri, timestamp, host, app, procid, msgid, sd, msg] = m!;
  return { facility: Math.floor(Number(pri) / 8), severity: Number(pri) % 8, timestamp, host, app, procid, msgid, sd, msg: msg! };
}

/** Splits a CEF/LEEF header: n pipe-separated fields (\| and \\ unescaped), then the rest. */
export function splitHeader(s: string, n: number): { fields: string[]; rest: string } {
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

export function parseCefExtension(s: string): Record<string, string> {
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

export function parseLeefAttributes(s: string): Record<string, string> {
  return Object.fromEntries(s.split('\t').map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i), kv.slice(i + 1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : c))];
  }));
}

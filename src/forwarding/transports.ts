// Sending one forwarded alert (issue 6; spec §5.7): a syslog datagram (UDP, RFC 5426: one message
// per datagram), a syslog stream message (TCP, RFC 6587 octet counting, one connection per message so
// a failure is never hidden in a half-written stream), or a webhook POST. Every send has a timeout.
//
// The webhook uses node:http/node:https rather than the global fetch: Node 20's fetch cannot skip
// certificate checks without the separate undici package, and the `insecure` option for self-signed
// lab receivers needs exactly that. One code path serves http, https and https-insecure.
import { createSocket } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, isIP } from 'node:net';
import type { StoredAlert } from '../store/alert-store.js';
import { AppError } from '../errors.js';
import { octetCounted, syslogMessage, webhookBody, type SensorIdentity } from './formats.js';
import { describeTarget, ruleProblem, type ForwardingRule, type SyslogAction, type WebhookAction } from './rules.js';

export const DEFAULT_SEND_TIMEOUT_MS = 5000;
/** The largest UDP payload IPv4 can carry; a larger syslog message cannot go over UDP at all. */
const MAX_UDP_PAYLOAD = 65_507;

/** 502: the receiver could not be reached or refused the alert. */
export class DeliveryError extends AppError {
  constructor(m: string) { super(m, 502); }
}

export interface SendOptions {
  timeoutMs?: number;
  now?: () => number;
}

/** Formats the alert for the rule's action and sends it once. Throws DeliveryError on any failure. */
export async function deliver(rule: ForwardingRule, alert: StoredAlert, sensor: SensorIdentity, opts: SendOptions = {}): Promise<void> {
  const problem = ruleProblem(rule);
  if (problem) throw new DeliveryError(`rule '${rule.name}' is not valid: ${problem}`);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const a = rule.action;
  try {
    if (a.type === 'webhook') {
      await postJson(a, webhookBody(alert, sensor), sensor, timeoutMs);
    } else {
      const message = syslogMessage(a.format, alert, sensor, (opts.now ?? Date.now)());
      if (a.transport === 'udp') await sendUdp(a, Buffer.from(message, 'utf8'), timeoutMs);
      else await sendTcp(a, octetCounted(message), timeoutMs);
    }
  } catch (err) {
    if (err instanceof DeliveryError) throw err;
    throw new DeliveryError(`${describeTarget(a)}: ${(err as Error).message}`);
  }
}

/** Rejects with a timeout error after ms unless the work settles first; `onTimeout` cleans up. */
function withTimeout<T>(ms: number, what: string, work: Promise<T>, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => { onTimeout(); reject(new Error(`${what} timed out after ${ms} ms`)); }, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function sendUdp(a: SyslogAction, payload: Buffer, timeoutMs: number): Promise<void> {
  if (payload.length > MAX_UDP_PAYLOAD) throw new Error(`the message is ${payload.length} bytes, more than UDP can carry`);
  // The socket family must match the address, so names are resolved first.
  const { address, family } = isIP(a.host) !== 0 ? { address: a.host, family: isIP(a.host) } : await lookup(a.host);
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  const sent = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.send(payload, a.port, address, (err) => (err ? reject(err) : resolve()));
  });
  try {
    await withTimeout(timeoutMs, 'UDP send', sent, () => undefined);
  } finally {
    socket.close();
  }
}

async function sendTcp(a: SyslogAction, payload: Buffer, timeoutMs: number): Promise<void> {
  const socket = connect({ host: a.host, port: a.port });
  const done = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.end(payload));
    // 'close' after 'finish': everything was handed to the kernel and the connection shut down cleanly.
    socket.once('close', (hadError) => (hadError ? undefined : resolve()));
  });
  try {
    await withTimeout(timeoutMs, 'TCP syslog', done, () => socket.destroy());
  } finally {
    socket.destroy();
  }
}

function postJson(a: WebhookAction, body: unknown, sensor: SensorIdentity, timeoutMs: number): Promise<void> {
  const url = new URL(a.url);
  const data = Buffer.from(JSON.stringify(body), 'utf8');
  const headers = { 'Content-Type': 'application/json', 'Content-Length': String(data.length), 'User-Agent': `otsensor/${sensor.version}` };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let req: ReturnType<typeof httpRequest> | undefined;
  const work = new Promise<void>((resolve, reject) => {
    req = send(url, { method: 'POST', headers, ...(url.protocol === 'https:' && a.insecure ? { rejectUnauthorized: false } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { if (text.length < 300) text += chunk; });
      res.on('error', reject);
      res.on('end', () => {
        if (status >= 200 && status < 300) return resolve();
        const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
        reject(new Error(`HTTP ${status}${snippet ? `: ${snippet}` : ''}`));
      });
    });
    req.on('error', reject);
    req.end(data);
  });
  return withTimeout(timeoutMs, 'webhook POST', work, () => req?.destroy());
}

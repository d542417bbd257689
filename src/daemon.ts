// The composition root: opens the appliance state, builds the API, serves HTTPS (and plain HTTP only
// when asked), flushes coalesced writes on a timer, and shuts down cleanly.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type Appliance, openAppliance } from './appliance.js';
import { buildApp } from './api/app.js';
import { ensureCertificate } from './api/tls.js';
import type { HealthReport } from './api/routes/health.js';
import { LoginGuard } from './auth/login.js';
import { Throttle } from './auth/throttle.js';
import { DEFAULT_LISTEN, formatUrl, parseListen } from './config.js';
import { createLogger, type Logger } from './log.js';
import { VERSION } from './version.js';

export interface DaemonOptions {
  dataDir: string;
  /** HTTPS listen address; null = no HTTPS. Default 127.0.0.1:8443. */
  listen?: string | null;
  /** Plain HTTP listen address; only when asked for. */
  httpListen?: string | null;
  tlsCert?: string;
  tlsKey?: string;
  log?: Logger;
}

export interface Daemon {
  appliance: Appliance;
  urls: { https: string | null; http: string | null };
  /** PEM of the certificate served (for clients that verify it). */
  certificate: string | null;
  close(): Promise<void>;
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const log = opts.log ?? createLogger();
  const startedAt = Date.now();
  const httpsAt = opts.listen === undefined ? parseListen(DEFAULT_LISTEN) : opts.listen === null ? null : parseListen(opts.listen);
  const httpAt = opts.httpListen ? parseListen(opts.httpListen) : null;
  if (!httpsAt && !httpAt) throw new Error('nothing to listen on: give --listen or --http-listen');

  const appliance = await openAppliance(opts.dataDir);
  for (const w of appliance.warnings) log.warn(w);
  let state: HealthReport['status'] = 'starting';
  const servers: Server[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  const closeAll = async () => {
    state = 'stopping';
    if (flushTimer) clearInterval(flushTimer);
    await Promise.all(servers.map((s) => stopServer(s)));
    appliance.close(); // final flush of coalesced token usage, then the database
  };

  try {
    const throttle = new Throttle();
    const guard = new LoginGuard(appliance.users, appliance.audit, throttle, appliance.config);
    const app = buildApp({
      users: appliance.users, tokens: appliance.tokens, guard, throttle, config: appliance.config, log,
      health: () => ({ status: state, version: VERSION, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ingest: { state: 'idle' } }),
    });
    const flushMs = appliance.config.data.settings.tokens.usageFlushSeconds * 1000;
    flushTimer = setInterval(() => {
      try { appliance.tokens.flushUsage(); } catch (err) { log.error({ err }, 'writing token usage failed'); }
    }, flushMs);
    flushTimer.unref();

    let certificate: string | null = null;
    const urls: Daemon['urls'] = { https: null, http: null };
    if (httpsAt) {
      const tls = await ensureCertificate(opts.dataDir, opts.tlsCert, opts.tlsKey);
      if (tls.generated) log.info({ cert: tls.certPath }, 'generated a self-signed TLS certificate');
      certificate = tls.cert;
      const s = createHttpsServer({ cert: tls.cert, key: tls.key }, app);
      servers.push(s);
      const port = await listen(s, httpsAt.host, httpsAt.port);
      urls.https = formatUrl('https', httpsAt.host, port);
    }
    if (httpAt) {
      const s = createHttpServer(app);
      servers.push(s);
      const port = await listen(s, httpAt.host, httpAt.port);
      urls.http = formatUrl('http', httpAt.host, port);
    }
    state = 'ready';
    log.info({ ...urls, dataDir: opts.dataDir, version: VERSION }, 'otsensor ready');
    return { appliance, urls, certificate, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

// Stop accepting, let requests in flight finish (5 s at most), then drop what is left.
function stopServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const force = setTimeout(() => server.closeAllConnections(), 5000);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

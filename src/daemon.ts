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
import { Ingest } from './ingest.js';
import { createSensor } from './pipeline.js';
import type { Speed } from './sources/pacing.js';
import { type LiveMethod, openLiveSource } from './sources/live.js';
import { IngestRuns } from './store/ingest-runs.js';
import { InventoryService } from './inventory-service.js';
import { DetectionService } from './detection-service.js';
import { scheduleRetention } from './alerts/retention.js';
import { enqueue, type ForwardingWorker } from './forwarding/outbox.js';
import { localForwarder } from './forwarding/local.js';

/** What the daemon ingests while it serves: capture files, or a live interface. */
export type IngestSpec =
  | { files: string[]; speed?: Speed; loops?: number }
  | { interface: string; bpf?: string | null; method?: LiveMethod };

export interface DaemonOptions {
  dataDir: string;
  /** HTTPS listen address; null = no HTTPS. Default 127.0.0.1:8443. */
  listen?: string | null;
  /** Plain HTTP listen address; only when asked for. */
  httpListen?: string | null;
  tlsCert?: string;
  tlsKey?: string;
  log?: Logger;
  /** captures to replay or an interface to sniff while serving; none by default */
  ingest?: IngestSpec | null;
}

export interface Daemon {
  appliance: Appliance;
  urls: { https: string | null; http: string | null };
  /** PEM of the certificate served (for clients that verify it). */
  certificate: string | null;
  /** the ingest running in the background, if any; resolves when it ends */
  ingestDone: Promise<void> | null;
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
  let retention: { stop(): void } | null = null;
  let forwarder: ForwardingWorker | null = null;
  const stopIngest = new AbortController();
  let ingestDone: Promise<void> | null = null;
  const closeAll = async () => {
    state = 'stopping';
    if (flushTimer) clearInterval(flushTimer);
    retention?.stop();
    stopIngest.abort();
    await ingestDone;
    await forwarder?.stop();
    await Promise.all(servers.map((s) => stopServer(s)));
    appliance.close(); // final flush of coalesced token usage, then the database
  };

  try {
    const inventory = new InventoryService(appliance.db);
    // forwarding (issue 6): a new alert is queued in the transaction that stores it; the worker sends
    const detection = new DetectionService({ db: appliance.db, dataDir: opts.dataDir, settings: () => appliance.config.data.settings, inventory,
      onError: (err) => log.error({ err }, 'writing an alert PCAP failed'),
      onNewAlert: (db, a) => { enqueue(db, a, appliance.config.data.forwarding, Date.now()); } });
    forwarder = localForwarder(appliance.db, () => appliance.config.data.forwarding, (id) => detection.store.get(id));
    forwarder.start();
    const sent = (r: { alerts: number }) => { if (r.alerts > 0) forwarder?.notify(); };
    // the periodic flush writes alerts in slices; the final one (sync) throws to its caller on failure
    inventory.afterFlush = (sliced) => (sliced ? detection.flushInSlices().then(sent) : sent(detection.flush()));
    const background = opts.ingest ? startIngest(opts.ingest, appliance, inventory, detection, log, stopIngest.signal) : null;
    // retention (issue 6; spec §1.16, §5.6): PCAPs by age and disk quota, closed alerts after 90 days, events with them
    retention = scheduleRetention([
      { name: 'alert-pcaps', run: () => detection.pcaps.purge(Date.now()) },
      { name: 'alerts', run: () => { detection.store.purgeOlderThan(Date.now() - ALERT_RETENTION_MS); detection.store.events.purgeOlderThan(Date.now() - ALERT_RETENTION_MS); } },
    ], { onError: (name, err) => log.error({ err, job: name }, 'retention job failed') });
    ingestDone = background?.done ?? null;
    const throttle = new Throttle();
    const guard = new LoginGuard(appliance.users, appliance.audit, throttle, appliance.config);
    const app = buildApp({
      users: appliance.users, tokens: appliance.tokens, guard, throttle, config: appliance.config, log, inventory: inventory.store,
      alerts: { store: detection.store, pcaps: detection.pcaps, handle: (a, action, by) => detection.handle(a, action, by) },
      health: () => ({ status: state, version: VERSION, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000), ingest: background?.health() ?? { state: 'idle' },
        inventory: { devices: inventory.store.count('devices'), connections: inventory.store.count('connections'), lastFlush: inventory.lastFlush },
        detection: { alerts: detection.store.count(), learning: detection.detector.learningState.on, lastFlush: detection.lastFlush } }),
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
    return { appliance, urls, certificate, ingestDone, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/** Closed alerts and events are kept 90 days (spec §5.6 "Alert retention on sensor: 90 days"). */
const ALERT_RETENTION_MS = 90 * 86_400_000;

function startIngest(spec: IngestSpec, appliance: Appliance, inventory: InventoryService, detection: DetectionService, log: Logger, signal: AbortSignal) {
  const sensor = createSensor([inventory.observer, ...detection.analyzers()]);
  const live = 'interface' in spec;
  const ingest = live
    ? new Ingest(sensor, { live: { name: `interface:${spec.interface}`, open: () => openLiveSource(spec.interface, spec.bpf ?? null, spec.method) }, signal })
    : new Ingest(sensor, { files: spec.files, speed: spec.speed, loops: spec.loops, signal, chunkSize: 256 * 1024 });
  const sources = live ? [`interface:${spec.interface}`] : spec.files;
  const runs = new IngestRuns(appliance.db);
  const runId = runs.start(live ? 'live' : 'replay', sources);
  let error: string | null = null;
  log.info({ sources }, live ? 'live capture started' : 'replay started');
  inventory.start((err) => log.error({ err }, 'writing the inventory failed'));
  const flushInventory = async () => {
    await inventory.stop();
    detection.finish();
    try { inventory.flush(); } catch (err) { log.error({ err }, 'writing the inventory failed'); }
    await detection.settled();
  };
  const done = ingest.run().then(async (report) => {
    await flushInventory();
    runs.finish(runId, report);
    error = report.files.map((f) => f.error && `${f.path}: at byte ${f.error.offset}: ${f.error.reason}`).filter(Boolean).join('; ') || null;
    log.info({ packets: report.totals.packets, seconds: report.totals.seconds, flows: report.flows.created, error }, 'ingest finished');
  }, async (err: unknown) => {
    await flushInventory();
    error = (err as Error).message;
    log.error({ err }, 'ingest failed');
  });
  const health = () => {
    const p = ingest.progress();
    const st = sensor.stats();
    return {
      state: p.state, sources, packets: p.packets, bytes: p.bytes, dropped: p.dropped, packetsPerSecond: Math.round(p.packetsPerSecond),
      fraction: p.fraction, etaSeconds: p.etaSeconds, flows: st.flows,
      anomalies: Object.values(st.anomalies).reduce((a, b) => a + b, 0),
      captureTime: st.lastTs === null ? null : Math.floor(st.lastTs / 1000), error,
    };
  };
  return { done, health };
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

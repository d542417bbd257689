// otsensor replay FILE... — ingest captures into the data dir and report what was in them.
import type { Command } from 'commander';
import { resolveDataDir } from '../store/data-dir.js';
import { InputError } from '../errors.js';
import { parseSpeed } from '../sources/pacing.js';
import type { DataDirOption } from './appliance-session.js';
import { formatReport, progressLine } from './ingest-output.js';

type Opts = DataDirOption & { speed: string; loop?: string | true; json?: boolean; progress: boolean; learn?: boolean; learnUntil?: string; learning?: string; forward: boolean };

/** --learn / --learn-until / --learning: this replay's learning mode, or null to follow the stored setting. */
function learningOption(o: Opts): { on: boolean; until: number | null; untilOffset?: number } | null {
  const given = [o.learn, o.learnUntil, o.learning].filter((x) => x !== undefined).length;
  if (given > 1) throw new InputError('give one of --learn, --learn-until and --learning');
  if (o.learn) return { on: true, until: null };
  if (o.learning !== undefined) {
    if (o.learning !== 'on' && o.learning !== 'off') throw new InputError(`--learning takes on or off, not ${JSON.stringify(o.learning)}`);
    return { on: o.learning === 'on', until: null };
  }
  if (o.learnUntil === undefined) return null;
  const rel = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(o.learnUntil);
  if (rel) return { on: true, until: null, untilOffset: Number(rel[1]) * { s: 1, m: 60, h: 3600 }[rel[2] as 's' | 'm' | 'h'] * 1e6 };
  const t = Date.parse(o.learnUntil);
  if (!/^\d{4}-\d{2}-\d{2}/.test(o.learnUntil) || Number.isNaN(t)) throw new InputError(`--learn-until takes an ISO 8601 time or an offset such as 90s, 5m or 1h, not ${JSON.stringify(o.learnUntil)}`);
  return { on: true, until: t * 1000 };
}

export function registerReplayCommand(program: Command, dataDirOption: (c: Command) => Command): void {
  dataDirOption(program.command('replay <files...>').description('ingest pcap/pcapng captures (also .gz) in timestamp order and report on them')
    .option('--speed <speed>', 'max (as fast as possible), realtime, or a factor such as 10', 'max')
    .option('--loop [count]', 'play the files COUNT times (without COUNT: until interrupted)')
    .option('--json', 'print the report as one JSON object on stdout')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .option('--learn', 'learning mode for this capture: what it shows becomes the baseline; learning is off afterwards')
    .option('--learn-until <when>', 'learn until this capture time (ISO 8601, or an offset from the first packet: 90s, 5m, 1h), then detect; learning is off afterwards')
    .option('--learning <on|off>', 'learning mode for this replay only, instead of the stored setting')
    .option('--no-forward', 'queue new alerts for the forwarding rules without sending them (the daemon sends them)'))
    .action(async (files: string[], o: Opts) => {
      let speed;
      try { speed = parseSpeed(o.speed); } catch (e) { throw new InputError((e as Error).message); }
      const loops = o.loop === undefined ? 1 : o.loop === true ? Infinity : Number(o.loop);
      if (!(loops >= 1)) throw new InputError('--loop takes a whole number of at least 1');
      const learning = learningOption(o);
      const [{ openAppliance }, { Ingest }, { createSensor }, { IngestRuns }, { InventoryService }, { DetectionService }] = await Promise.all([
        import('../appliance.js'), import('../ingest.js'), import('../pipeline.js'), import('../store/ingest-runs.js'), import('../inventory-service.js'),
        import('../detection-service.js')]);
      // A replay needs the data plane, not a login: no first admin is created here.
      const app = await openAppliance(resolveDataDir(o.dataDir), { bootstrap: false });
      const runs = new IngestRuns(app.db);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const inventory = new InventoryService(app.db);
      const [{ enqueue }, { localForwarder, sendQueued }] = await Promise.all([import('../forwarding/outbox.js'), import('../forwarding/local.js')]);
      // new alerts are queued for forwarding with the alert; the daemon (or `forwarding pending`) sends them
      const detection = new DetectionService({ db: app.db, dataDir: app.dataDir, settings: () => app.config.data.settings, inventory, learning: learning ?? undefined,
        onError: (err) => process.stderr.write(`otsensor: warning: writing an alert PCAP failed: ${err.message}\n`),
        onNewAlert: (db, a) => { enqueue(db, a, app.config.data.forwarding, Date.now()); } });
      inventory.afterFlush = () => { detection.flush(); };
      const ingest = new Ingest(createSensor([inventory.observer, ...detection.analyzers()]), { files, speed, loops, signal: abort.signal });
      inventory.start((err) => process.stderr.write(`otsensor: warning: writing the inventory failed: ${(err as Error).message}\n`));
      const runId = runs.start('replay', files);
      const tty = o.progress && process.stderr.isTTY && !o.json;
      const timer = tty ? setInterval(() => process.stderr.write(`\r${progressLine(ingest.progress())}\x1b[K`), 250) : undefined;
      try {
        const report = await ingest.run();
        await inventory.stop();
        detection.finish();
        inventory.flush();
        await detection.settled(); // the alert PCAPs of the last flushes
        // what the forwarding rules queued goes out now, as it would from the sensor (spec §5.7);
        // what a receiver refuses stays queued for the daemon
        let forwarding: Awaited<ReturnType<typeof sendQueued>> | null = null;
        if (o.forward && app.config.data.forwarding.some((r) => r.enabled)) {
          forwarding = await sendQueued(localForwarder(app.db, () => app.config.data.forwarding, (id) => detection.store.get(id)), app.db);
        }
        // a baseline was learned: learning ends, as when an admin switches it off (spec §5.6)
        if (o.learn || o.learnUntil) app.config.mutate((d) => { d.settings.detection.learning = false; });
        const stored = { devices: inventory.store.count('devices'), connections: inventory.store.count('connections') };
        const alerts = { alerts: detection.store.count(), events: detection.store.events.count(), baseline: detection.store.baseline.count() };
        if (timer) { clearInterval(timer); process.stderr.write(`\r${progressLine(ingest.progress())}\x1b[K\n`); }
        runs.finish(runId, report);
        process.stdout.write(o.json ? JSON.stringify({ ...report, inventory: stored, detection: alerts, ...(forwarding ? { forwarding } : {}) }) + '\n'
          : formatReport(report) + `inventory: ${stored.devices} devices, ${stored.connections} connections in ${app.dataDir}\n` +
            `detection: ${alerts.alerts} alerts, ${alerts.events} events, ${alerts.baseline} baseline entries${detection.detector.learningState.on && !(o.learn || o.learnUntil) ? ' (learning mode: Policy alerts are held back; see --learn-until or --learning off)' : ''}\n` +
            (forwarding ? `forwarding: ${forwarding.sent} sent${forwarding.failed ? `, ${forwarding.failed} failed` : ''}, ${forwarding.queued} queued for the daemon\n` : ''));
        if (ingest.anyUnreadable) process.exitCode = 1;
      } finally {
        await inventory.stop();
        if (timer) clearInterval(timer);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        app.close();
      }
    });
}

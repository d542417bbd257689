// otsensor replay FILE... — ingest captures into the data dir and report what was in them.
import type { Command } from 'commander';
import { resolveDataDir } from '../store/data-dir.js';
import { InputError } from '../errors.js';
import { parseSpeed } from '../sources/pacing.js';
import type { DataDirOption } from './appliance-session.js';
import { formatReport, progressLine } from './ingest-output.js';

type Opts = DataDirOption & { speed: string; loop?: string | true; json?: boolean; progress: boolean };

export function registerReplayCommand(program: Command, dataDirOption: (c: Command) => Command): void {
  dataDirOption(program.command('replay <files...>').description('ingest pcap/pcapng captures (also .gz) in timestamp order and report on them')
    .option('--speed <speed>', 'max (as fast as possible), realtime, or a factor such as 10', 'max')
    .option('--loop [count]', 'play the files COUNT times (without COUNT: until interrupted)')
    .option('--json', 'print the report as one JSON object on stdout')
    .option('--no-progress', 'no progress bar, even on a terminal'))
    .action(async (files: string[], o: Opts) => {
      let speed;
      try { speed = parseSpeed(o.speed); } catch (e) { throw new InputError((e as Error).message); }
      const loops = o.loop === undefined ? 1 : o.loop === true ? Infinity : Number(o.loop);
      if (!(loops >= 1)) throw new InputError('--loop takes a whole number of at least 1');
      const [{ openAppliance }, { Ingest }, { createSensor }, { IngestRuns }, { InventoryService }] = await Promise.all([
        import('../appliance.js'), import('../ingest.js'), import('../pipeline.js'), import('../store/ingest-runs.js'), import('../inventory-service.js')]);
      // A replay needs the data plane, not a login: no first admin is created here.
      const app = await openAppliance(resolveDataDir(o.dataDir), { bootstrap: false });
      const runs = new IngestRuns(app.db);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const inventory = new InventoryService(app.db);
      const ingest = new Ingest(createSensor([inventory.observer]), { files, speed, loops, signal: abort.signal });
      inventory.start((err) => process.stderr.write(`otsensor: warning: writing the inventory failed: ${(err as Error).message}\n`));
      const runId = runs.start('replay', files);
      const tty = o.progress && process.stderr.isTTY && !o.json;
      const timer = tty ? setInterval(() => process.stderr.write(`\r${progressLine(ingest.progress())}\x1b[K`), 250) : undefined;
      try {
        const report = await ingest.run();
        await inventory.stop();
        inventory.flush();
        const stored = { devices: inventory.store.count('devices'), connections: inventory.store.count('connections') };
        if (timer) { clearInterval(timer); process.stderr.write(`\r${progressLine(ingest.progress())}\x1b[K\n`); }
        runs.finish(runId, report);
        process.stdout.write(o.json ? JSON.stringify({ ...report, inventory: stored }) + '\n' : formatReport(report) + `inventory: ${stored.devices} devices, ${stored.connections} connections in ${app.dataDir}\n`);
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

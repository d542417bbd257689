// otsensor run — the daemon in the foreground (systemd runs it so).
import type { Command } from 'commander';
import type { IngestSpec } from '../daemon.js';
import { DEMO_CAPTURE } from '../demo.js';
import { InputError } from '../errors.js';
import { parseSpeed } from '../sources/pacing.js';
import { LIVE_METHODS, type LiveMethod, resolveLiveMethod } from '../sources/live.js';
import { resolveDataDir } from '../store/data-dir.js';
import { DEFAULT_LISTEN } from '../config.js';
import { announceBootstrap, type DataDirOption } from './appliance-session.js';

type Opts = DataDirOption & {
  listen: string; https: boolean; httpListen?: string; tlsCert?: string; tlsKey?: string;
  replay?: string[]; interface?: string; bpf?: string; captureMethod: string; speed: string; loop?: string | true; demo: boolean;
};

function ingestSpec(o: Opts): IngestSpec | null {
  if (o.replay && o.interface) throw new InputError('give --replay or --interface, not both');
  if (o.bpf && !o.interface) throw new InputError('--bpf goes with --interface');
  if (o.interface) {
    const method = o.captureMethod as LiveMethod;
    if (!LIVE_METHODS.includes(method)) throw new InputError(`--capture-method takes ${LIVE_METHODS.join(', ')}`);
    try { resolveLiveMethod(method); } catch (e) { throw new InputError((e as Error).message); } // fail now, not after start
    return { interface: o.interface, bpf: o.bpf ?? null, method };
  }
  let speed;
  try { speed = parseSpeed(o.speed); } catch (e) { throw new InputError((e as Error).message); }
  const loops = o.loop === undefined ? 1 : o.loop === true ? Infinity : Number(o.loop);
  if (!(loops >= 1)) throw new InputError('--loop takes a whole number of at least 1');
  const files = o.replay ?? (o.demo ? [DEMO_CAPTURE] : null);
  return files ? { files, speed, loops } : null;
}

export function registerRunCommand(program: Command, dataDirOption: (c: Command) => Command): void {
  dataDirOption(program.command('run').description('run the sensor: serve the API over HTTPS')
    .option('--listen <host:port>', 'HTTPS address', DEFAULT_LISTEN)
    .option('--no-https', 'do not serve HTTPS (needs --http-listen)')
    .option('--http-listen <host:port>', 'also serve plain HTTP here (off unless asked)')
    .option('--tls-cert <file>', 'PEM certificate to serve instead of the generated self-signed one')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--replay <files...>', 'replay these captures while serving (default: the bundled demo capture)')
    .option('--interface <if>', 'sniff this interface while serving (needs root or CAP_NET_RAW)')
    .option('--bpf <expr>', 'capture filter for --interface')
    .option('--capture-method <method>', 'how --interface captures: auto (cap if installed, else tcpdump), cap or tcpdump', 'auto')
    .option('--speed <speed>', 'replay pacing: max, realtime or a factor such as 10', 'max')
    .option('--loop [count]', 'replay the captures COUNT times (without COUNT: until stopped)')
    .option('--no-demo', 'start with nothing to ingest instead of the bundled demo capture'))
    .action(async (o: Opts) => {
      const [{ startDaemon }, { createLogger }] = await Promise.all([import('../daemon.js'), import('../log.js')]);
      const log = createLogger();
      const daemon = await startDaemon({
        dataDir: resolveDataDir(o.dataDir), listen: o.https ? o.listen : null, httpListen: o.httpListen ?? null,
        tlsCert: o.tlsCert, tlsKey: o.tlsKey, log, ingest: ingestSpec(o),
      });
      announceBootstrap(daemon.appliance);
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info({ signal }, 'shutting down');
        daemon.close().then(
          () => { log.info('stopped'); process.exit(0); },
          (err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1); });
      };
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });
}

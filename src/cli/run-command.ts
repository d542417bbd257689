// otsensor run — the daemon in the foreground (systemd runs it so).
import type { Command } from 'commander';
import { startDaemon } from '../daemon.js';
import { createLogger } from '../log.js';
import { resolveDataDir } from '../store/data-dir.js';
import { DEFAULT_LISTEN } from '../config.js';
import { announceBootstrap, type DataDirOption } from './appliance-session.js';

type Opts = DataDirOption & { listen: string; https: boolean; httpListen?: string; tlsCert?: string; tlsKey?: string };

export function registerRunCommand(program: Command, dataDirOption: (c: Command) => Command): void {
  dataDirOption(program.command('run').description('run the sensor: serve the API over HTTPS')
    .option('--listen <host:port>', 'HTTPS address', DEFAULT_LISTEN)
    .option('--no-https', 'do not serve HTTPS (needs --http-listen)')
    .option('--http-listen <host:port>', 'also serve plain HTTP here (off unless asked)')
    .option('--tls-cert <file>', 'PEM certificate to serve instead of the generated self-signed one')
    .option('--tls-key <file>', 'PEM private key for --tls-cert'))
    .action(async (o: Opts) => {
      const log = createLogger();
      const daemon = await startDaemon({
        dataDir: resolveDataDir(o.dataDir), listen: o.https ? o.listen : null, httpListen: o.httpListen ?? null,
        tlsCert: o.tlsCert, tlsKey: o.tlsKey, log,
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

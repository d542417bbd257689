// Opens the appliance for one CLI command and closes it afterwards. The first-start admin password,
// when this command is the one that created it, goes to stderr so stdout stays scriptable.
import type { Appliance } from '../appliance.js';
import { resolveDataDir } from '../store/data-dir.js';

export interface DataDirOption { dataDir?: string }

export function announceBootstrap(app: Appliance): void {
  if (!app.bootstrapPassword) return;
  process.stderr.write(
    `otsensor: first start in ${app.dataDir}: created user 'admin' (Admin) with password: ${app.bootstrapPassword}\n` +
    "otsensor: this password is shown once; change it with 'otsensor user passwd admin'.\n");
}

export async function withAppliance<T>(opts: DataDirOption, fn: (app: Appliance) => Promise<T> | T): Promise<T> {
  // Loaded here, not at start-up: `otsensor --help` and `replay` need none of it.
  const { openAppliance } = await import('../appliance.js');
  const app = await openAppliance(resolveDataDir(opts.dataDir));
  try {
    announceBootstrap(app);
    for (const w of app.warnings) process.stderr.write(`otsensor: warning: ${w}\n`);
    return await fn(app);
  } finally {
    app.close();
  }
}

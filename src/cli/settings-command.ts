// otsensor settings [list] | settings set KEY VALUE — the appliance's tunables (token lifetimes,
// throttling). Only known keys, whole positive numbers. The daemon reads them at its next use; the
// token-usage flush interval takes effect at its next start.
import type { Command } from 'commander';
import type { Settings } from '../store/config-schema.js';
import { DEFAULT_SETTINGS } from '../store/config-schema.js';
import { InputError } from '../errors.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { cliActor, table } from './io.js';

type Opts = DataDirOption & { json?: boolean };

function flatten(s: Settings): Array<[string, number]> {
  return Object.entries(s).flatMap(([group, values]) =>
    Object.entries(values as Record<string, number>).map(([k, v]): [string, number] => [`${group}.${k}`, v]));
}

export function registerSettingsCommand(program: Command, dataDirOption: (c: Command) => Command): void {
  const settings = program.command('settings').description('show or change appliance settings (token lifetimes, throttling)');

  dataDirOption(settings.command('list', { isDefault: true }).description('show every setting').option('--json', 'print JSON'))
    .action(async (o: Opts) => {
      const s = await withAppliance(o, (app) => app.config.data.settings);
      if (o.json) return void process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      process.stdout.write(table(['SETTING', 'VALUE', 'DEFAULT'], flatten(s).map(([k, v]) =>
        [k, String(v), String(flatten(DEFAULT_SETTINGS).find(([d]) => d === k)?.[1] ?? '')])) + '\n');
    });

  dataDirOption(settings.command('set <key> <value>').description('change one setting, e.g. throttle.userFailures 10'))
    .action(async (key: string, value: string, o: Opts) => {
      const [group, name] = key.split('.');
      const defaults = DEFAULT_SETTINGS as unknown as Record<string, Record<string, number>>;
      if (!group || !name || !(group in defaults) || !(name in defaults[group]!)) {
        throw new InputError(`unknown setting '${key}'; known: ${flatten(DEFAULT_SETTINGS).map(([k]) => k).join(', ')}`);
      }
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new InputError(`${key} must be a whole number of at least 1`);
      await withAppliance(o, (app) => {
        app.config.mutate((d) => { (d.settings as unknown as Record<string, Record<string, number>>)[group]![name] = n; });
        app.audit.record({ ...cliActor(), action: 'settings.change', target: key, outcome: 'success', detail: { value: n } });
      });
      process.stdout.write(`${key} = ${n}\n`);
    });
}

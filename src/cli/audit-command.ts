// otsensor audit — the audit trail, newest first.
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { table } from './io.js';

type Opts = DataDirOption & { json?: boolean; limit: string; action?: string };

export function registerAuditCommand(program: Command, dataDirOption: (c: Command) => Command): void {
  dataDirOption(program.command('audit').description('show the audit trail: logins, password changes, token create/revoke/refusals')
    .option('--limit <n>', 'how many entries', '50')
    .option('--action <prefix>', 'only actions starting with this, e.g. token. or login.')
    .option('--json', 'print JSON lines'))
    .action(async (o: Opts) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new InputError('--limit must be a positive whole number');
      const rows = await withAppliance(o, (app) => app.audit.list(limit, o.action ?? null));
      if (o.json) {
        for (const r of rows) process.stdout.write(JSON.stringify({ ...r, time: new Date(r.time).toISOString() }) + '\n');
        return;
      }
      process.stdout.write(table(['TIME', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'CLIENT', 'DETAIL'],
        rows.map((r) => [new Date(r.time).toISOString(), r.actor, r.action, r.target ?? '', r.outcome, r.client ?? '',
          r.detail ? JSON.stringify(r.detail) : ''])) + '\n');
    });
}

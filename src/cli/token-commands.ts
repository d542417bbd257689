// otsensor token create|list|revoke — API tokens generated on the box (tokens.md).
import type { Command } from 'commander';
import { parseRole, roleDisplayNames } from '../auth/roles.js';
import type { Appliance } from '../appliance.js';
import { InputError } from '../errors.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { parseLifetime } from './duration.js';
import { cliActor, table, when } from './io.js';

type Opts = DataDirOption & { description?: string; role?: string; expiresIn?: string; owner?: string; id?: string; json?: boolean };

export function registerTokenCommands(program: Command, dataDirOption: (c: Command) => Command): void {
  const token = program.command('token').description('manage API tokens');

  dataDirOption(token.command('create').description('generate an API token; it is printed once and only its hash is kept')
    .requiredOption('--description <text>', 'what the token is for (shown in the token list)')
    .option('--role <role>', "admin | security-analyst | read-only (default: the owner's role)")
    .option('--expires-in <lifetime>', 'lifetime: 90d, 12w, 1y, 36h or never', undefined)
    .option('--owner <user>', "the user the token acts for (default: 'admin')")
    .option('--id <id>', 'token id (default: generated)')
    .option('--json', 'print the token and its details as JSON'))
    .action(async (o: Opts) => {
      const role = o.role === undefined ? undefined : parseRole(o.role);
      if (role === null) throw new InputError(`unknown role '${o.role}': use admin, security-analyst or read-only`);
      const expires = o.expiresIn === undefined ? undefined : parseLifetime(o.expiresIn);
      const { token: t, secret } = await withAppliance(o, (app) => app.tokens.create(
        { id: o.id, description: o.description ?? '', owner: o.owner ?? defaultOwner(app), role, expires }, cliActor()));
      if (o.json) {
        process.stdout.write(JSON.stringify({ ...t, token: secret }, null, 2) + '\n');
      } else {
        process.stdout.write(secret + '\n');
        if (process.stderr.isTTY) {
          process.stderr.write(`token '${t.id}' for ${t.owner} (${roleDisplayNames[t.role]}), expires ${t.expires ?? 'never'}.\n` +
            'Copy it now: it cannot be shown again.\n');
        }
      }
    });

  dataDirOption(token.command('list').description('list API tokens (never their secrets)').option('--json', 'print JSON'))
    .action(async (o: Opts) => {
      const tokens = await withAppliance(o, (app) => app.tokens.list());
      if (o.json) return void process.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
      process.stdout.write(table(['ID', 'DESCRIPTION', 'OWNER', 'ROLE', 'CREATED', 'EXPIRES', 'LAST USED', 'STATUS'],
        tokens.map((t) => [t.id, t.description, t.owner, roleDisplayNames[t.role], when(t.created),
          t.expires ? when(t.expires) : 'never', when(t.lastUsed), t.status])) + '\n');
    });

  dataDirOption(token.command('revoke <id>').description('delete a token; clients using it are refused at once'))
    .action(async (id: string, o: Opts) => {
      await withAppliance(o, (app) => app.tokens.revoke(id, cliActor()));
      process.stdout.write(`token '${id}' revoked\n`);
    });
}

// The built-in 'admin' (it exists from first start); otherwise the only enabled Admin.
function defaultOwner(app: Appliance): string {
  const admins = app.users.list().filter((u) => u.role === 'admin' && !u.disabled);
  const builtIn = admins.find((u) => u.username === 'admin');
  if (builtIn) return builtIn.username;
  if (admins.length === 1) return admins[0]!.username;
  throw new InputError('say which user the token acts for: --owner USER');
}

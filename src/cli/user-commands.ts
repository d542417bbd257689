// otsensor user add|list|passwd|disable|enable|delete
import type { Command } from 'commander';
import { parseRole, roleDisplayNames } from '../auth/roles.js';
import { InputError } from '../errors.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { cliActor, readPassword, table, when } from './io.js';

type Opts = DataDirOption & { role?: string; passwordStdin?: boolean; json?: boolean };

export function registerUserCommands(program: Command, dataDirOption: (c: Command) => Command): void {
  const user = program.command('user').description('manage local users (Admin, Security Analyst, Read Only)');

  dataDirOption(user.command('add <name>').description('create a user')
    .requiredOption('--role <role>', 'admin | security-analyst | read-only')
    .option('--password-stdin', 'read the password from the first line of standard input'))
    .action(async (name: string, o: Opts) => {
      const role = parseRole(o.role ?? '');
      if (!role) throw new InputError(`unknown role '${o.role}': use admin, security-analyst or read-only`);
      const password = await readPassword(!!o.passwordStdin, `password for ${name}`);
      await withAppliance(o, (app) => app.users.add(name, role, password, cliActor()));
      process.stdout.write(`created user '${name}' (${roleDisplayNames[role]})\n`);
    });

  dataDirOption(user.command('list').description('list users').option('--json', 'print JSON'))
    .action(async (o: Opts) => {
      const users = await withAppliance(o, (app) => app.users.list());
      if (o.json) return void process.stdout.write(JSON.stringify(users, null, 2) + '\n');
      process.stdout.write(table(['USER', 'ROLE', 'STATUS', 'CREATED', 'PASSWORD CHANGED'],
        users.map((u) => [u.username, roleDisplayNames[u.role], u.disabled ? 'disabled' : 'enabled', when(u.created), when(u.passwordChanged)])) + '\n');
    });

  dataDirOption(user.command('passwd <name>').description("set a user's password")
    .option('--password-stdin', 'read the password from the first line of standard input'))
    .action(async (name: string, o: Opts) => {
      const password = await readPassword(!!o.passwordStdin, `new password for ${name}`);
      await withAppliance(o, (app) => app.users.setPassword(name, password, cliActor()));
      process.stdout.write(`password of '${name}' changed\n`);
    });

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    dataDirOption(user.command(`${verb} <name>`).description(disabled
      ? 'disable a user: logins fail and its API tokens are refused (kept, not deleted)'
      : 'enable a disabled user'))
      .action(async (name: string, o: Opts) => {
        await withAppliance(o, (app) => app.users.setDisabled(name, disabled, cliActor()));
        process.stdout.write(`user '${name}' ${verb}d\n`);
      });
  }

  dataDirOption(user.command('delete <name>').description('delete a user; its API tokens are kept but refused'))
    .action(async (name: string, o: Opts) => {
      await withAppliance(o, (app) => app.users.delete(name, cliActor()));
      process.stdout.write(`user '${name}' deleted\n`);
    });
}

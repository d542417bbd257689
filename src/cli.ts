#!/usr/bin/env node
// otsensor: the command line. Every subcommand is a thin caller of the same modules the daemon uses.
import { Command, CommanderError } from 'commander';
import { AppError } from './errors.js';
import { isStartupError } from './store/errors.js';
import { VERSION } from './version.js';
import { registerAlertCommands } from './cli/alert-commands.js';
import { registerAuditCommand } from './cli/audit-command.js';
import { registerForwardingCommands } from './cli/forwarding-commands.js';
import { registerInventoryCommands } from './cli/inventory-commands.js';
import { registerReplayCommand } from './cli/replay-command.js';
import { registerRunCommand } from './cli/run-command.js';
import { registerSettingsCommand } from './cli/settings-command.js';
import { registerTokenCommands } from './cli/token-commands.js';
import { registerUserCommands } from './cli/user-commands.js';

const dataDirOption = (c: Command): Command =>
  c.option('--data-dir <dir>', 'data directory (env OTSENSOR_DATA_DIR, default ./data)');

const program = new Command('otsensor')
  .description('OT network sensor appliance: capture replay, inventory, alerts and the sensor REST API')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

registerRunCommand(program, dataDirOption);
registerReplayCommand(program, dataDirOption);
registerInventoryCommands(program, dataDirOption);
registerAlertCommands(program, dataDirOption);
registerForwardingCommands(program, dataDirOption);
registerUserCommands(program, dataDirOption);
registerTokenCommands(program, dataDirOption);
registerAuditCommand(program, dataDirOption);
registerSettingsCommand(program, dataDirOption);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = err instanceof AppError || isStartupError(err) ? err.message : (err as Error).stack ?? String(err);
  process.stderr.write(`otsensor: ${message}\n`);
  process.exit(isStartupError(err) ? 2 : 1);
}

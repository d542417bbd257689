// Alert forwarding (issue 6; spec §5.7), the `otsensor forwarding` commands run in-process: add, list,
// test, pending and remove, their audit entries, and the messages for bad input.
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { registerForwardingCommands } from '../src/cli/forwarding-commands.js';
import { InputError } from '../src/errors.js';
import { enqueue } from '../src/forwarding/outbox.js';
import type { ForwardingRule } from '../src/forwarding/rules.js';
import { DeliveryError } from '../src/forwarding/transports.js';
import { AuditLog } from '../src/store/audit-log.js';
import { openDatabase } from '../src/store/database.js';
import { removeTempDirs, tempDir } from './support/env.js';
import { closedPort, closeReceivers, insertAlert, parseSyslog, rule, splitHeader, syslog, udpReceiver } from './support/forwarding.js';

afterAll(removeTempDirs);
afterEach(closeReceivers);

describe('otsensor forwarding (CLI commands)', () => {
  const dataDir = tempDir();

  /** Runs one command in-process as `otsensor forwarding ...`; returns what it printed, or throws its error. */
  async function cli(...args: string[]): Promise<string> {
    const program = new Command('otsensor').exitOverride();
    registerForwardingCommands(program, (c) => c.option('--data-dir <dir>', 'data directory'));
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
      await program.parseAsync(['node', 'otsensor', 'forwarding', ...args, '--data-dir', dataDir]);
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    return out;
  }

  it('add, list, test, pending, remove — with audit entries', async () => {
    const rx = await udpReceiver();
    expect(await cli('add', 'siem', '--syslog', `127.0.0.1:${rx.port}`, '--min-severity', 'major', '--engine', 'policy',
      '--engine', 'Protocol Violation', '--protocol', 'Modbus,DNP3')).toBe(`added forwarding rule 'siem': syslog udp://127.0.0.1:${rx.port} (cef)\n`);
    await cli('add', 'hook', '--webhook', 'https://127.0.0.1:9/x', '--insecure', '--disabled');
    const list = JSON.parse(await cli('list', '--json')) as ForwardingRule[];
    expect(list).toEqual([
      { name: 'siem', enabled: true, minSeverity: 'Major', engines: ['Policy Violation', 'Protocol Violation'], protocols: ['Modbus', 'DNP3'],
        action: { type: 'syslog', host: '127.0.0.1', port: rx.port, transport: 'udp', format: 'cef' } },
      { name: 'hook', enabled: false, minSeverity: 'Warning', engines: [], protocols: [],
        action: { type: 'webhook', url: 'https://127.0.0.1:9/x', insecure: true } },
    ]);
    expect(await cli('list')).toMatch(/^NAME\s+ENABLED\s+MIN SEVERITY\s+ENGINES\s+PROTOCOLS\s+TARGET\nsiem\s+yes\s+Major\s+Policy Violation, Protocol Violation\s+Modbus, DNP3\s+syslog udp:/);

    expect(await cli('test', 'siem')).toMatch(/^test alert sent: syslog udp:/);
    const { fields } = splitHeader(parseSyslog(await rx.next()).msg, 7);
    expect(fields[5]).toBe('Test Message');

    const db = openDatabase(dataDir);
    const alert = insertAlert(db, { id: 42 });
    enqueue(db, alert, [rule('siem', syslog(rx.port, 'udp', 'cef'))], Date.parse('2024-01-01T00:00:00Z'));
    db.close();
    expect(await cli('pending')).toMatch(/^ALERT\s+RULE\s+ATTEMPTS\s+NEXT TRY\s+LAST ERROR\n42\s+siem\s+0\s+2024-01-01T00:00:00Z/);

    expect(await cli('remove', 'siem')).toBe("removed forwarding rule 'siem' (1 queued alert dropped)\n");
    expect(JSON.parse(await cli('pending', '--json'))).toEqual([]);
    await expect(cli('remove', 'siem')).rejects.toThrow("forwarding rule 'siem' does not exist");

    const audit = openDatabase(dataDir);
    const actions = new AuditLog(audit).list(20, 'forwarding.').map((e) => `${e.action} ${e.target} ${e.outcome}`);
    audit.close();
    expect(actions).toEqual(['forwarding.remove siem success', 'forwarding.test siem success', 'forwarding.add hook success', 'forwarding.add siem success']);
  });

  it('test reports a failure as an error (exit 1 in the CLI)', async () => {
    const port = await closedPort();
    await cli('add', 'down', '--syslog', `127.0.0.1:${port}`, '--tcp', '--format', 'leef');
    await expect(cli('test', 'down')).rejects.toThrow(DeliveryError);
    await expect(cli('test', 'down')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses bad input with a clear message', async () => {
    await expect(cli('add', 'x')).rejects.toThrow(/either --syslog HOST:PORT or --webhook URL/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--webhook', 'http://h/')).rejects.toThrow(/either --syslog/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--min-severity', 'High')).rejects.toThrow(/unknown severity 'High'/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--engine', 'Firewall')).rejects.toThrow(/unknown engine 'Firewall'/);
    await expect(cli('add', 'x', '--syslog', 'h:1', '--format', 'json')).rejects.toThrow(/unknown format 'json'/);
    await expect(cli('add', 'x', '--syslog', 'h:port')).rejects.toThrow(/invalid syslog port/);
    await expect(cli('add', 'x', '--webhook', 'http://h/', '--insecure')).rejects.toThrow(/https URLs only/);
    await expect(cli('add', 'no/slash', '--syslog', 'h')).rejects.toThrow(InputError);
    await cli('add', 'dup', '--syslog', '[::1]');
    expect((JSON.parse(await cli('list', '--json')) as ForwardingRule[]).find((r) => r.name === 'dup')!.action)
      .toMatchObject({ host: '::1', port: 514 });
    await expect(cli('add', 'dup', '--syslog', 'h')).rejects.toThrow(/already exists/);
  });
});

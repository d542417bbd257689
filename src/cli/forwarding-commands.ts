// otsensor forwarding list|add|remove|test|pending — alert forwarding rules (issue 6; spec §5.7).
// Rules are kept in config.json; a running daemon picks up changes at its next round.
import type { Command } from 'commander';
import { isIP } from 'node:net';
import type { Engine, Severity } from '../analyzers/detection/types.js';
import { ENGINES, SEVERITIES } from '../analyzers/detection/types.js';
import { ConflictError, InputError, NotFoundError } from '../errors.js';
import { localSensorIdentity } from '../forwarding/formats.js';
import { dropRule, listPending } from '../forwarding/outbox.js';
import { describeTarget, parseEngine, parseSeverity, validateRule, SYSLOG_FORMATS, type ForwardingAction, type ForwardingRule,
  type SyslogFormat } from '../forwarding/rules.js';
import { deliver } from '../forwarding/transports.js';
import type { StoredAlert } from '../store/alert-store.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { cliActor, table } from './io.js';

type AddOpts = DataDirOption & {
  syslog?: string; tcp?: boolean; format?: string; webhook?: string; insecure?: boolean;
  minSeverity?: string; engine: string[]; protocol: string[]; disabled?: boolean;
};
type Opts = DataDirOption & { json?: boolean };

const collect = (v: string, prev: string[]): string[] => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

export function registerForwardingCommands(program: Command, dataDirOption: (c: Command) => Command): void {
  const fwd = program.command('forwarding').description('forward alerts to syslog receivers (CEF, LEEF, RFC 5424) and webhooks');

  dataDirOption(fwd.command('list').description('list forwarding rules').option('--json', 'print JSON'))
    .action(async (o: Opts) => {
      const rules = await withAppliance(o, (app) => app.config.data.forwarding);
      if (o.json) return void process.stdout.write(JSON.stringify(rules, null, 2) + '\n');
      process.stdout.write(table(['NAME', 'ENABLED', 'MIN SEVERITY', 'ENGINES', 'PROTOCOLS', 'TARGET'],
        rules.map((r) => [r.name, r.enabled ? 'yes' : 'no', r.minSeverity, r.engines.join(', ') || 'all',
          r.protocols.join(', ') || 'all', describeTarget(r.action)])) + '\n');
    });

  dataDirOption(fwd.command('add <name>').description('add a rule: --syslog HOST[:PORT] or --webhook URL')
    .option('--syslog <host:port>', 'syslog receiver (port 514 when left out; [v6addr]:port for IPv6)')
    .option('--tcp', 'syslog over TCP, octet-counted (RFC 6587); default UDP')
    .option('--format <format>', `syslog message format: ${SYSLOG_FORMATS.join(' | ')}`, 'cef')
    .option('--webhook <url>', 'POST each alert as JSON to this http(s) URL')
    .option('--insecure', 'https webhook: do not check the certificate (self-signed lab receivers)')
    .option('--min-severity <severity>', `forward alerts at this severity or above: ${SEVERITIES.join(' < ')}`, 'Warning')
    .option('--engine <engine>', `only these engines (repeat or comma-separate): ${ENGINES.join(', ')}`, collect, [])
    .option('--protocol <protocol>', 'only alerts of these protocols, e.g. Modbus (repeat or comma-separate)', collect, [])
    .option('--disabled', 'add the rule switched off'))
    .action(async (name: string, o: AddOpts) => {
      const rule = validateRule({
        name, enabled: !o.disabled, minSeverity: severityOption(o.minSeverity ?? 'Warning'),
        engines: [...new Set(o.engine.map(engineOption))], protocols: [...new Set(o.protocol)], action: actionOptions(o),
      } satisfies ForwardingRule);
      await withAppliance(o, (app) => {
        app.config.mutate((d) => {
          if (d.forwarding.some((r) => r.name === rule.name)) throw new ConflictError(`forwarding rule '${rule.name}' already exists`);
          d.forwarding.push(rule);
        });
        app.audit.record({ ...cliActor(), action: 'forwarding.add', target: rule.name, outcome: 'success',
          detail: { target: describeTarget(rule.action), enabled: rule.enabled, minSeverity: rule.minSeverity,
            engines: rule.engines, protocols: rule.protocols } });
      });
      process.stdout.write(`added forwarding rule '${rule.name}': ${describeTarget(rule.action)}${rule.enabled ? '' : ' (disabled)'}\n`);
    });

  dataDirOption(fwd.command('remove <name>').description('remove a rule; alerts still queued for it are dropped'))
    .action(async (name: string, o: Opts) => {
      const dropped = await withAppliance(o, (app) => {
        app.config.mutate((d) => {
          const i = d.forwarding.findIndex((r) => r.name === name);
          if (i < 0) throw new NotFoundError(`forwarding rule '${name}' does not exist`);
          d.forwarding.splice(i, 1);
        });
        const n = dropRule(app.db, name);
        app.audit.record({ ...cliActor(), action: 'forwarding.remove', target: name, outcome: 'success', detail: { droppedQueued: n } });
        return n;
      });
      process.stdout.write(`removed forwarding rule '${name}'${dropped ? ` (${dropped} queued alert${dropped === 1 ? '' : 's'} dropped)` : ''}\n`);
    });

  dataDirOption(fwd.command('test <name>').description("send one synthetic test alert through the rule now (the UI's \"Send Test Message\")"))
    .action(async (name: string, o: Opts) => {
      await withAppliance(o, async (app) => {
        const rule = app.config.data.forwarding.find((r) => r.name === name);
        if (!rule) throw new NotFoundError(`forwarding rule '${name}' does not exist`);
        try {
          await deliver(rule, testAlert(Date.now()), localSensorIdentity());
        } catch (err) {
          app.audit.record({ ...cliActor(), action: 'forwarding.test', target: name, outcome: 'failure', detail: { error: (err as Error).message } });
          throw err;
        }
        app.audit.record({ ...cliActor(), action: 'forwarding.test', target: name, outcome: 'success' });
        process.stdout.write(`test alert sent: ${describeTarget(rule.action)}\n`);
      });
    });

  dataDirOption(fwd.command('pending').description('alerts waiting to be forwarded, with attempts and the last error').option('--json', 'print JSON'))
    .action(async (o: Opts) => {
      const rows = await withAppliance(o, (app) => listPending(app.db));
      if (o.json) return void process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      process.stdout.write(table(['ALERT', 'RULE', 'ATTEMPTS', 'NEXT TRY', 'LAST ERROR'],
        rows.map((r) => [String(r.alertId), r.rule, String(r.attempts), new Date(r.nextTry).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          r.lastError ?? ''])) + '\n');
    });
}

function severityOption(s: string): Severity {
  const v = parseSeverity(s);
  if (!v) throw new InputError(`unknown severity '${s}': use ${SEVERITIES.join(', ')}`);
  return v;
}

function engineOption(s: string): Engine {
  const v = parseEngine(s);
  if (!v) throw new InputError(`unknown engine '${s}': use ${ENGINES.join(', ')}`);
  return v;
}

function actionOptions(o: AddOpts): ForwardingAction {
  if ((o.syslog === undefined) === (o.webhook === undefined)) throw new InputError('say where to forward: either --syslog HOST:PORT or --webhook URL');
  if (o.webhook !== undefined) {
    if (o.tcp) throw new InputError('--tcp applies to --syslog only');
    return { type: 'webhook', url: o.webhook, ...(o.insecure ? { insecure: true } : {}) };
  }
  if (o.insecure) throw new InputError('--insecure applies to https webhooks only');
  const format = (o.format ?? 'cef').toLowerCase();
  if (!(SYSLOG_FORMATS as readonly string[]).includes(format)) throw new InputError(`unknown format '${o.format}': use ${SYSLOG_FORMATS.join(', ')}`);
  const { host, port } = hostPort(o.syslog!);
  return { type: 'syslog', host, port, transport: o.tcp ? 'tcp' : 'udp', format: format as SyslogFormat };
}

/** 'host', 'host:port', '10.0.0.5:514', '[fe80::1]:514' or a bare IPv6 address. */
function hostPort(s: string): { host: string; port: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  let host: string;
  let port = '514';
  if (v6) {
    host = v6[1]!;
    port = v6[2] ?? port;
  } else if (isIP(s) === 6) {
    host = s;
  } else {
    const i = s.lastIndexOf(':');
    host = i < 0 ? s : s.slice(0, i);
    if (i >= 0) port = s.slice(i + 1);
  }
  if (!/^\d{1,5}$/.test(port)) throw new InputError(`invalid syslog port in '${s}'`);
  return { host, port: Number(port) };
}

/** The synthetic alert `forwarding test` sends: clearly marked, documentation addresses (RFC 5737). */
export function testAlert(nowMs: number): StoredAlert {
  return {
    id: 0, uuid: `0-${nowMs}`, status: 'new', time: nowMs, lastTime: nowMs, count: 1,
    engine: 'Operational', severity: 'Warning', title: 'Test Message',
    message: 'This is a test alert from otsensor to check the forwarding rule. No action is needed.',
    protocol: null, srcDevice: null, dstDevice: null, srcAddr: '192.0.2.10', dstAddr: '192.0.2.20', srcMac: null, dstMac: null,
    info: null, remediation: [], learn: [], handledAt: null, handledBy: null,
  };
}

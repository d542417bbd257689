// otsensor alerts list|show|handle|learn|pcap and otsensor events — alerts and the timeline on the
// box (issue 6), the same objects and the same handling the API offers (GET /api/v2/alerts, PUT
// /external/v1/alerts/<UUID>, GET /api/v2/alerts/pcap/<id>, GET /api/v1/events).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, NotFoundError } from '../errors.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { cliActor, table } from './io.js';

type Opts = DataDirOption & { json?: boolean; state?: string; output?: string; minutes?: string; type?: string };

const time = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

async function stores() {
  const [{ AlertStore }, { AlertPcapStore, pcapLimits }] = await Promise.all([import('../store/alert-store.js'), import('../store/alert-pcaps.js')]);
  return { AlertStore, AlertPcapStore, pcapLimits };
}

export function registerAlertCommands(program: Command, dataDirOption: (c: Command) => Command): void {
  const alerts = program.command('alerts').description('list, handle and learn alerts; export their PCAPs');

  dataDirOption(alerts.command('list', { isDefault: true }).description('list alerts (as GET /api/v2/alerts)')
    .option('--state <state>', 'handled or unhandled').option('--json', 'print the JSON array the API serves'))
    .action(async (o: Opts) => {
      if (o.state !== undefined && o.state !== 'handled' && o.state !== 'unhandled') throw new InputError('--state takes handled or unhandled');
      const { AlertStore } = await stores();
      const { alertV2 } = await import('../api/serializers/alert.js');
      const list = await withAppliance(o, (app) => new AlertStore(app.db).list({ state: o.state as 'handled' | 'unhandled' | undefined }));
      if (o.json) return void process.stdout.write(JSON.stringify(list.map(alertV2), null, 2) + '\n');
      process.stdout.write(table(['ID', 'TIME', 'STATUS', 'ENGINE', 'SEVERITY', 'TITLE', 'SOURCE', 'DESTINATION', 'COUNT'],
        list.map((a) => [String(a.id), time(a.time), a.status, a.engine, a.severity, a.title, a.srcAddr ?? '-', a.dstAddr ?? '-', String(a.count)])) + '\n');
    });

  dataDirOption(alerts.command('show <id>').description('one alert, whole, with its remediation steps'))
    .action(async (id: string, o: Opts) => {
      const { AlertStore } = await stores();
      const a = await withAppliance(o, (app) => new AlertStore(app.db).find(id));
      if (!a) throw new NotFoundError(`no alert ${id}`);
      process.stdout.write(JSON.stringify(a, null, 2) + '\n');
    });

  for (const [name, action, what] of [['handle', 'handle', 'close the alert'], ['learn', 'handleAndLearn', 'close the alert and add what it reports to the baseline']] as const) {
    dataDirOption(alerts.command(`${name} <id>`).description(`${what} (as PUT /external/v1/alerts/<UUID> {"action": "${action}"})`))
      .action(async (id: string, o: Opts) => {
        const { AlertStore } = await stores();
        const message = await withAppliance(o, (app) => {
          const store = new AlertStore(app.db);
          const a = store.find(id);
          if (!a) throw new NotFoundError(`no alert ${id}`);
          const actor = cliActor();
          const r = store.handle(a, action, actor.actor, Date.now());
          app.audit.record({ ...actor, action: `alert.${action}`, target: String(a.id), outcome: 'success', detail: { message: r.message } });
          return r.message;
        });
        process.stdout.write(`${message}\n`);
      });
  }

  dataDirOption(alerts.command('pcap <id>').description("write the alert's PCAP (as GET /api/v2/alerts/pcap/<id>)")
    .requiredOption('-o, --output <file>', 'where to write it'))
    .action(async (id: string, o: Opts) => {
      const { AlertStore, AlertPcapStore, pcapLimits } = await stores();
      const bytes = await withAppliance(o, (app) => {
        const a = new AlertStore(app.db).find(id);
        if (!a) throw new NotFoundError(`no alert ${id}`);
        const file = new AlertPcapStore(app.db, app.dataDir, () => pcapLimits(app.config.data.settings.pcap)).read(a.id);
        if (!file) throw new NotFoundError(`PCAP file is not available for alert ${a.id}`);
        return file;
      });
      writeFileSync(o.output!, bytes);
      process.stdout.write(`wrote ${bytes.length} bytes to ${o.output}\n`);
    });

  dataDirOption(program.command('events').description('the event timeline, newest first (as GET /api/v1/events)')
    .option('--minutes <n>', 'only the last N minutes of the sensor clock (at most 4320)')
    .option('--type <type>', 'one event type, e.g. DEVICE_CONNECTION_CREATED')
    .option('--json', 'print the JSON array the API serves'))
    .action(async (o: Opts) => {
      if (o.minutes !== undefined && !/^\d{1,9}$/.test(o.minutes)) throw new InputError('--minutes takes a whole number');
      const { EventStore } = await import('../store/event-store.js');
      const list = await withAppliance(o, (app) => {
        const ev = new EventStore(app.db);
        return ev.list(ev.since(o.minutes === undefined ? undefined : Number(o.minutes), Date.now()), o.type?.toUpperCase() ?? null);
      });
      if (o.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      process.stdout.write(table(['TIME', 'SEVERITY', 'TYPE', 'CONTENT'], list.map((e) => [time(e.timestamp), e.severity, e.type, e.content])) + '\n');
    });
}

// otsensor devices / otsensor connections — the inventory on the box, the same objects the API
// serves (GET /api/v1/devices, /api/v1/devices/connections), read from the data dir's SQLite file.
import type { Command } from 'commander';
import type { SensorConnection, SensorDevice } from '../analyzers/inventory/devices.js';
import { withAppliance, type DataDirOption } from './appliance-session.js';
import { table } from './io.js';

type Opts = DataDirOption & { json?: boolean };

async function read<T>(o: Opts, pick: (store: import('../store/inventory-store.js').InventoryStore) => string): Promise<T[]> {
  const { InventoryStore } = await import('../store/inventory-store.js');
  return withAppliance(o, (app) => JSON.parse(pick(new InventoryStore(app.db))) as T[]);
}

const list = (v: readonly string[] | null) => (v && v.length ? v.join(',') : '-');

export function registerInventoryCommands(program: Command, dataDirOption: (c: Command) => Command): void {
  dataDirOption(program.command('devices').description('list the device inventory (as GET /api/v1/devices)')
    .option('--json', 'print the JSON array the API serves'))
    .action(async (o: Opts) => {
      const devices = await read<SensorDevice>(o, (s) => s.devicesJson());
      if (o.json) return void process.stdout.write(JSON.stringify(devices, null, 2) + '\n');
      process.stdout.write(table(['ID', 'NAME', 'IP', 'MAC', 'VENDOR', 'TYPE', 'OS', 'PROTOCOLS', 'FIRMWARE'],
        devices.map((d) => [String(d.id), d.name, list(d.ipAddresses), list(d.macAddresses), d.vendor ?? '-', d.type,
          d.operatingSystem ?? '-', list(d.protocols.map((p) => p.name)),
          list(d.firmware.map((f) => [f.model, f.firmwareVersion].filter((x) => x !== 'N/A').join(' ')).filter(Boolean))])) + '\n');
    });

  dataDirOption(program.command('connections').description('list device-to-device connections (as GET /api/v1/devices/connections)')
    .option('--json', 'print the JSON array the API serves'))
    .action(async (o: Opts) => {
      const conns = await read<SensorConnection>(o, (s) => s.connectionsJson({}, Date.now()));
      if (o.json) return void process.stdout.write(JSON.stringify(conns, null, 2) + '\n');
      const time = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
      process.stdout.write(table(['FIRST', 'SECOND', 'DISCOVERED', 'LAST SEEN', 'PORTS', 'PROTOCOLS (COMMANDS)'],
        conns.map((c) => [String(c.firstDeviceId), String(c.secondDeviceId), time(c.discovered), time(c.lastSeen), c.ports.join(',') || '-',
          c.protocols.map((p) => (p.commands.length ? `${p.name} (${p.commands.join(', ')})` : p.name)).join('; ')])) + '\n');
    });
}

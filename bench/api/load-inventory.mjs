// Loads the synthetic inventory (bench/api/synthetic.mjs) into a data dir through the real store
// (InventoryStore.update, one write transaction, as an ingest flush does), before the daemon starts.
// Usage: node bench/api/load-inventory.mjs --data-dir D [--devices 10000] [--connections 200000] [--seed 5]
// Prints one JSON line: counts, the seconds each step took, and the database size.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareDataDir } from '../../dist/store/data-dir.js';
import { DATABASE_FILE, openDatabase } from '../../dist/store/database.js';
import { InventoryStore } from '../../dist/store/inventory-store.js';
import { makeInventory } from './synthetic.mjs';

const { values: o } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    devices: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '200000' },
    seed: { type: 'string', default: '5' },
  },
});
if (!o['data-dir']) {
  console.error('usage: load-inventory.mjs --data-dir D [--devices N] [--connections N] [--seed S]');
  process.exit(2);
}
const dataDir = o['data-dir'];
const spec = { devices: Number(o.devices), connections: Number(o.connections), seed: Number(o.seed) };

const t0 = performance.now();
const inv = makeInventory(spec);
const t1 = performance.now();
prepareDataDir(dataDir);
const db = openDatabase(dataDir);
const store = new InventoryStore(db);
const clock = inv.connections.reduce((m, c) => Math.max(m, c.lastSeen), 0);
const written = store.update(new Map(), () => inv, clock);
const t2 = performance.now();
// Fold the WAL into the main file so the daemon starts from a clean database, as after a restart.
db.pragma('wal_checkpoint(TRUNCATE)');
const counts = { devices: store.count('devices'), connections: store.count('connections') };
const version = store.version();
db.close();

if (counts.devices !== spec.devices || counts.connections !== spec.connections) {
  console.error(`load-inventory: stored ${counts.devices} devices and ${counts.connections} connections, expected ${spec.devices} and ${spec.connections}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify({
  ...spec, written, stored: counts, inventoryVersion: version,
  generateSeconds: +((t1 - t0) / 1000).toFixed(3), updateSeconds: +((t2 - t1) / 1000).toFixed(3),
  databaseBytes: statSync(join(dataDir, DATABASE_FILE)).size,
}) + '\n');

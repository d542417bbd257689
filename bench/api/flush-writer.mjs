// The "ingest flush" of the API benchmark, in a process of its own: every --interval-ms it changes
// --devices devices and --connections connections of the synthetic inventory and writes them with
// InventoryStore.update, handing it the whole inventory with the list of connections that changed, as
// InventoryService.flush does (the store compares every device and the listed connections with what
// it last wrote and writes only the changed rows, in one IMMEDIATE transaction). It first writes the unchanged inventory once ("prime") so that its per-process memo
// of written rows is filled, as in a daemon that has been running for a while.
// Usage: node bench/api/flush-writer.mjs --data-dir D [--devices-total 10000] [--connections-total 200000]
//          [--seed 5] [--interval-ms 2000] [--devices 100] [--connections 1000]
// Stdout: one JSON line per event ({"event":"primed"...}, then {"event":"flush"...}); runs until SIGTERM.
import { parseArgs } from 'node:util';
import { openDatabase } from '../../dist/store/database.js';
import { InventoryStore } from '../../dist/store/inventory-store.js';
import { makeInventory, prng, touch } from './synthetic.mjs';

const { values: o } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    'devices-total': { type: 'string', default: '10000' },
    'connections-total': { type: 'string', default: '200000' },
    seed: { type: 'string', default: '5' },
    'interval-ms': { type: 'string', default: '2000' },
    devices: { type: 'string', default: '100' },
    connections: { type: 'string', default: '1000' },
  },
});
if (!o['data-dir']) {
  console.error('usage: flush-writer.mjs --data-dir D [options]; see the header of this file');
  process.exit(2);
}
const intervalMs = Number(o['interval-ms']);
const perFlush = { devices: Number(o.devices), connections: Number(o.connections) };
const line = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

const inv = makeInventory({ devices: Number(o['devices-total']), connections: Number(o['connections-total']), seed: Number(o.seed) });
const db = openDatabase(o['data-dir']);
const store = new InventoryStore(db);
const ids = new Map();
let clock = inv.connections.reduce((m, c) => Math.max(m, c.lastSeen), 0);

/** One update() call, timed: `ms` is the whole call (lock wait + compare + writes + commit). */
function flush(event, extra = {}) {
  const startedAt = Date.now();
  const t = performance.now();
  const written = store.update(ids, () => inv, clock);
  line({ event, startedAt, ms: +(performance.now() - t).toFixed(2), ...written, ...extra });
}

flush('primed');
const rnd = prng(Number(o.seed) ^ 0x5eed);
let n = 0;
let stopping = false;
let timer = null;
const tick = () => {
  if (stopping) return;
  n += 1;
  const t = performance.now();
  clock = Math.max(clock, touch(inv, rnd, { ...perFlush, nowMs: Date.now() }));
  const changeMs = +(performance.now() - t).toFixed(2);
  flush('flush', { n, changeMs });
  timer = setTimeout(tick, Math.max(0, intervalMs - (performance.now() - t)));
};
timer = setTimeout(tick, intervalMs);
const stop = () => {
  stopping = true;
  clearTimeout(timer);
  db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

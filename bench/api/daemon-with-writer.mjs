// The daemon (dist/daemon.js startDaemon, plain HTTP, nothing to ingest) with the benchmark's flush
// loop running INSIDE it, on the API's own event loop: that is where a live ingest's
// InventoryService.flush runs, so this shows what a request waits while a flush runs. The flush is the
// one of flush-writer.mjs (100 devices and 1,000 connections changed every 2 s), written as the daemon
// writes its periodic flush: InventoryStore.updateInSlices, short transactions with the event loop
// free in between. Each flush first runs materialize() over an observer of the same scale with 1,000
// pairs changed (observer.mjs), in slices as InventoryService.flushInSlices does; `--write-only` leaves
// it out (as the numbers before 2026-11-23 17:20 UTC did).

// Usage: node bench/api/daemon-with-writer.mjs --data-dir D --http-listen HOST:PORT --events FILE
//          [--devices-total 10000] [--connections-total 200000] [--seed 5] [--interval-ms 2000]
//          [--devices 100] [--connections 1000]
// The daemon logs to stdout as `otsensor run` does; the flushes go to FILE as JSON lines
// ({"event":"primed"} first). The flush loop starts --interval-ms after "primed". Stops on SIGTERM.
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startDaemon } from '../../dist/daemon.js';
import { createLogger } from '../../dist/log.js';
import { InventoryStore } from '../../dist/store/inventory-store.js';
import { makeObserver } from './observer.mjs';
import { makeInventory, prng, touch } from './synthetic.mjs';

const { values: o } = parseArgs({
  options: {
    'data-dir': { type: 'string' }, 'http-listen': { type: 'string' }, events: { type: 'string' },
    'devices-total': { type: 'string', default: '10000' }, 'connections-total': { type: 'string', default: '200000' },
    seed: { type: 'string', default: '5' }, 'interval-ms': { type: 'string', default: '2000' },
    devices: { type: 'string', default: '100' }, connections: { type: 'string', default: '1000' },
    'write-only': { type: 'boolean', default: false },
  },
});
if (!o['data-dir'] || !o['http-listen'] || !o.events) {
  console.error('usage: daemon-with-writer.mjs --data-dir D --http-listen HOST:PORT --events FILE [options]');
  process.exit(2);
}
const intervalMs = Number(o['interval-ms']);
const perFlush = { devices: Number(o.devices), connections: Number(o.connections) };
const line = (obj) => appendFileSync(o.events, JSON.stringify(obj) + '\n');

const daemon = await startDaemon({ dataDir: o['data-dir'], listen: null, httpListen: o['http-listen'], log: createLogger() });
const inv = makeInventory({ devices: Number(o['devices-total']), connections: Number(o['connections-total']), seed: Number(o.seed) });
const store = new InventoryStore(daemon.appliance.db);
const observer = o['write-only'] ? null : makeObserver();
observer?.flush(); // the first build (about a second), before the measured flushes
const ids = new Map();
let clock = inv.connections.reduce((m, c) => Math.max(m, c.lastSeen), 0);

/** `ms` is the whole flush: for the sliced writer, from the first slice to the last (the event loop
 *  serves requests between slices, as in the daemon's InventoryService.flushInSlices). */
async function flush(event, extra = {}, sliced = true) {
  const startedAt = Date.now();
  const t = performance.now();
  let materializeMs = null, materializeSliceMs = null;
  if (observer && sliced) {
    observer.touch(1000);
    const m = await observer.flushInSlices();
    materializeMs = +m.ms.toFixed(2);
    materializeSliceMs = +m.longestMs.toFixed(2);
  }
  const written = sliced ? await store.updateInSlices(ids, () => inv, clock) : store.update(ids, () => inv, clock);
  line({ event, startedAt, ms: +(performance.now() - t).toFixed(2), materializeMs, materializeSliceMs, ...written, ...extra });
}

await flush('primed', {}, false);
const rnd = prng(Number(o.seed) ^ 0x5eed);
let n = 0;
let timer = null;
const tick = () => {
  n += 1;
  const t = performance.now();
  clock = Math.max(clock, touch(inv, rnd, { ...perFlush, nowMs: Date.now() }));
  void flush('flush', { n, changeMs: +(performance.now() - t).toFixed(2) }).then(() => {
    timer = setTimeout(tick, Math.max(0, intervalMs - (performance.now() - t)));
  });
};
timer = setTimeout(tick, intervalMs);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  clearTimeout(timer);
  daemon.close().then(() => process.exit(0), () => process.exit(1));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

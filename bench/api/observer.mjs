// A synthetic inventory observer at the API benchmark's scale (10,000 devices, 200,000 address
// pairs; deterministic), for the first half of a flush, materialize(): materialize.mjs times it alone,
// daemon-with-writer.mjs runs it on the daemon's event loop before each write, as a live ingest does.
import { materialize, materializeSteps } from '../../dist/analyzers/inventory/devices.js';
import { inSlices } from '../../dist/inventory-service.js';
import { InventoryObserver } from '../../dist/analyzers/inventory/observer.js';

export function makeObserver({ devices: N = 10_000, pairs: P = 200_000 } = {}) {
  const obs = new InventoryObserver();
  const subs = [];
  for (let i = 0; i < N; i++) {
    const ip = `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`;
    const s = obs.ip(ip, 1000 + i);
    s.sent = true;
    const mac = `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    s.macs.push(mac);
    const m = obs.mac(mac, 1000 + i);
    m.ips.push(ip);
    s.use('modbus').server = true;
    subs.push(s);
  }
  const pairs = [];
  let k = 0;
  for (let a = 0; k < P; a++) {
    for (let b = a + 1; b < N && k < P; b += 37, k++) {
      const p = { client: subs[a].ip, server: subs[b].ip, discovered: 1000 + k, lastSeen: 2000 + k, ports: new Set([502]), protocols: new Map([['modbus', new Set(['Read Holding Registers'])]]), dirty: true };
      obs.changedPairs.add(p);
      obs.pairs.set(`${subs[a].ip} ${subs[b].ip}`, p);
      pairs.push(p);
    }
  }
  const opts = { ids: new Map(), ipIds: new Map(), deviceMemo: new Map(), connectionMemo: { byKey: new Map(), keyOf: new Map() }, vendorOfMac: () => null };
  let round = 0;
  return {
    /** materialize() as a flush runs it, then marks it written; returns its milliseconds and sizes */
    flush() {
      const t = performance.now();
      const inv = materialize(obs, opts);
      inv.written?.();
      return { ms: performance.now() - t, devices: inv.devices.length, connections: inv.connections.length, changedDevices: inv.changedDevices?.size, changedConnections: inv.changedConnections?.size };
    },
    /** the same in slices, as InventoryService.flushInSlices runs it: wall ms, and the longest slice */
    async flushInSlices() {
      const t = performance.now();
      const stats = { slices: 0, longestMs: 0 };
      const inv = await inSlices(materializeSteps(obs, opts), 8, stats);
      inv.written?.();
      return { ms: performance.now() - t, slices: stats.slices, longestMs: stats.longestMs, devices: inv.devices.length };
    },
    /** `n` pairs see new traffic (a different stride each round) */
    touch(n = 1000) {
      const step = Math.max(1, Math.floor(pairs.length / n));
      for (let i = round++ % step; i < pairs.length; i += step) { pairs[i].lastSeen += 1; obs.changed(pairs[i]); }
    },
  };
}

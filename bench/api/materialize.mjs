// The in-process cost of a flush's first half, materialize(), at the benchmark's scale: an observer
// holding 10,000 devices and 200,000 address pairs (synthetic, deterministic), materialized three
// times: the first builds everything, the next two after 1,000 pairs changed (as in a live ingest's
// flush). run.sh's flush phases hand InventoryStore.update a ready inventory and leave this part out.
// Usage: npm run build && node bench/api/materialize.mjs   (ITER=15 for more flushes: the JIT warms up
// over the first few, as in a daemon that has run for a while)
import { InventoryObserver } from '../../dist/analyzers/inventory/observer.js';
import { materialize } from '../../dist/analyzers/inventory/devices.js';
import { IpSubject } from '../../dist/analyzers/inventory/subjects.js';
const obs = new InventoryObserver();
const N = 10000, P = 200000;
const subs = [];
for (let i = 0; i < N; i++) {
  const ip = `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`;
  const s = obs.ip(ip, 1000 + i);
  s.sent = true;
  const mac = `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  s.macs.push(mac);
  const m = obs.mac(mac, 1000 + i); m.ips.push(ip);
  s.use('modbus').server = true;
  subs.push(s);
}
let k = 0;
for (let a = 0; k < P; a++) for (let b = a + 1; b < N && k < P; b += 37, k++) {
  const p = { client: subs[a].ip, server: subs[b].ip, discovered: 1000 + k, lastSeen: 2000 + k, ports: new Set([502]), protocols: new Map([['modbus', new Set(['Read Holding Registers'])]]), dirty: false }; obs.changedPairs.add(p); p.dirty = true;
  obs.pairs.set(`${subs[a].ip} ${subs[b].ip}`, p);
}
const ids = new Map(), ipIds = new Map(), deviceMemo = new Map(), connectionMemo = { byKey: new Map(), keyOf: new Map() };
for (let i = 0; i < (Number(process.env.ITER) || 3); i++) {
  const t = performance.now();
  const inv = materialize(obs, { ids, ipIds, deviceMemo, connectionMemo, vendorOfMac: () => null });
  inv.written?.();
  console.log('materialize', (performance.now() - t).toFixed(0), 'ms', inv.devices.length, inv.connections.length, 'changed', inv.changedDevices?.size, inv.changedConnections?.size);
  // touch 1000 pairs
  let n = 0; for (const p of obs.pairs.values()) { if (n++ % 200 === 0) { p.lastSeen += 1; obs.changed(p); } }
}

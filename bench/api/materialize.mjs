// The in-process cost of a flush's first half, materialize(), at the benchmark's scale: an observer
// holding 10,000 devices and 200,000 address pairs (observer.mjs), materialized three times: the first
// builds everything, the next ones after 1,000 pairs changed (as in a live ingest's flush).
// Usage: npm run build && node bench/api/materialize.mjs   (ITER=15 for more flushes: the JIT warms up
// over the first few, as in a daemon that has run for a while)
import { makeObserver } from './observer.mjs';

const obs = makeObserver();
for (let i = 0; i < (Number(process.env.ITER) || 3); i++) {
  const r = obs.flush();
  console.log('materialize', r.ms.toFixed(0), 'ms', r.devices, r.connections, 'changed', r.changedDevices, r.changedConnections);
  obs.touch(1000);
}

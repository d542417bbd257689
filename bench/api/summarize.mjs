// Summarises one bench/api/run.sh session: reads what run.sh left in its scratch directory, prints the
// Markdown report on stdout, and writes OUT.json (every raw number) and OUT.md (the same report).
// Usage: node bench/api/summarize.mjs WORKDIR OUT_PREFIX
// Exit status: 1 when a run failed or a response was wrong (errors, non-2xx, wrong counts), else 0.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [work, outPrefix] = process.argv.slice(2);
if (!work || !outPrefix) {
  console.error('usage: summarize.mjs WORKDIR OUT_PREFIX');
  process.exit(2);
}

// Targets of issue 5.
const TARGET_DEVICES_P99_MS = 100;
const TARGET_DUMP_X_NGINX = 2;
const TARGET_FLUSH_WAIT_MS = 50;

const TARGETS = [
  { id: 'devices', label: 'otsensor /api/v1/devices' },
  { id: 'connections', label: 'otsensor /api/v1/devices/connections (full dump)' },
  { id: 'nginx1', label: 'nginx, same bytes as a static file, worker_processes 1' },
  { id: 'nginxauto', label: 'nginx, same bytes as a static file, worker_processes auto' },
  { id: 'nginx1dev', label: 'nginx, the devices bytes as a static file, worker_processes 1 (reference)' },
  { id: 'writer3', label: 'otsensor /api/v1/devices, flush every 2 s in a third process' },
  { id: 'inproc', label: 'otsensor /api/v1/devices, flush every 2 s inside the daemon' },
];

const read = (p) => readFileSync(path.join(work, p), 'utf8');
const readIf = (p) => (existsSync(path.join(work, p)) ? read(p) : '');
const tsv = (p) => Object.fromEntries(readIf(p).trim().split('\n').filter(Boolean)
  .map((l) => { const i = l.indexOf('\t'); return [l.slice(0, i), l.slice(i + 1)]; }));
const jsonl = (p) => readIf(p).trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

const meta = tsv('meta.tsv');
const counts = tsv('counts.tsv');
const load = JSON.parse(read('load.json'));
const CLK = Number(meta.clk_tck) || 100;
const problems = [];

// ---- single requests (cold and warm) ---------------------------------------------------------
const single = {};
for (const f of readdirSync(path.join(work, 'single'))) {
  const [code, connect, ttfb, total, size] = read(`single/${f}`).trim().split('\t');
  single[f.replace(/\.tsv$/, '')] = { status: Number(code), connectMs: +(connect * 1000).toFixed(1), firstByteMs: +(ttfb * 1000).toFixed(1), totalMs: +(total * 1000).toFixed(1), bytes: Number(size) };
}
for (const [k, s] of Object.entries(single)) if (s.status !== 200) problems.push(`single request ${k} answered ${s.status}`);

// ---- otsensor's own request log: when each request finished and how long it took in the server ----
// (from arrival to the last byte handed to the kernel; a stalled event loop shows here, a slow client
// or a full socket buffer partly too)
const requestLog = (file) => readIf(file).split('\n').filter((l) => l.includes('"msg":"request"')).map((l) => {
  try { const r = JSON.parse(l); return { at: Date.parse(r.time), path: r.path, ms: r.ms, status: r.status }; } catch { return null; }
}).filter(Boolean);
const logs = { main: requestLog('otsensor.log'), inproc: requestLog('otsensor-inproc.log') };
const OTS_PATH = { devices: '/api/v1/devices', writer3: '/api/v1/devices', inproc: '/api/v1/devices', connections: '/api/v1/devices/connections' };
const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : null; };
function serverSide(id, startMs, endMs) {
  if (!OTS_PATH[id]) return null;
  const ms = logs[id === 'inproc' ? 'inproc' : 'main'].filter((r) => r.path === OTS_PATH[id] && r.at >= startMs && r.at <= endMs).map((r) => r.ms);
  return ms.length ? { requests: ms.length, p50: pct(ms, 0.5), p99: pct(ms, 0.99), max: Math.max(...ms) } : null;
}

// ---- load runs -------------------------------------------------------------------------------
const cpuJiffies = (text) => { const v = text.trim().split(/\s+/).slice(1).map(Number); return { busy: v[0] + v[1] + v[2] + v[5] + v[6], steal: v[7] ?? 0 }; };
function parseTime(text) {
  const field = (label) => { const m = text.match(new RegExp(`^\\s*${label}: (.*)$`, 'm')); return m ? Number(m[1].trim()) : NaN; };
  return { user: field('User time \\(seconds\\)'), system: field('System time \\(seconds\\)') };
}
const runs = readdirSync(path.join(work, 'runs')).map((name) => {
  const [id, run] = name.split('.');
  const dir = `runs/${name}`;
  const rc = Number(read(`${dir}/rc`).trim());
  let r = null;
  try { r = JSON.parse(read(`${dir}/out.json`)); } catch { /* reported below */ }
  const wall = (Number(read(`${dir}/end_ms`)) - Number(read(`${dir}/start_ms`))) / 1000;
  const serverCpu = (Number(read(`${dir}/server_ticks_after`)) - Number(read(`${dir}/server_ticks_before`))) / CLK;
  const t = parseTime(readIf(`${dir}/time`));
  const clientCpu = t.user + t.system;
  const writerCpu = readIf(`${dir}/writer_ticks_after`) ? (Number(read(`${dir}/writer_ticks_after`)) - Number(read(`${dir}/writer_ticks_before`))) / CLK : 0;
  const before = cpuJiffies(read(`${dir}/stat_before`)), after = cpuJiffies(read(`${dir}/stat_after`));
  const busy = (after.busy - before.busy) / 100;
  const startMs = Number(read(`${dir}/start_ms`)), endMs = Number(read(`${dir}/end_ms`));
  const out = {
    id, run: Number(run), argv: read(`${dir}/argv`).split('\0').slice(0, -1), exitCode: rc,
    startMs, endMs,
    serverCpuCores: +(serverCpu / wall).toFixed(2), clientCpuCores: +(clientCpu / wall).toFixed(2), writerCpuCores: +(writerCpu / wall).toFixed(2),
    otherCpuCores: +Math.max(0, (busy - serverCpu - clientCpu - writerCpu) / wall).toFixed(2),
    serverSideMs: serverSide(id, startMs, endMs),
    stealCores: +((after.steal - before.steal) / 100 / wall).toFixed(3),
  };
  if (!r) { problems.push(`${id} run ${run}: the load tool gave no result (exit ${rc})`); return { ...out, result: null }; }
  const ok = r['2xx'];
  if (rc !== 0 || r.errors || r.timeouts || r.non2xx || !ok) {
    problems.push(`${id} run ${run}: exit ${rc}, ${ok} 2xx, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  return {
    ...out,
    seconds: r.duration, requests: ok, requestsPerSecond: +(ok / r.duration).toFixed(2),
    megabytesPerSecond: +(r.throughput.total / r.duration / 1e6).toFixed(1), bytesTotal: r.throughput.total,
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.mean, min: r.latency.min, count: r.latency.totalCount },
    errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, tool: r,
  };
}).sort((a, b) => a.run - b.run || TARGETS.findIndex((t) => t.id === a.id) - TARGETS.findIndex((t) => t.id === b.id));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const summary = {};
for (const t of TARGETS) {
  const rs = runs.filter((r) => r.id === t.id && r.result !== null && r.latencyMs);
  if (!rs.length) continue;
  const m = (f) => median(rs.map(f));
  summary[t.id] = {
    runs: rs.length, p50: m((r) => r.latencyMs.p50), p90: m((r) => r.latencyMs.p90), p99: m((r) => r.latencyMs.p99),
    p99Worst: Math.max(...rs.map((r) => r.latencyMs.p99)), max: Math.max(...rs.map((r) => r.latencyMs.max)),
    requestsPerSecond: m((r) => r.requestsPerSecond), requestsPerSecondWorst: Math.min(...rs.map((r) => r.requestsPerSecond)),
    megabytesPerSecond: m((r) => r.megabytesPerSecond), serverCpuCores: m((r) => r.serverCpuCores),
    clientCpuCores: m((r) => r.clientCpuCores), writerCpuCores: m((r) => r.writerCpuCores), otherCpuCoresMax: Math.max(...rs.map((r) => r.otherCpuCores)),
    serverP99: rs.some((r) => r.serverSideMs) ? median(rs.filter((r) => r.serverSideMs).map((r) => r.serverSideMs.p99)) : null,
    serverMax: rs.some((r) => r.serverSideMs) ? Math.max(...rs.filter((r) => r.serverSideMs).map((r) => r.serverSideMs.max)) : null,
  };
}

// ---- flush phases ----------------------------------------------------------------------------
function flushPhase(file, id) {
  const events = jsonl(file);
  const primed = events.find((e) => e.event === 'primed');
  const run = runs.find((r) => r.id === id);
  if (!run) return null;
  const during = events.filter((e) => e.event === 'flush' && e.startedAt >= run.startMs && e.startedAt <= run.endMs);
  if (!during.length) problems.push(`${id}: no flush ran during the measurement`);
  for (const e of during) if (e.devices !== 100 || e.connections !== 1000) problems.push(`${id}: flush ${e.n} wrote ${e.devices} devices and ${e.connections} connections, not 100 and 1,000`);
  const ms = during.map((e) => e.ms);
  return {
    primeMs: primed?.ms, flushes: during.length, flushMsMedian: ms.length ? median(ms) : null, flushMsMax: ms.length ? Math.max(...ms) : null,
    changeMsMedian: during.length ? median(during.map((e) => e.changeMs)) : null, events: during,
    // inside the daemon: materialize() of a same-scale observer, run first (null: --write-only, or the third process)
    materializeMs: during.some((e) => typeof e.materializeMs === 'number') ? during.map((e) => e.materializeMs).filter((x) => typeof x === 'number') : null,
    materializeSliceMs: during.some((e) => typeof e.materializeSliceMs === 'number') ? during.map((e) => e.materializeSliceMs).filter((x) => typeof x === 'number') : null,
  };
}
const phases = { writer3: flushPhase('writer3.jsonl', 'writer3'), inproc: flushPhase('inproc.jsonl', 'inproc') };

// ---- sanity ----------------------------------------------------------------------------------
const expect = { devices: Number(meta.devices), connections: Number(meta.connections) };
if (Number(counts.devices_count) !== expect.devices) problems.push(`/api/v1/devices returned ${counts.devices_count} devices, expected ${expect.devices}`);
if (Number(counts.connections_count) !== expect.connections) problems.push(`/api/v1/devices/connections returned ${counts.connections_count} connections, expected ${expect.connections}`);
for (const v of ['nginx1', 'nginxauto', 'nginx1dev']) if (counts[`${v}_same_bytes`] === 'no') problems.push(`${v} did not serve the same bytes as otsensor`);
const distChanged = meta.dist_hash_before !== meta.dist_hash_after;

const httpProblems = problems.some((p) => /non-2xx|no result|answered/.test(p));

// ---- report ----------------------------------------------------------------------------------
const fmt = (x, d = 0) => (x === null || x === undefined || Number.isNaN(x) ? '—' : Number(x).toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const L = [];
const isReference = expect.devices === 10000 && expect.connections === 200000;
L.push(`# API benchmark: otsensor /api/v1/devices and /connections, ${fmt(expect.devices)} devices, ${fmt(expect.connections)} connections`);
L.push('');
L.push(`${meta.date}, ${meta.nproc} cores (${meta.cpu_model}), ${fmt(meta.mem_total_kib / 1048576, 1)} GiB RAM, ${meta.os}, Linux ${meta.kernel}.`);
L.push(`Node ${meta.node_version}, otsensor ${meta.otsensor_version} at \`${meta.git_head}\` (dist hash \`${meta.dist_hash_before}\`; ${meta.src_uncommitted_files} uncommitted files in src/, ${meta.src_newer_than_dist} newer than dist/cli.js), better-sqlite3 ${meta.better_sqlite3_version} (SQLite ${meta.sqlite_version}), autocannon ${meta.autocannon_version}, nginx ${meta.nginx_version}.`);
L.push(`Load: ${meta.load_tool ?? 'autocannon'}${meta.load_tool === 'wrk' ? ` (${meta.wrk_version}, 2 threads)` : ''} in its own process, ${meta.clients} connections (keep-alive, one request in flight each), ${meta.duration} s per run, ${meta.runs} interleaved rounds; plain HTTP on 127.0.0.1 for otsensor and nginx alike (no TLS on either). Client, server and writer share the ${meta.nproc} cores.`);
L.push(`Inventory: ${fmt(load.stored.devices)} devices and ${fmt(load.stored.connections)} connections written with InventoryStore.update in ${fmt(load.updateSeconds, 1)} s (database ${fmt(load.databaseBytes / 1e6, 1)} MB). Bodies: devices ${fmt(single.devices_cold?.bytes)} bytes, connections ${fmt(single.connections_cold?.bytes)} bytes.`);
if (!isReference) L.push('', `**Not the issue's size** (10,000 devices, 200,000 connections): the targets below do not apply as stated.`);
L.push('');
L.push('## Single requests (curl, one at a time)');
L.push('');
L.push('The API keeps one response body per endpoint and inventory version: the first request after a start or a write reads the rows and builds it (cold), later ones send the cached text (warm).');
L.push('');
L.push('| request | first byte ms | total ms | bytes |');
L.push('|---|---|---|---|');
for (const [k, label] of [['devices_cold', 'devices, first (cold)'], ['devices_warm', 'devices, second (warm)'], ['connections_cold', 'connections, first (cold)'],
  ['connections_warm', 'connections, second (warm)'], ['nginx1_cold', 'nginx (1 worker), first'], ['nginxauto_cold', 'nginx (auto), first']]) {
  const s = single[k];
  if (s) L.push(`| ${label} | ${fmt(s.firstByteMs, 1)} | ${fmt(s.totalMs, 1)} | ${fmt(s.bytes)} |`);
}
L.push('');
L.push(`## Under load (${meta.clients} concurrent clients; medians of ${meta.runs} runs, max over the runs)`);
L.push('');
L.push('| target | p50 ms | p90 ms | p99 ms (worst run) | max ms | in-server p99 / max ms | requests/s | MB/s | server CPU cores | load tool CPU cores |');
L.push('|---|---|---|---|---|---|---|---|---|---|');
for (const t of TARGETS) {
  const s = summary[t.id];
  if (!s) continue;
  L.push(`| ${t.label} | ${fmt(s.p50)} | ${fmt(s.p90)} | ${fmt(s.p99)} (${fmt(s.p99Worst)}) | ${fmt(s.max)} | ${s.serverP99 === null ? '—' : `${fmt(s.serverP99, 1)} / ${fmt(s.serverMax, 1)}`} | ${fmt(s.requestsPerSecond, 1)} | ${fmt(s.megabytesPerSecond)} | ${fmt(s.serverCpuCores, 2)} | ${fmt(s.clientCpuCores, 2)} |`);
}
L.push('');
L.push('Latencies are the load tool\'s (autocannon\'s are whole milliseconds: its histogram truncates), from sending a request to receiving its last byte. In-server: the `ms` of otsensor\'s own request log (arrival to the last byte handed to the kernel). MB = 10^6 bytes, headers included. CPU: cores busy on average during the run (server: otsensor, or nginx master and workers).');
const otherMax = Math.max(0, ...Object.values(summary).map((s) => s.otherCpuCoresMax));
L.push(`Other processes used at most ${fmt(otherMax, 2)} cores during any run${otherMax > 0.2 ? ' — **above 0.2: these numbers are pessimistic**' : ''}.`);
L.push('');
L.push('## Flush phases (/api/v1/devices while 100 devices and 1,000 connections change every 2 s)');
L.push('');
L.push('| writer | flushes during the run | update() ms median / max | of which materialize() ms median / max | writer CPU cores | p99 ms | max ms | in-server p99 / max ms | requests/s |');
L.push('|---|---|---|---|---|---|---|---|---|');
for (const [id, label] of [['writer3', 'third process'], ['inproc', 'inside the daemon (as a live ingest)']]) {
  const p = phases[id], s = summary[id];
  if (!p || !s) continue;
  const mat = p.materializeMs ? `${fmt(median(p.materializeMs), 1)} / ${fmt(Math.max(...p.materializeMs), 1)}${p.materializeSliceMs ? ` (longest slice ${fmt(Math.max(...p.materializeSliceMs), 1)})` : ''}` : 'not run';
  L.push(`| ${label} | ${p.flushes} | ${fmt(p.flushMsMedian, 1)} / ${fmt(p.flushMsMax, 1)} | ${mat} | ${id === 'writer3' ? fmt(s.writerCpuCores, 2) : 'in server'} | ${fmt(s.p99)} | ${fmt(s.max)} | ${s.serverP99 === null ? '—' : `${fmt(s.serverP99, 1)} / ${fmt(s.serverMax, 1)}`} | ${fmt(s.requestsPerSecond, 1)} |`);
}
L.push('');
L.push('update() ms: the whole InventoryStore.update call (write lock, comparing every device and the connections listed as changed with what was last written, the changed rows, commit), the inventory handed over with its change list as InventoryService.flush does. Inside the daemon each flush first runs materialize() over an observer of the same scale (10,000 devices, 200,000 pairs, 1,000 changed) in slices of about 8 ms, as a live ingest\'s flush does (wall time from first to last slice, and the longest slice); the third-process writer leaves it out.');
L.push('');

// Targets.
const verdict = (ok) => (ok ? 'PASS' : 'FAIL');
const T = [];
const dv = summary.devices;
const nd = summary.nginx1dev;
if (dv) T.push(`| devices p99 < ${TARGET_DEVICES_P99_MS} ms | ${fmt(dv.p99)} ms (worst run ${fmt(dv.p99Worst)})${nd ? `; nginx serving the same bytes: ${fmt(nd.p99)} ms` : ''} | ${verdict(dv.p99 < TARGET_DEVICES_P99_MS)} |`);
const cn = summary.connections;
for (const v of ['nginx1', 'nginxauto']) {
  const ng = summary[v];
  if (!cn || !ng) continue;
  const x = ng.requestsPerSecond / cn.requestsPerSecond;
  T.push(`| full connections dump within ${TARGET_DUMP_X_NGINX}× of nginx (${v === 'nginx1' ? '1 worker' : 'auto workers'}), by throughput | nginx ${fmt(ng.requestsPerSecond, 1)}/s, otsensor ${fmt(cn.requestsPerSecond, 1)}/s: nginx is ${fmt(x, 2)}× (p99 ${fmt(ng.p99)} against ${fmt(cn.p99)} ms) | ${verdict(x <= TARGET_DUMP_X_NGINX)} |`);
}
for (const [id, label] of [['writer3', 'third process'], ['inproc', 'inside the daemon']]) {
  const s = summary[id];
  if (!s || !dv) continue;
  const extra = s.p99 - dv.p99;
  T.push(`| no request waits more than ${TARGET_FLUSH_WAIT_MS} ms for a flush (writer ${label}) | p99 ${fmt(s.p99)} ms against ${fmt(dv.p99)} ms without flushes: ${extra >= 0 ? '+' : ''}${fmt(extra)} ms (max ${fmt(s.max)} against ${fmt(dv.max)}) | ${verdict(extra <= TARGET_FLUSH_WAIT_MS)} |`);
}
if (!summary.nginx1) T.push('| full connections dump within 2× of nginx | nginx not installed: not measured | — |');
L.push('## Targets');
L.push('');
L.push('| target | measured | result |');
L.push('|---|---|---|');
L.push(...T);
L.push('');
L.push(`The dump is compared by throughput (complete dumps per second, the same as MB/s since the bytes are identical): with a fixed number of clients each waiting for its whole ${fmt((single.connections_cold?.bytes ?? 0) / 1e6, 1)} MB body, latency is just clients ÷ throughput, and p99 of a few hundred bulk transfers is noise. A flush\'s wait is estimated as the p99 with flushes minus the median p99 without (autocannon cannot say which requests overlapped a flush; when flushes take a sizeable share of each 2 s (update() ms above), well over 1 % of requests overlap one, so p99 sees them, while the max is dominated by stalls that occur without flushes too).`);
L.push('');
L.push(`Sanity: /api/v1/devices returned ${fmt(counts.devices_count)} devices and /connections ${fmt(counts.connections_count)} connections` +
  `${counts.nginx1_same_bytes ? `; nginx served the same bytes (connections sha256 ${counts.connections_sha256.slice(0, 12)}…, and devices): ${['nginx1', 'nginxauto', 'nginx1dev'].every((v) => counts[`${v}_same_bytes`] === 'yes') ? 'yes' : 'NO'}` : ''}` +
  `; ${httpProblems ? '**not** every run finished' : 'every run finished'} with only 2xx answers, no errors or timeouts; dist/ ${distChanged ? '**changed during the run** (mixed builds)' : 'did not change'}. otsensor's peak RSS ${fmt(meta.otsensor_vmhwm_kib / 1024)} MiB.`);
if (problems.length) { L.push(''); L.push('**Problems:**'); for (const p of problems) L.push(`- ${p}`); }
const report = L.join('\n') + '\n';

process.stdout.write(report);
writeFileSync(`${outPrefix}.md`, report);
writeFileSync(`${outPrefix}.json`, JSON.stringify({ meta, load, counts, single, summary, phases, runs, problems }, null, 2) + '\n');
process.stderr.write(`wrote ${outPrefix}.json and ${outPrefix}.md\n`);
process.exit(problems.length || distChanged ? 1 : 0);

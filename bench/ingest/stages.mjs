#!/usr/bin/env node
// Where the ingest time goes: runs the capture through the pipeline in this process, stage by stage
// (reading only: file reads and record headers, no decoding, the floor under everything else;
// decode and flows only; + application dissectors; + inventory; + detection rules; + alert PCAP
// recorder, which is what `otsensor replay` runs, less its SQLite writes), each stage N times,
// interleaved, and prints the median ingest-loop time of each and what each stage adds. With
// --rules it also times each detection rule alone on top of the dissectors.
//
// It measures dist/ (run `npm run build` first) and reads only the capture. Like run.sh it is a
// measurement, not a test: only a wrong packet count makes it fail. Stages are compared within one
// run of this script, because this VM's speed varies about 2x from hour to hour.
//
// Each stage runs in a fresh Node process: in one process the call sites the earlier stages trained
// would slow the later ones (and the first would pay the JIT's warm-up for all).
//
// Usage: node bench/ingest/stages.mjs [--runs N] [--rules] [--tree DIR] [FILE]
//   --tree DIR: measure DIR/dist (another checkout, built, with its fixtures/) instead of this one's;
//   compare.mjs uses it to time two builds side by side.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
let tree = repo;
let runs = 3, perRule = false, only = -1, file = resolve(repo, 'bench/out/modbus-1500005.pcap');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--stage') only = Number(args[++i]); // internal: run one stage once, print JSON
  else if (args[i] === '--rules') perRule = true;
  else if (args[i] === '--tree') tree = resolve(args[++i]);
  else if (args[i] === '-h' || args[i] === '--help') { console.log('usage: node bench/ingest/stages.mjs [--runs N] [--rules] [--tree DIR] [FILE]'); process.exit(0); }
  else file = resolve(args[i]);
}
if (!(Number.isInteger(runs) && runs >= 1)) { console.error('stages: --runs takes a whole number of at least 1'); process.exit(2); }
if (!existsSync(resolve(tree, 'dist/cli.js'))) { console.error(`stages: ${resolve(tree, 'dist')} is missing: run npm run build`); process.exit(2); }
const dist = (p) => import(resolve(tree, 'dist', p));
if (!existsSync(file)) { console.error(`stages: ${file} is missing (bench/ingest/run.sh generates the reference capture)`); process.exit(2); }

const [{ Ingest }, { Sensor }, { buildRegistry }, { dissectors }, { InventoryObserver }, { DetectionAnalyzer }, { PacketRecorder }, { defaultRules }, { DEFAULT_SETTINGS }] =
  await Promise.all(['ingest.js', 'sensor.js', 'decode/registry.js', 'dissectors/index.js', 'analyzers/inventory/observer.js', 'analyzers/detection/detector.js',
    'analyzers/packet-recorder.js', 'analyzers/detection/rules/index.js', 'store/config-schema.js'].map(dist));

const layersOnly = buildRegistry(dissectors.filter((d) => d.kind === 'layer'));
const full = buildRegistry(dissectors);
const s = DEFAULT_SETTINGS;
// detection as a fresh data dir has it (learning on), so the alert counts match `otsensor replay`
const recorder = () => new PacketRecorder({
  ringPackets: s.pcap.ringPackets, ringBytes: s.pcap.ringMegabytes * 1024 * 1024, beforePackets: s.pcap.beforePackets,
  afterPackets: s.pcap.afterPackets, afterUs: s.pcap.afterSeconds * 1e6, maxPacketsPerCapture: s.pcap.maxPacketsPerAlert, maxBytesPerCapture: s.pcap.maxBytesPerAlert,
});
const detector = (rules, rec = null) => new DetectionAnalyzer({ settings: s.detection, rules, recorder: rec });

/**
 * The floor: what Ingest does with no sensor work at all (file reads, record headers, timestamp merge,
 * per-file counts). In place of the sensor, something that only counts packets and bytes.
 */
class ReadOnly {
  packets = 0;
  bytes = 0;
  ingest(batch) {
    this.packets += batch.count;
    for (let i = 0; i < batch.count; i++) this.bytes += batch.len[i];
  }
  finish() {}
  countAnomaly() {}
  stats() { return { packets: this.packets, bytes: this.bytes }; }
}

/** stage name -> () => [registry, analyzers]; a null registry reads only */
const stages = [
  ['read only (no decoding)', () => [null, []]],
  ['decode + flows', () => [layersOnly, []]],
  ['+ dissectors', () => [full, []]],
  ['+ inventory', () => [full, [new InventoryObserver()]]],
  ['+ detection rules', () => [full, [new InventoryObserver(), detector(defaultRules())]]],
  ['+ alert PCAP recorder', () => { const r = recorder(); return [full, [new InventoryObserver(), detector(defaultRules(), r), r]]; }],
];
if (perRule) {
  for (const rule of defaultRules()) stages.push([`dissectors + rule ${rule.name}`, () => [full, [detector(defaultRules().filter((r) => r.name === rule.name))]]]);
}

async function once(make) {
  const [registry, analyzers] = make();
  const sensor = registry === null ? new ReadOnly() : new Sensor({ registry, analyzers });
  const t0 = performance.now();
  const report = await new Ingest(sensor, { files: [file] }).run();
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, packets: report.totals.packets, alerts: analyzers.find((a) => a.name === 'detection')?.drain().alerts.length ?? null };
}

if (only >= 0) {
  process.stdout.write(JSON.stringify(await once(stages[only][1])) + '\n');
  process.exit(0);
}

const times = stages.map(() => []);
let packets = -1;
const facts = stages.map(() => null);
for (let r = 0; r < runs; r++) {
  for (let i = 0; i < stages.length; i++) {
    const res = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--stage', String(i), '--tree', tree, ...(perRule ? ['--rules'] : []), file], { encoding: 'utf8' }));
    if (packets >= 0 && res.packets !== packets) { console.error(`stages: ${stages[i][0]} read ${res.packets} packets, others ${packets}`); process.exit(1); }
    packets = res.packets;
    times[i].push(res.seconds);
    facts[i] = res.alerts;
    process.stderr.write(`run ${r + 1}/${runs} ${stages[i][0]}: ${res.seconds.toFixed(2)} s\n`);
  }
}
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2; };
console.log(`capture: ${file} (${packets.toLocaleString('en')} packets); ${runs} run(s) per stage, interleaved; Node ${process.version}\n`);
console.log('| stage | ingest loop s (median) | packets/s | adds s | alerts |');
console.log('|---|---|---|---|---|');
let prev = null;
stages.forEach(([name], i) => {
  const m = median(times[i]);
  const base = name.startsWith('dissectors + rule') ? median(times[2]) : prev;
  console.log(`| ${name} | ${m.toFixed(2)} | ${Math.round(packets / m).toLocaleString('en')} | ${base === null ? '—' : (m - base >= 0 ? '+' : '') + (m - base).toFixed(2)} | ${facts[i] ?? '—'} |`);
  if (!name.startsWith('dissectors + rule')) prev = m;
});

#!/usr/bin/env node
// Two builds timed side by side: this checkout's dist/ ("new") against another checkout's ("base"),
// on one pipeline stage of stages.mjs. Each run starts both at once, one per core, and alternates
// which starts first, so both see the same machine speed; on this VM speed drifts by 2x from hour to
// hour and by 10% from minute to minute, which makes two separate measurements of a 5% change
// meaningless, while the ratio within a pair moves by a few percent.
//
// Usage: node bench/ingest/compare.mjs --base DIR [--stage N] [--runs K] [FILE]
//   DIR    another checkout, built (`git worktree add /tmp/base REV && cd /tmp/base && npm ci && npm run build`)
//   N      stage index in stages.mjs: 0 reading only, 1 decode+flows, 2 +dissectors, 3 +inventory,
//          4 +detection, 5 +recorder (default 5, what `otsensor replay` runs)
//   K      pairs (default 4)
// Prints each pair and the mean, smallest and largest new/base ratio. Needs 2 cores to mean anything.
// A measurement, not a test: only a packet-count mismatch between the builds makes it fail.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const stages = resolve(here, 'stages.mjs');
const args = process.argv.slice(2);
let base = null, stage = 5, runs = 4, file = resolve(repo, 'bench/out/modbus-1500005.pcap');
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--base') base = resolve(args[++i]);
  else if (args[i] === '--stage') stage = Number(args[++i]);
  else if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '-h' || args[i] === '--help') { console.log('usage: node bench/ingest/compare.mjs --base DIR [--stage N] [--runs K] [FILE]'); process.exit(0); }
  else file = resolve(args[i]);
}
if (!base) { console.error('compare: --base DIR is required (another checkout, built)'); process.exit(2); }
if (!(Number.isInteger(stage) && stage >= 0 && stage <= 5)) { console.error('compare: --stage takes 0..5'); process.exit(2); }
if (!(Number.isInteger(runs) && runs >= 1)) { console.error('compare: --runs takes a whole number of at least 1'); process.exit(2); }
for (const t of [base, repo]) if (!existsSync(resolve(t, 'dist/cli.js'))) { console.error(`compare: ${t}/dist is missing: build it first`); process.exit(2); }
if (!existsSync(file)) { console.error(`compare: ${file} is missing (bench/ingest/run.sh generates the reference capture)`); process.exit(2); }
if (availableParallelism() < 2) console.error('compare: fewer than 2 cores: the pair runs one after the other in effect');

const once = async (tree) => JSON.parse((await run(process.execPath, [stages, '--stage', String(stage), '--tree', tree, file], { maxBuffer: 1 << 20 })).stdout);
const ratios = [];
console.log(`base ${base}\nnew  ${repo}\nstage ${stage}, ${runs} pair(s), ${file}\n`);
console.log('| pair | base s | new s | new/base |\n|---|---|---|---|');
for (let r = 0; r < runs; r++) {
  const order = r % 2 === 0 ? [base, repo] : [repo, base];
  const started = order.map((t) => once(t));
  const [a, b] = await Promise.all(started);
  const [rb, rn] = order[0] === base ? [a, b] : [b, a];
  if (rb.packets !== rn.packets) { console.error(`compare: base read ${rb.packets} packets, new ${rn.packets}`); process.exit(1); }
  ratios.push(rn.seconds / rb.seconds);
  console.log(`| ${r + 1} | ${rb.seconds.toFixed(2)} | ${rn.seconds.toFixed(2)} | ${(rn.seconds / rb.seconds).toFixed(3)} |`);
}
const mean = ratios.reduce((x, y) => x + y, 0) / ratios.length;
console.log(`\nnew/base: mean ${mean.toFixed(3)}, smallest ${Math.min(...ratios).toFixed(3)}, largest ${Math.max(...ratios).toFixed(3)} (below 1: new is faster)`);

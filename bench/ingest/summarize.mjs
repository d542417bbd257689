// Summarises one bench/ingest/run.sh session: reads the raw per-run files that run.sh left in its
// scratch directory, prints the Markdown report on stdout, and writes OUT.json (every raw number)
// and OUT.md (the same report).
// Usage: node bench/ingest/summarize.mjs WORKDIR OUT_PREFIX
// Exit status: 1 when a tool failed or a packet count is wrong, else 0 (missed targets included).
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [work, outPrefix] = process.argv.slice(2);
if (!work || !outPrefix) {
  console.error('usage: summarize.mjs WORKDIR OUT_PREFIX');
  process.exit(2);
}

// The project's targets (otsensor through decode and flows on the reference capture).
const TARGET_PPS = 1_500_000;
const TARGET_RSS_MB = 300;
const TARGET_X_TSHARK = 6;

// Known tools, in table order. `template` is the command as a reader should type it.
const TOOLS = [
  { id: 'otsensor', label: 'otsensor replay (whole command)',
    template: (f) => `node dist/cli.js replay --data-dir <fresh temp dir> --json ${f}` },
  { id: 'tshark', label: 'tshark -z conv,ip (full dissection)',
    template: (f) => `tshark -r ${f} -q -z conv,ip` },
  { id: 'suricata_default', label: 'Suricata, default config',
    template: (f) => `suricata -r ${f} -l <fresh temp dir> -k none` },
  { id: 'suricata_modbus', label: 'Suricata, Modbus parser + modbus-events.rules',
    template: (f) => `suricata -r ${f} -l <fresh temp dir> -k none --set app-layer.protocols.modbus.enabled=yes -S /etc/suricata/rules/modbus-events.rules` },
];

const read = (p) => readFileSync(p, 'utf8');
const readIf = (p) => (existsSync(p) ? read(p) : '');

const meta = Object.fromEntries(read(path.join(work, 'meta.tsv')).trim().split('\n')
  .map((l) => { const i = l.indexOf('\t'); return [l.slice(0, i), l.slice(i + 1)]; }));
const PACKETS = Number(meta.packets);
const isReference = meta.sha256_match === 'yes';

// ---- parsing -------------------------------------------------------------------------------

// GNU time -v output. Wall clock is "h:mm:ss" or "m:ss.cc", resolution 10 ms.
function parseTime(text) {
  const field = (label) => {
    const m = text.match(new RegExp(`^\\s*${label}: (.*)$`, 'm'));
    return m ? m[1].trim() : undefined;
  };
  const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)');
  return {
    wallSeconds: wall === undefined ? NaN : wall.split(':').reduce((s, part) => s * 60 + Number(part), 0),
    userSeconds: Number(field('User time \\(seconds\\)')),
    systemSeconds: Number(field('System time \\(seconds\\)')),
    cpuPercent: Number((field('Percent of CPU this job got') ?? '').replace('%', '')),
    maxRssKiB: Number(field('Maximum resident set size \\(kbytes\\)')),
  };
}

// First line of /proc/stat, in jiffies (1/100 s): user nice system idle iowait irq softirq steal ...
// busy = CPU time spent running something in this VM; steal = time the hypervisor gave to others.
function cpuJiffies(text) {
  const v = text.trim().split(/\s+/).slice(1).map(Number);
  return { busy: v[0] + v[1] + v[2] + v[5] + v[6], steal: v[7] ?? 0 };
}

// What each tool says about the packets it handled: the sanity checks use it.
const TOOL_REPORT = {
  otsensor(stdout) {
    const r = JSON.parse(stdout);
    return {
      packets: r.totals?.packets, bytes: r.totals?.bytes, loopSeconds: r.totals?.seconds,
      loopPacketsPerSecond: r.totals?.packetsPerSecond, decoded: r.decoded, skipped: r.skipped,
      protocols: r.protocols, anomalies: r.anomalies, flowsCreated: r.flows?.created,
      fileErrors: (r.files ?? []).map((f) => f.error).filter(Boolean),
    };
  },
  tshark(stdout) {
    // conv,ip rows: "A <-> B  fr bytes unit  fr bytes unit  TOTALfr bytes unit  start duration".
    let frames = 0; let conversations = 0;
    for (const m of stdout.matchAll(/^\S+\s+<->\s+\S+\s+\d+ \d+ \S+\s+\d+ \d+ \S+\s+(\d+) \d+ \S+/gm)) {
      frames += Number(m[1]); conversations += 1;
    }
    return { packets: frames, conversations };
  },
  suricata(output) {
    const m = output.match(/read (\d+) files?, (\d+) packets, (\d+) bytes/);
    const alerts = output.match(/Alerts: (\d+)/);
    return { packets: m ? Number(m[2]) : undefined, bytes: m ? Number(m[3]) : undefined,
      alerts: alerts ? Number(alerts[1]) : undefined };
  },
};

const runsDir = path.join(work, 'runs');
const runs = readdirSync(runsDir).map((name) => {
  const dir = path.join(runsDir, name);
  const [tool, run] = name.split('.');
  const time = parseTime(readIf(path.join(dir, 'time')));
  const stdout = readIf(path.join(dir, 'stdout'));
  const stderr = readIf(path.join(dir, 'stderr'));
  const exitCode = Number(read(path.join(dir, 'rc')).trim());
  // CPU used by everything else on the machine while this command ran, in cores (clamped at 0:
  // the kernel's per-process and per-CPU accounting differ by a few jiffies), and CPU stolen by the host.
  const before = cpuJiffies(read(path.join(dir, 'stat_before')));
  const after = cpuJiffies(read(path.join(dir, 'stat_after')));
  const otherCpuCores = Math.max(0, ((after.busy - before.busy) / 100 - time.userSeconds - time.systemSeconds) / time.wallSeconds);
  const stealCores = (after.steal - before.steal) / 100 / time.wallSeconds;
  let report = null; let reportError = null;
  try {
    report = tool === 'otsensor' ? TOOL_REPORT.otsensor(stdout)
      : tool === 'tshark' ? TOOL_REPORT.tshark(stdout)
        : TOOL_REPORT.suricata(stdout + '\n' + stderr);
  } catch (e) { reportError = String(e.message ?? e); }
  const eve = readIf(path.join(dir, 'eve_bytes')).trim();
  return {
    tool, run: Number(run), argv: read(path.join(dir, 'argv')).split('\0').slice(0, -1), exitCode, ...time,
    packetsPerSecondWall: PACKETS / time.wallSeconds, otherCpuCores: Number(otherCpuCores.toFixed(3)),
    stealCores: Number(stealCores.toFixed(3)),
    report, reportError, ...(eve ? { eveJsonBytes: Number(eve) } : {}),
    // Keep the end of stderr only when something went wrong (a fresh data dir prints a one-time
    // admin password on stderr; there is no reason to archive that).
    ...(exitCode !== 0 || reportError ? { stderrTail: stderr.split('\n').slice(-15).join('\n') } : {}),
  };
}).sort((a, b) => a.run - b.run || TOOLS.findIndex((t) => t.id === a.tool) - TOOLS.findIndex((t) => t.id === b.tool));

// ---- statistics ----------------------------------------------------------------------------

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b); const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const mib = (kib) => kib / 1024;

const summary = {};
for (const t of TOOLS) {
  const rs = runs.filter((r) => r.tool === t.id && r.exitCode === 0);
  if (!rs.length) continue;
  const walls = rs.map((r) => r.wallSeconds);
  summary[t.id] = {
    runs: rs.length, wallMin: Math.min(...walls), wallMedian: median(walls), wallMax: Math.max(...walls),
    ppsBest: PACKETS / Math.min(...walls), ppsMedian: PACKETS / median(walls), ppsWorst: PACKETS / Math.max(...walls),
    peakRssMiB: mib(Math.max(...rs.map((r) => r.maxRssKiB))), cpuPercentMedian: median(rs.map((r) => r.cpuPercent)),
  };
}
// otsensor's own ingest-loop timing (totals.seconds / totals.packetsPerSecond of its report).
const loopRuns = runs.filter((r) => r.tool === 'otsensor' && r.report?.loopSeconds);
if (loopRuns.length) {
  const secs = loopRuns.map((r) => r.report.loopSeconds);
  const pps = loopRuns.map((r) => r.report.loopPacketsPerSecond);
  summary.otsensor_loop = {
    runs: loopRuns.length, wallMin: Math.min(...secs), wallMedian: median(secs), wallMax: Math.max(...secs),
    ppsBest: Math.max(...pps), ppsMedian: median(pps), ppsWorst: Math.min(...pps),
  };
}
const tshark = summary.tshark;
for (const s of Object.values(summary)) {
  if (tshark) { s.xTsharkMedian = s.ppsMedian / tshark.ppsMedian; s.xTsharkBest = s.ppsBest / tshark.ppsBest; }
}

// ---- targets and sanity checks -------------------------------------------------------------

const ot = summary.otsensor; const loop = summary.otsensor_loop;
const targets = [
  { name: `otsensor ingest loop >= ${TARGET_PPS.toLocaleString('en-US')} packets/s (report's totals.packetsPerSecond)`,
    value: loop?.ppsMedian, worst: loop?.ppsWorst, pass: loop ? loop.ppsMedian >= TARGET_PPS : false, unit: 'pps' },
  { name: `otsensor whole command >= ${TARGET_PPS.toLocaleString('en-US')} packets/s (${PACKETS.toLocaleString('en-US')} / wall)`,
    value: ot?.ppsMedian, worst: ot?.ppsWorst, pass: ot ? ot.ppsMedian >= TARGET_PPS : false, unit: 'pps' },
  { name: `otsensor peak RSS < ${TARGET_RSS_MB} MB`,
    value: ot?.peakRssMiB, pass: ot ? ot.peakRssMiB < TARGET_RSS_MB : false, unit: 'MB' },
  { name: `otsensor > ${TARGET_X_TSHARK}x tshark (whole command against whole command)`,
    value: ot?.xTsharkMedian, best: ot?.xTsharkBest, pass: ot?.xTsharkMedian > TARGET_X_TSHARK, unit: 'x' },
];

const sanity = [];
const check = (ok, text) => sanity.push({ ok: Boolean(ok), check: text });
for (const r of runs.filter((x) => x.exitCode !== 0 || x.reportError)) {
  check(false, `${r.tool} run ${r.run} failed (exit ${r.exitCode}${r.reportError ? `; ${r.reportError}` : ''})`);
}
const count = (tool) => runs.filter((r) => r.tool === tool).map((r) => r.report?.packets);
const allEqual = (xs, n) => xs.length > 0 && xs.every((x) => x === n);
const fmtCounts = (xs) => [...new Set(xs)].map((x) => (x === undefined ? '?' : x.toLocaleString('en-US'))).join(', ');
check(allEqual(count('otsensor'), PACKETS), `otsensor reported ${fmtCounts(count('otsensor'))} packets (expected ${PACKETS.toLocaleString('en-US')} in every run)`);
if (runs.some((r) => r.tool === 'otsensor' && r.report?.fileErrors?.length)) check(false, 'otsensor reported file errors');
if (isReference) {
  // The reference capture is IPv4 throughout, so conv,ip must account for every frame.
  const conv = runs.filter((r) => r.tool === 'tshark').map((r) => r.report?.conversations);
  check(allEqual(count('tshark'), PACKETS), `tshark conv,ip counted ${fmtCounts(count('tshark'))} frames in ${fmtCounts(conv)} IPv4 conversations`);
}
for (const v of ['suricata_default', 'suricata_modbus']) {
  if (runs.some((r) => r.tool === v)) check(allEqual(count(v), PACKETS), `${v} read ${fmtCounts(count(v))} packets`);
}
check(meta.dist_hash_before === meta.dist_hash_after,
  meta.dist_hash_before === meta.dist_hash_after ? `dist/ unchanged during the session (hash ${meta.dist_hash_before})`
    : `dist/ CHANGED during the session (${meta.dist_hash_before} -> ${meta.dist_hash_after}): someone rebuilt it; runs may mix builds`);
const failed = sanity.some((s) => !s.ok);

// Disturbance is reported, not treated as failure: the numbers are still real, just less clean.
const busiest = runs.reduce((a, r) => (r.otherCpuCores > (a?.otherCpuCores ?? -1) ? r : a), null);
const OTHER_CPU_WARN = 0.2;
const warnings = [];
if (busiest && busiest.otherCpuCores > OTHER_CPU_WARN) {
  const noisy = runs.filter((r) => r.otherCpuCores > OTHER_CPU_WARN).map((r) => `${r.tool} #${r.run} (${r.otherCpuCores.toFixed(2)})`);
  warnings.push(`other processes used more than ${OTHER_CPU_WARN} cores during: ${noisy.join(', ')}; those timings are pessimistic`);
}
const stolen = runs.filter((r) => r.stealCores > 0.1);
if (stolen.length) warnings.push(`the hypervisor stole more than 0.1 cores during: ${stolen.map((r) => `${r.tool} #${r.run} (${r.stealCores.toFixed(2)})`).join(', ')}`);
if (Number(meta.src_newer_than_dist) > 0) warnings.push(`${meta.src_newer_than_dist} file(s) in src/ are newer than dist/cli.js: the measured build may not match the sources`);
if (Number(meta.src_uncommitted_files) > 0) warnings.push(`src/ has ${meta.src_uncommitted_files} uncommitted change(s) relative to ${meta.git_head.slice(0, 12)}`);
if (!isReference) warnings.push('the capture is not the reference file: rates are not comparable with earlier reference runs');

// ---- machine facts -------------------------------------------------------------------------

const cpuModel = os.cpus()[0]?.model ?? 'unknown';
const osRelease = readIf('/etc/os-release').match(/^PRETTY_NAME="?([^"\n]*)"?/m)?.[1] ?? os.type();
const debianVersion = readIf('/etc/debian_version').trim();
const machine = {
  nproc: Number(meta.nproc), cpuModel, memTotalMiB: Math.round(os.totalmem() / 2 ** 20),
  kernel: os.release(), os: osRelease + (debianVersion ? ` (${debianVersion})` : ''),
};
const versions = {
  node: process.version, tshark: meta.tshark_version, suricata: meta.suricata_version, otsensor: meta.otsensor_version,
};

// ---- report --------------------------------------------------------------------------------

const int = (x) => (x === undefined || Number.isNaN(x) ? '—' : Math.round(x).toLocaleString('en-US'));
const f2 = (x) => (x === undefined ? '—' : x.toFixed(2));
const x1 = (x) => (x === undefined ? '—' : `${x.toFixed(1)}×`);
const file = meta.file;

const lines = [];
const out = (s = '') => lines.push(s);
out(`## otsensor ingest benchmark, ${meta.date}`);
out();
out(`- Capture: \`${file}\`, ${PACKETS.toLocaleString('en-US')} packets, ${Number(meta.file_bytes).toLocaleString('en-US')} bytes; `
  + (isReference ? 'sha256 matches the reference file.' : `sha256 ${meta.sha256} does NOT match the reference ${meta.ref_sha256}.`));
out(`- Machine: ${machine.nproc} cores (${cpuModel}), ${(machine.memTotalMiB / 1024).toFixed(1)} GiB RAM, ${machine.os}, Linux ${machine.kernel}.`);
// Short forms for the report; the JSON keeps the tools' full version lines.
const shortVersion = (line) => line.match(/\d+\.\d+\.\d+/)?.[0] ?? line;
out(`- Versions: Node ${versions.node}, tshark ${shortVersion(versions.tshark)}, Suricata ${shortVersion(versions.suricata)}, `
  + `otsensor ${versions.otsensor} at ${meta.git_head.slice(0, 12)} (dist hash ${meta.dist_hash_before}).`);
out(`- ${meta.runs} run(s) per tool under \`/usr/bin/time -v\`, warm page cache, tools interleaved within each run.`);
out();
out('| tool | wall s (min / median) | packets/s (best / median) | peak RSS MB | CPU % (median) | × tshark (median) |');
out('|---|---|---|---|---|---|');
const row = (label, s, rss = true) => out(`| ${label} | ${f2(s.wallMin)} / ${f2(s.wallMedian)} | ${int(s.ppsBest)} / ${int(s.ppsMedian)} | `
  + `${rss ? int(s.peakRssMiB) : '—'} | ${rss ? int(s.cpuPercentMedian) : '—'} | ${x1(s.xTsharkMedian)} |`);
for (const t of TOOLS) {
  if (summary[t.id]) row(t.label, summary[t.id]);
  else if (t.id.startsWith('suricata') && meta.have_suricata !== 'yes') { if (t.id === 'suricata_default') out('| suricata | not installed | | | | |'); }
  else if (runs.some((r) => r.tool === t.id)) out(`| ${t.label} | failed | | | | |`);
  if (t.id === 'otsensor' && summary.otsensor_loop) row('otsensor ingest loop only (its report)', summary.otsensor_loop, false);
}
out();
out(`Packets/s = ${PACKETS.toLocaleString('en-US')} / wall seconds of the whole command (process start-up, and for otsensor the data-dir `
  + 'bootstrap and the report, included). The ingest-loop row instead uses the seconds and packets/s from otsensor\'s own JSON report '
  + '(`totals.seconds`, `totals.packetsPerSecond`). × tshark = packets/s relative to tshark\'s, median against median.');
out();
out('`tshark -r F -q` on its own does NOT dissect (with no tap, filter or output it only reads the file, in well under a second) and is NOT the '
  + 'anchor; the anchor is `tshark -r F -q -z conv,ip`, which dissects every frame.');
if (meta.have_suricata !== 'yes') { out(); out('suricata: not installed'); }
out();
out(`### Targets (median of ${meta.runs} run(s))`);
out();
out('| target | measured | result |');
out('|---|---|---|');
for (const t of targets) {
  const v = t.unit === 'pps' ? `${int(t.value)} packets/s (worst run ${int(t.worst)})`
    : t.unit === 'MB' ? `${int(t.value)} MB (largest run)`
      : `${x1(t.value)} (best against best ${x1(t.best)})`;
  out(`| ${t.name} | ${v} | ${t.pass ? 'PASS' : 'FAIL'} |`);
}
if (loop && tshark) {
  out();
  out(`For reference only: otsensor's ingest loop against tshark's whole command is ${x1(loop.ppsMedian / tshark.ppsMedian)}; `
    + `otsensor spends ${f2(ot.wallMedian - loop.wallMedian)} s (median) outside the ingest loop (Node start-up, data dir, report).`);
}
out();
out('### Sanity');
out();
for (const s of sanity) out(`- ${s.ok ? 'ok' : 'FAILED'}: ${s.check}`);
for (const w of warnings) out(`- warning: ${w}`);
if (busiest) out(`- CPU used by other processes during a measurement: at most ${busiest.otherCpuCores.toFixed(2)} cores (${busiest.tool} run ${busiest.run}); `
  + `stolen by the hypervisor: at most ${Math.max(...runs.map((r) => r.stealCores)).toFixed(2)} cores`);
out();
out('### Commands');
out();
for (const t of TOOLS) if (runs.some((r) => r.tool === t.id)) out(`- ${t.id}: \`${t.template(file)}\``);
out();
out(`Raw numbers: \`${outPrefix}.json\``);

const report = lines.join('\n') + '\n';
process.stdout.write(report);

const json = {
  schema: 1,
  date: meta.date,
  machine,
  versions,
  build: {
    gitHead: meta.git_head, srcUncommittedFiles: Number(meta.src_uncommitted_files),
    srcFilesNewerThanDist: Number(meta.src_newer_than_dist), distHashBefore: meta.dist_hash_before, distHashAfter: meta.dist_hash_after,
  },
  file: {
    path: file, bytes: Number(meta.file_bytes), sha256: meta.sha256, referenceSha256: meta.ref_sha256,
    matchesReference: isReference, packets: PACKETS,
  },
  method: `${meta.runs} run(s) per tool under /usr/bin/time -v, warm page cache, tools interleaved within each run; `
    + 'packets/s = file packets / whole-command wall seconds; otherCpuCores = CPU used by other processes during the run; '
    + 'stealCores = CPU time the hypervisor took away during the run',
  commands: Object.fromEntries(TOOLS.filter((t) => runs.some((r) => r.tool === t.id)).map((t) => [t.id, t.template(file)])),
  runs,
  summary,
  targets: targets.map(({ unit, ...t }) => ({ ...t, unit })),
  sanity,
  warnings,
  ok: !failed,
};
writeFileSync(`${outPrefix}.json`, JSON.stringify(json, null, 2) + '\n');
writeFileSync(`${outPrefix}.md`, report);
process.exitCode = failed ? 1 : 0;

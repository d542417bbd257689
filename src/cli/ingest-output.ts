// How an ingest looks on a terminal: a one-line progress bar while it runs (stderr, TTY only) and
// the final report per file and in total.
import type { IngestProgress, IngestReport } from '../ingest.js';

export function human(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

export function progressLine(p: IngestProgress): string {
  const width = 24;
  const bar = p.fraction === null ? '' : `[${'#'.repeat(Math.round(p.fraction * width)).padEnd(width, '.')}] ${(p.fraction * 100).toFixed(0).padStart(3)}% `;
  const eta = p.etaSeconds === null ? '' : `  ETA ${p.etaSeconds < 1 ? '<1' : Math.round(p.etaSeconds)}s`;
  return `${bar}${human(p.packets)} packets  ${human(p.bytes)}B  ${human(p.packetsPerSecond)} packets/s${eta}`;
}

export function formatReport(r: IngestReport): string {
  const lines: string[] = [];
  for (const f of r.files) {
    const what = f.error
      ? `${f.error.kind === 'unreadable' ? 'NOT READ' : 'read up to the damage'}: at byte ${f.error.offset}: ${f.error.reason}`
      : 'read in full';
    lines.push(`${f.path}: ${f.packets} packets, ${f.bytes} bytes${f.format ? ` (${f.format}${f.gzip ? ', gzip' : ''})` : ''} - ${what}`);
  }
  const t = r.totals;
  const skipped = Object.entries(r.skipped).map(([k, v]) => `${k} ${v}`).join(', ');
  lines.push(`total: ${t.packets} packets (${r.decoded} decoded${skipped ? `, skipped: ${skipped}` : ''}), ${t.bytes} bytes, ` +
    `${r.flows.created} flows, ${t.seconds.toFixed(2)} s, ${human(t.packetsPerSecond)} packets/s${t.loops > 1 ? `, ${t.loops} loops` : ''}`);
  const protos = Object.entries(r.protocols).sort((a, b) => b[1] - a[1]);
  if (protos.length) lines.push(`protocols: ${protos.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const anomalies = Object.entries(r.anomalies).sort((a, b) => b[1] - a[1]);
  lines.push(`anomalies: ${anomalies.length ? anomalies.map(([k, v]) => `${k} ${v}`).join(', ') : 'none'}`);
  return lines.join('\n') + '\n';
}

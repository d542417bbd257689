// The retention schedule (issue 6): node-cron v4 runs registered jobs; a failing job is reported and
// does not stop the others; a schedule never holds a CLI process open by itself.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleRetention } from '../src/alerts/retention.js';
import { removeTempDirs, ROOT, tempDir } from './support/env.js';

afterAll(removeTempDirs);

/** Resolves when `cond` holds, checking every 50 ms; rejects after `ms` (a deadline, not a speed assertion). */
function until(cond: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const t = setInterval(() => {
      if (cond()) { clearInterval(t); resolve(); } else if (Date.now() - started > ms) { clearInterval(t); reject(new Error('timed out')); }
    }, 50);
  });
}

/** Runs a script that schedules retention jobs; resolves with its exit code, or 'alive' if it still runs after `ms`. */
function runScript(body: string, ms: number): Promise<number | 'alive'> {
  const file = join(tempDir(), 'schedule.mts');
  const mod = pathToFileURL(join(ROOT, 'src', 'alerts', 'retention.ts')).href;
  writeFileSync(file, `import { scheduleRetention } from ${JSON.stringify(mod)};\n${body}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve('alive'); }, ms);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0 && code !== null) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve(code ?? 'alive');
    });
  });
}

describe('scheduleRetention', () => {
  it('refuses an invalid cron expression', () => {
    expect(() => scheduleRetention([], { cron: '61 * * * *' })).toThrow(/invalid cron expression/);
    expect(() => scheduleRetention([], { cron: 'every hour' })).toThrow(/invalid cron expression/);
  });

  it('runs every job in order; a throwing job is reported and the others still run', () => {
    const ran: string[] = [];
    const errors: Array<[string, string]> = [];
    const s = scheduleRetention([
      { name: 'pcaps', run: () => { ran.push('pcaps'); } },
      { name: 'alerts', run: () => { ran.push('alerts'); throw new Error('disk I/O error'); } },
      { name: 'events', run: () => { ran.push('events'); } },
    ], { onError: (name, err) => errors.push([name, (err as Error).message]) });
    s.runNow();
    s.stop();
    s.stop(); // twice is harmless
    expect(ran).toEqual(['pcaps', 'alerts', 'events']);
    expect(errors).toEqual([['alerts', 'disk I/O error']]);
  });

  it('runs on its cron schedule until stopped', async () => {
    let runs = 0;
    const s = scheduleRetention([{ name: 'count', run: () => { runs++; } }], { cron: '* * * * * *' }); // every second
    try {
      await until(() => runs >= 2, 10_000);
    } finally {
      s.stop();
    }
    const after = runs;
    await new Promise((r) => setTimeout(r, 2200));
    expect(runs).toBe(after);
  });

  it('does not keep a process alive, unless asked to', async () => {
    expect(await runScript(`scheduleRetention([{ name: 'x', run() {} }]);`, 20_000)).toBe(0);
    expect(await runScript(`scheduleRetention([{ name: 'x', run() {} }], { keepAlive: true });`, 4000)).toBe('alive');
  });
});

// The daemon and CLI commands as separate processes sharing one data dir: a token made or revoked on
// the box takes effect in the running daemon within a second, concurrent writers lose nothing, and a
// SIGTERM flushes what was coalesced.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, httpsRequest, removeTempDirs, runCli, sleep, spawnDaemon, stopDaemon, tempDir } from './support/env.js';

afterAll(removeTempDirs);

async function waitForStatus(url: string, dataDir: string, token: string, status: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 5000) {
    const res = await httpsRequest(url, { dataDir, headers: { Authorization: token } });
    if (res.status === status) return performance.now() - start;
    await sleep(25);
  }
  throw new Error(`never answered ${status}`);
}

describe('otsensor run with CLI commands alongside', () => {
  it('sees a token created by the CLI, and its revocation, within a second', async () => {
    const dataDir = tempDir();
    await runCli(['user', 'list'], { dataDir }); // first start: creates admin
    const d = await spawnDaemon(dataDir);
    try {
      const created = await runCli(['token', 'create', '--description', 'curl check', '--id', 'live'], { dataDir });
      const token = created.stdout.trim();
      const seenIn = await waitForStatus(`${d.url}/api/apiTokens`, dataDir, token, 200);
      expect(seenIn).toBeLessThan(1000);
      const res = await httpsRequest(`${d.url}/api/apiTokens`, { dataDir, headers: { Authorization: token } });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.value.map((t: { id: string }) => t.id)).toContain('live');
      expect((await runCli(['token', 'revoke', 'live'], { dataDir })).code).toBe(0);
      const goneIn = await waitForStatus(`${d.url}/api/apiTokens`, dataDir, token, 401);
      expect(goneIn).toBeLessThan(1000);
    } finally {
      await stopDaemon(d);
    }
  });

  it('loses no write when the CLI, the REST API and usage flushes write at the same time', async () => {
    const dataDir = tempDir();
    await runCli(['settings', 'set', 'tokens.usageFlushSeconds', '1'], { dataDir });
    const admin = (await runCli(['token', 'create', '--description', 'driver', '--id', 'driver'], { dataDir })).stdout.trim();
    const d = await spawnDaemon(dataDir);
    try {
      const cliIds = Array.from({ length: 8 }, (_, i) => `cli-${i}`);
      const restIds = Array.from({ length: 12 }, (_, i) => `rest-${i}`);
      let stopTraffic = false;
      const traffic = (async () => { // keeps last-used flushes happening throughout
        let n = 0;
        while (!stopTraffic) {
          await httpsRequest(`${d.url}/api/apiTokens`, { dataDir, headers: { Authorization: admin } });
          n++;
        }
        return n;
      })();
      const results = await Promise.all([
        ...cliIds.map((id) => runCli(['token', 'create', '--description', id, '--id', id], { dataDir })),
        ...restIds.map((id, i) => sleep(i * 40).then(() => httpsRequest(`${d.url}/api/apiTokens/${id}`, {
          dataDir, method: 'PUT', headers: { Authorization: admin, 'Content-Type': 'application/json' }, body: JSON.stringify({ description: id }),
        }))),
        runCli(['user', 'add', 'carol', '--role', 'read-only', '--password-stdin'], { dataDir, input: 'Carol#2024!\n' }),
      ]);
      await sleep(1500); // at least one usage flush after the last create
      stopTraffic = true;
      expect(await traffic).toBeGreaterThan(5);
      for (const r of results) {
        if ('code' in r) expect(r.code, r.stderr).toBe(0);
        else expect(r.status).toBe(200);
      }
      expect(await stopDaemon(d)).toBe(0);
      const list = JSON.parse((await runCli(['token', 'list', '--json'], { dataDir })).stdout) as Array<{ id: string; lastUsed: string | null }>;
      const ids = list.map((t) => t.id);
      for (const id of [...cliIds, ...restIds, 'driver']) expect(ids, id).toContain(id);
      expect(list.find((t) => t.id === 'driver')!.lastUsed).not.toBeNull();
      const users = JSON.parse((await runCli(['user', 'list', '--json'], { dataDir })).stdout) as Array<{ username: string }>;
      expect(users.map((u) => u.username)).toContain('carol');
    } finally {
      await stopDaemon(d);
    }
  });

  it('writes coalesced last-used facts on SIGTERM', async () => {
    const dataDir = tempDir();
    const token = (await runCli(['token', 'create', '--description', 'flush', '--id', 'flush'], { dataDir })).stdout.trim();
    const d = await spawnDaemon(dataDir); // default flush interval: 10 s, longer than this test waits
    await httpsRequest(`${d.url}/api/apiTokens`, { dataDir, headers: { Authorization: token, 'User-Agent': 'flush-test/1' } });
    expect(await stopDaemon(d, 'SIGTERM')).toBe(0);
    expect(d.output()).toMatch(/"msg":"stopped"/);
    const [t] = JSON.parse((await runCli(['token', 'list', '--json'], { dataDir })).stdout) as Array<Record<string, string>>;
    expect(t).toMatchObject({ id: 'flush', status: 'Active', lastUsedFrom: '127.0.0.1', lastUserAgent: 'flush-test/1' });
  });

  it('stops on SIGTERM even when whoever read its stdout is gone', async () => {
    // A parent that starts the daemon with piped stdout, signals it and exits at once: the daemon's
    // last log lines go to a broken pipe. It used to hang in process.exit (pino's exit-time flush).
    const dataDir = tempDir();
    const parent = join(dataDir, 'parent.mjs');
    writeFileSync(parent, `import { spawn } from 'node:child_process';
const child = spawn(process.execPath, [${JSON.stringify(CLI)}, 'run', '--no-demo', '--listen', '127.0.0.1:0', '--data-dir', ${JSON.stringify(join(dataDir, 'd'))}], { stdio: ['ignore', 'pipe', 'ignore'] });
child.stdout.on('data', (d) => { if (String(d).includes('otsensor ready')) { console.log(child.pid); child.kill('SIGTERM'); process.exit(0); } });
`);
    const out = execFileSync(process.execPath, [parent], { encoding: 'utf8', timeout: 30_000 });
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    const alive = () => { try { process.kill(pid, 0); return true; } catch { return false; } };
    for (let i = 0; i < 100 && alive(); i++) await sleep(50);
    const stillAlive = alive();
    if (stillAlive) process.kill(pid, 'SIGKILL'); // never leave it behind
    expect(stillAlive).toBe(false);
  });

  it('serves plain HTTP only when asked, beside HTTPS', async () => {
    const dataDir = tempDir();
    const d = await spawnDaemon(dataDir, ['--http-listen', '127.0.0.1:0']);
    try {
      const ready = JSON.parse(d.output().split('\n').find((l) => l.includes('"otsensor ready"'))!) as { http: string };
      expect(ready.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${ready.http}/healthz`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe('ready');
    } finally {
      await stopDaemon(d);
    }
  });
});

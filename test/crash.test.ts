// kill -9 at any moment leaves readable stores and loses no acknowledged write (issue: appliance core).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openAppliance } from '../src/appliance.js';
import { httpsRequest, removeTempDirs, ROOT, runCli, sleep, spawnDaemon, stopDaemon, tempDir } from './support/env.js';

afterAll(removeTempDirs);

function runWriterUntilKilled(dataDir: string, prefix: string, killAfterMs: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'test', 'support', 'crash-writer.mjs'), dataDir, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // Kill only once it is writing, so every round really interrupts writes.
    const poll = setInterval(() => {
      if (out.length > 0) {
        clearInterval(poll);
        setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    }, 5);
    child.on('exit', (code, signal) => {
      clearInterval(poll);
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended by itself (${code}): ${err}`));
      resolve(out.split('\n').filter((l) => l.length > 0));
    });
  });
}

it('a writer killed with SIGKILL mid-write, 8 times, loses nothing it acknowledged', async () => {
  const dataDir = tempDir();
  (await openAppliance(dataDir)).close();
  const acknowledged: string[] = [];
  // Deterministic spread of kill moments from 0 to ~350 ms into the write loop.
  for (let round = 0; round < 8; round++) {
    acknowledged.push(...await runWriterUntilKilled(dataDir, `r${round}`, (round * 47) % 350));
  }
  expect(acknowledged.length).toBeGreaterThan(8);
  const app = await openAppliance(dataDir); // throws if any file were torn
  try {
    const ids = new Set(app.tokens.list().map((t) => t.id));
    for (const id of acknowledged) expect(ids.has(id), id).toBe(true);
    const audited = new Set(app.audit.list(100_000, 'token.create').map((r) => r.target));
    for (const id of acknowledged) expect(audited.has(id), id).toBe(true);
  } finally {
    app.close();
  }
});

it('the daemon killed with SIGKILL during REST writes restarts with every acknowledged token', async () => {
  const dataDir = tempDir();
  const admin = (await runCli(['token', 'create', '--description', 'driver'], { dataDir })).stdout.trim();
  const d = await spawnDaemon(dataDir);
  const acknowledged: string[] = [];
  let i = 0;
  const writers = Array.from({ length: 4 }, async () => {
    for (;;) {
      const id = `k-${i++}`;
      const res = await httpsRequest(`${d.url}/api/apiTokens/${id}`, {
        dataDir, method: 'PUT', headers: { Authorization: admin, 'Content-Type': 'application/json' }, body: '{}',
      }).catch(() => null);
      if (!res) return; // connection dropped by the kill
      if (res.status === 200) acknowledged.push(id);
    }
  });
  await sleep(700);
  d.child.kill('SIGKILL');
  await Promise.all(writers);
  expect(acknowledged.length).toBeGreaterThan(3);
  const restarted = await spawnDaemon(dataDir);
  try {
    const res = await httpsRequest(`${restarted.url}/api/apiTokens`, { dataDir, headers: { Authorization: admin } });
    expect(res.status).toBe(200);
    const ids = res.body.value.map((t: { id: string }) => t.id);
    for (const id of acknowledged) expect(ids, id).toContain(id);
  } finally {
    await stopDaemon(restarted);
  }
});

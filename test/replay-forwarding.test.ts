// `otsensor replay` sends what the forwarding rules queued (issue 6; spec §5.7): a lab replaying a
// capture sees the alerts at its receiver without a daemon; `--no-forward` only queues them. Real
// CLI processes, a real webhook receiver on 127.0.0.1, the bundled demo capture.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs, ROOT, runCli, tempDir } from './support/env.js';

afterAll(removeTempDirs);

const DEMO = join(ROOT, 'pcaps', 'demo', 'plant-demo.pcapng');

let server: Server | null = null;
afterEach(async () => {
  if (server) await new Promise((r) => { server!.closeAllConnections(); server!.close(r); });
  server = null;
});

async function receiver(): Promise<{ url: string; uuids: string[] }> {
  const uuids: string[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => { uuids.push((JSON.parse(body) as { uuid: string }).uuid); res.end('ok'); });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, uuids };
}

describe('otsensor replay and forwarding', () => {
  it('delivers every new alert to the rule’s receiver before it exits, and reports it', async () => {
    const rx = await receiver();
    const dataDir = tempDir();
    expect((await runCli(['forwarding', 'add', 'lab', '--webhook', rx.url], { dataDir })).code).toBe(0);
    const r = await runCli(['replay', '--json', '--learning', 'off', DEMO], { dataDir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { detection: { alerts: number }; forwarding: { sent: number; failed: number; queued: number } };
    expect(report.detection.alerts).toBeGreaterThan(0);
    expect(report.forwarding).toEqual({ sent: report.detection.alerts, failed: 0, dropped: 0, queued: 0 });
    const listed = JSON.parse((await runCli(['alerts', 'list', '--json'], { dataDir })).stdout) as Array<{ uuid?: string; id: number }>;
    expect(rx.uuids.length).toBe(report.detection.alerts);
    expect(new Set(rx.uuids).size).toBe(rx.uuids.length);
    expect(listed.length).toBe(report.detection.alerts);
    expect((await runCli(['forwarding', 'pending', '--json'], { dataDir })).stdout.trim()).toBe('[]');
  }, 60_000);

  it('--no-forward queues them for the daemon instead; a receiver that is down leaves them queued', async () => {
    const rx = await receiver();
    const dataDir = tempDir();
    await runCli(['forwarding', 'add', 'lab', '--webhook', rx.url], { dataDir });
    const quiet = await runCli(['replay', '--json', '--learning', 'off', '--no-forward', DEMO], { dataDir });
    const q = JSON.parse(quiet.stdout) as { detection: { alerts: number }; forwarding?: unknown };
    expect(q.forwarding).toBeUndefined();
    expect(rx.uuids).toEqual([]);
    expect((JSON.parse((await runCli(['forwarding', 'pending', '--json'], { dataDir })).stdout) as unknown[]).length).toBe(q.detection.alerts);

    const down = tempDir();
    await runCli(['forwarding', 'add', 'lab', '--webhook', 'http://127.0.0.1:9/hook'], { dataDir: down });
    const r = await runCli(['replay', '--learning', 'off', DEMO], { dataDir: down });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^forwarding: 0 sent, 1 failed, \d+ queued for the daemon$/m);
  }, 60_000);
});

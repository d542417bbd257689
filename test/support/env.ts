// Shared test helpers: temporary data dirs, the built CLI as a child process, an in-process daemon
// on an ephemeral loopback port, and an HTTPS client that trusts the daemon's own certificate.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequestRaw } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import request from 'supertest';
import { startDaemon, type Daemon, type IngestSpec } from '../../src/daemon.js';
import { SYSTEM } from '../../src/auth/context.js';
import type { RoleId } from '../../src/store/config-schema.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

const made: string[] = [];
export function tempDir(prefix = 'otsensor-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function removeTempDirs(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export interface CliResult { code: number | null; stdout: string; stderr: string }

/** Runs the built CLI (`dist/cli.js`, what `npx otsensor` runs) with its own data dir. */
export function runCli(args: string[], opts: { dataDir: string; input?: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, OTSENSOR_DATA_DIR: opts.dataDir, OTSENSOR_LOG_LEVEL: 'warn', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

export interface TestApp {
  daemon: Daemon;
  url: string;
  ca: string;
  adminPassword: string;
  /** A supertest request builder against the HTTPS server, trusting its certificate. */
  http: () => { get: (p: string) => request.Test; put: (p: string) => request.Test; post: (p: string) => request.Test; delete: (p: string) => request.Test };
  token: (role?: RoleId, owner?: string) => string;
  close: () => Promise<void>;
}

export async function startApp(dataDir = tempDir(), opts: { ingest?: IngestSpec } = {}): Promise<TestApp> {
  const daemon = await startDaemon({ dataDir, listen: '127.0.0.1:0', log: pino({ level: 'silent' }), ingest: opts.ingest ?? null });
  const url = daemon.urls.https!;
  const ca = daemon.certificate!;
  const agent = () => {
    const r = request(url);
    return {
      get: (p: string) => r.get(p).ca(ca),
      put: (p: string) => r.put(p).ca(ca),
      post: (p: string) => r.post(p).ca(ca),
      delete: (p: string) => r.delete(p).ca(ca),
    };
  };
  return {
    daemon, url, ca,
    adminPassword: daemon.appliance.bootstrapPassword!,
    http: agent,
    token: (role = 'admin', owner = 'admin') =>
      daemon.appliance.tokens.create({ description: `test ${role}`, owner, role }, SYSTEM).secret,
    close: () => daemon.close(),
  };
}

export interface SpawnedDaemon { child: ChildProcess; url: string; output: () => string }

/** Starts `otsensor run` as its own process and waits for its ready line. */
export function spawnDaemon(dataDir: string, extraArgs: string[] = []): Promise<SpawnedDaemon> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'run', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...extraArgs], {
      env: { ...process.env, OTSENSOR_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`daemon did not start:\n${out}`)); }, 30_000);
    const onData = (d: Buffer) => {
      out += d;
      for (const line of out.split('\n')) {
        if (!line.includes('"otsensor ready"')) continue;
        clearTimeout(timer);
        resolve({ child, url: (JSON.parse(line) as { https: string }).https, output: () => out });
        return;
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d));
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`daemon exited with ${code}:\n${out}`)); });
  });
}

export function stopDaemon(d: SpawnedDaemon, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (d.child.exitCode !== null) return resolve(d.child.exitCode);
    d.child.removeAllListeners('exit');
    d.child.once('exit', (code) => resolve(code));
    d.child.kill(signal);
  });
}

export interface HttpResult { status: number; body: any; headers: Record<string, string | string[] | undefined> }

/** One HTTPS request to a spawned daemon, trusting the certificate it generated in its data dir. */
export function httpsRequest(url: string, opts: { dataDir: string; method?: string; headers?: Record<string, string>; body?: string }): Promise<HttpResult> {
  const ca = readFileSync(join(opts.dataDir, 'tls', 'cert.pem'), 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpsRequestRaw(url, { method: opts.method ?? 'GET', headers: opts.headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        let body: unknown = text;
        try { body = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

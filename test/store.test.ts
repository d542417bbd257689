// The data directory and its stores: private permissions, migrations, and refusal (never repair) of
// corrupt or newer files, through the same openAppliance() the daemon and CLI use.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openAppliance } from '../src/appliance.js';
import { CorruptStoreError, NewerSchemaError } from '../src/store/errors.js';
import { LATEST_SCHEMA_VERSION } from '../src/store/migrations.js';
import { removeTempDirs, runCli, tempDir } from './support/env.js';

afterAll(removeTempDirs);

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('data directory', () => {
  it('is created 0700 with 0600 files, WAL and SHM included', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const app = await openAppliance(dir);
    app.tokens.create({ description: 'perm check', owner: 'admin' }, { actor: 'test' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['config.json', 'sensor.db', 'sensor.db-wal', 'sensor.db-shm', 'token.key']) {
      expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    }
    app.close();
  });

  it('tightens an existing directory that others could read', async () => {
    const dir = join(tempDir(), 'loose');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const app = await openAppliance(dir);
    expect(app.warnings.join()).toMatch(/set to 0700/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    app.close();
  });

  it('migrates the database to the latest schema version, and reopening is a no-op', async () => {
    const dir = tempDir();
    (await openAppliance(dir)).close();
    (await openAppliance(dir)).close();
    const db = new Database(join(dir, 'sensor.db'), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('creates the first admin once, across reopenings', async () => {
    const dir = tempDir();
    const first = await openAppliance(dir);
    expect(first.bootstrapPassword).toMatch(/.{20}/);
    first.close();
    const second = await openAppliance(dir);
    expect(second.bootstrapPassword).toBeNull();
    expect(second.users.list().map((u) => u.username)).toEqual(['admin']);
    second.close();
  });
});

describe('corrupt and newer files stop start-up and are left untouched', () => {
  async function prepared(): Promise<string> {
    const dir = tempDir();
    const app = await openAppliance(dir);
    app.tokens.create({ description: 'keep me', owner: 'admin' }, { actor: 'test' });
    app.close();
    return dir;
  }

  const cases: Array<[string, (dir: string) => string, RegExp, typeof CorruptStoreError | typeof NewerSchemaError]> = [
    ['config.json that is not JSON', (d) => { const p = join(d, 'config.json'); writeFileSync(p, readFileSync(p, 'utf8').slice(0, 200)); return p; }, /not valid JSON/, CorruptStoreError],
    ['an empty config.json', (d) => { const p = join(d, 'config.json'); writeFileSync(p, ''); return p; }, /the file is empty/, CorruptStoreError],
    ['config.json with a broken record', (d) => {
      const p = join(d, 'config.json');
      const c = JSON.parse(readFileSync(p, 'utf8'));
      c.tokens[0].role = 'superuser';
      writeFileSync(p, JSON.stringify(c));
      return p;
    }, /tokens\[0\] is not a valid token record/, CorruptStoreError],
    ['config.json from a newer otsensor', (d) => {
      const p = join(d, 'config.json');
      const c = JSON.parse(readFileSync(p, 'utf8'));
      c.schemaVersion = 99;
      writeFileSync(p, JSON.stringify(c));
      return p;
    }, /schema version 99, newer than/, NewerSchemaError],
    ['sensor.db that is not a database', (d) => { const p = join(d, 'sensor.db'); writeFileSync(p, Buffer.alloc(8192, 0x41)); return p; }, /file is not a database/, CorruptStoreError],
    ['sensor.db from a newer otsensor', (d) => {
      const p = join(d, 'sensor.db');
      const db = new Database(p);
      db.pragma('user_version = 99');
      db.close();
      return p;
    }, /schema version 99/, NewerSchemaError],
    ['a token.key of the wrong size', (d) => { const p = join(d, 'token.key'); writeFileSync(p, Buffer.alloc(5)); return p; }, /expected 32 bytes/, CorruptStoreError],
  ];

  for (const [name, damage, message, type] of cases) {
    it(name, async () => {
      const dir = await prepared();
      const path = damage(dir);
      const before = sha(path);
      const configBefore = sha(join(dir, 'config.json'));
      const err = await openAppliance(dir).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(type);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(path);
      expect(sha(path)).toBe(before);
      expect(sha(join(dir, 'config.json'))).toBe(configBefore);
    });
  }

  it('a missing token.key while tokens exist (every token would silently die)', async () => {
    const dir = await prepared();
    const { unlinkSync, existsSync } = await import('node:fs');
    unlinkSync(join(dir, 'token.key'));
    const err = await openAppliance(dir).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptStoreError);
    expect((err as Error).message).toMatch(/missing while config.json lists API tokens/);
    expect(existsSync(join(dir, 'token.key'))).toBe(false);
  });

  it('the daemon exits with the message and status 2, and the file stays as it was', async () => {
    const dir = await prepared();
    const p = join(dir, 'config.json');
    writeFileSync(p, '{"schemaVersion": 1, "users": [');
    const before = sha(p);
    const res = await runCli(['run', '--listen', '127.0.0.1:0'], { dataDir: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`otsensor: ${p} is corrupt`);
    expect(res.stderr).toMatch(/left untouched/);
    expect(sha(p)).toBe(before);
  });
});

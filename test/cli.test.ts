// The otsensor CLI as a user runs it (the built dist/cli.js that `npx otsensor` starts).
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs, runCli, tempDir } from './support/env.js';

afterAll(removeTempDirs);

describe('otsensor token', () => {
  const dataDir = tempDir();

  it('create prints the token alone on stdout, and the first-start admin password on stderr', async () => {
    const res = await runCli(['token', 'create', '--description', 'SIEM connector'], { dataDir });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ots_[0-9A-Za-z]{42}\n$/);
    expect(res.stderr).toMatch(/created user 'admin' \(Admin\) with password: \S{20}/);
    const again = await runCli(['token', 'create', '--description', 'second'], { dataDir });
    expect(again.stderr).not.toMatch(/password/);
  });

  it('create --json gives the details and the secret; list never shows secrets', async () => {
    const res = await runCli(['token', 'create', '--description', 'CMDB sync', '--role', 'read-only', '--expires-in', '30d', '--id', 'cmdb', '--json'], { dataDir });
    expect(res.code).toBe(0);
    const t = JSON.parse(res.stdout);
    expect(t).toMatchObject({ id: 'cmdb', description: 'CMDB sync', owner: 'admin', role: 'read-only', status: 'Generated', lastUsed: null });
    expect(Date.parse(t.expires) - Date.parse(t.created)).toBe(30 * 86_400_000);
    const list = await runCli(['token', 'list'], { dataDir });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+DESCRIPTION\s+OWNER\s+ROLE\s+CREATED\s+EXPIRES\s+LAST USED\s+STATUS/);
    expect(list.stdout).toMatch(/cmdb\s+CMDB sync\s+admin\s+Read Only\s+\S+\s+\S+\s+N\/A\s+Generated/);
    expect(list.stdout).not.toContain(t.token);
    const json = JSON.parse((await runCli(['token', 'list', '--json'], { dataDir })).stdout);
    expect(json.map((x: { id: string }) => x.id)).toContain('cmdb');
    expect(JSON.stringify(json)).not.toContain(t.token);
  });

  it('create --expires-in never is explicit; bad lifetimes and roles are refused', async () => {
    const never = JSON.parse((await runCli(['token', 'create', '--description', 'lab', '--expires-in', 'never', '--json'], { dataDir })).stdout);
    expect(never.expires).toBeNull();
    const badLife = await runCli(['token', 'create', '--description', 'x', '--expires-in', '5 days'], { dataDir });
    expect(badLife.code).toBe(1);
    expect(badLife.stderr).toMatch(/invalid lifetime/);
    const tooLong = await runCli(['token', 'create', '--description', 'x', '--expires-in', '2y'], { dataDir });
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/at most 366 days/);
    const badRole = await runCli(['token', 'create', '--description', 'x', '--role', 'root'], { dataDir });
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/unknown role 'root'/);
    const noDesc = await runCli(['token', 'create'], { dataDir });
    expect(noDesc.code).not.toBe(0);
    expect(noDesc.stderr).toMatch(/--description/);
  });

  it('revoke removes the token; revoking it again is an error', async () => {
    await runCli(['token', 'create', '--description', 'temp', '--id', 'temp'], { dataDir });
    const res = await runCli(['token', 'revoke', 'temp'], { dataDir });
    expect(res.code).toBe(0);
    expect((await runCli(['token', 'list'], { dataDir })).stdout).not.toMatch(/^temp\s/m);
    const again = await runCli(['token', 'revoke', 'temp'], { dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe("otsensor: token 'temp' does not exist\n");
  });

  it('a token for a Read Only owner cannot be Admin', async () => {
    await runCli(['user', 'add', 'ro', '--role', 'read-only', '--password-stdin'], { dataDir, input: 'ReadOnly#123\n' });
    const res = await runCli(['token', 'create', '--description', 'x', '--owner', 'ro', '--role', 'admin'], { dataDir });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cannot carry more than its owner's role/);
    const ok = JSON.parse((await runCli(['token', 'create', '--description', 'x', '--owner', 'ro', '--json'], { dataDir })).stdout);
    expect(ok.role).toBe('read-only');
  });
});

describe('otsensor user', () => {
  const dataDir = tempDir();

  it('add with --password-stdin, list, passwd, disable, enable, delete', async () => {
    let r = await runCli(['user', 'add', 'alice', '--role', 'Security Analyst', '--password-stdin'], { dataDir, input: 'Alice#2024x\nignored\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("created user 'alice' (Security Analyst)\n");
    r = await runCli(['user', 'list'], { dataDir });
    expect(r.stdout).toMatch(/alice\s+Security Analyst\s+enabled/);
    expect(r.stdout).toMatch(/admin\s+Admin\s+enabled/);
    r = await runCli(['user', 'passwd', 'alice', '--password-stdin'], { dataDir, input: 'Alice#2025y\n' });
    expect(r.code).toBe(0);
    r = await runCli(['user', 'disable', 'alice'], { dataDir });
    expect(r.code).toBe(0);
    const listed = JSON.parse((await runCli(['user', 'list', '--json'], { dataDir })).stdout);
    expect(listed.find((u: { username: string }) => u.username === 'alice')).toMatchObject({ role: 'security-analyst', disabled: true });
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|passwordHash/);
    expect((await runCli(['user', 'enable', 'alice'], { dataDir })).code).toBe(0);
    expect((await runCli(['user', 'delete', 'alice'], { dataDir })).code).toBe(0);
    expect((await runCli(['user', 'list'], { dataDir })).stdout).not.toContain('alice');
  });

  it('refuses weak passwords, duplicates, unknown roles and a missing password', async () => {
    let r = await runCli(['user', 'add', 'bob', '--role', 'read-only', '--password-stdin'], { dataDir, input: 'password\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/security policy: needs an upper-case letter, a digit, a symbol/);
    r = await runCli(['user', 'add', 'admin', '--role', 'read-only', '--password-stdin'], { dataDir, input: 'Good#pass123\n' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists/);
    r = await runCli(['user', 'add', 'bob', '--role', 'operator', '--password-stdin'], { dataDir, input: 'Good#pass123\n' });
    expect(r.stderr).toMatch(/unknown role/);
    r = await runCli(['user', 'add', 'bob', '--role', 'read-only'], { dataDir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/use --password-stdin/);
    r = await runCli(['user', 'passwd', 'nobody', '--password-stdin'], { dataDir, input: 'Good#pass123\n' });
    expect(r.stderr).toMatch(/user 'nobody' does not exist/);
  });

  it('will not disable or delete the last enabled admin', async () => {
    for (const verb of ['disable', 'delete']) {
      const r = await runCli(['user', verb, 'admin'], { dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/last enabled admin/);
    }
  });
});

describe('otsensor audit', () => {
  it('lists token and user changes newest first, as a table or JSON lines', async () => {
    const dataDir = tempDir();
    await runCli(['token', 'create', '--description', 'a', '--id', 'audited'], { dataDir });
    await runCli(['token', 'revoke', 'audited'], { dataDir });
    const table = await runCli(['audit'], { dataDir });
    expect(table.stdout).toMatch(/^TIME\s+ACTOR\s+ACTION/);
    const lines = (await runCli(['audit', '--json', '--action', 'token.'], { dataDir })).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.action)).toEqual(['token.revoke', 'token.create']);
    expect(lines[0]).toMatchObject({ target: 'audited', outcome: 'success', actor: expect.stringMatching(/^cli:/) });
    const bad = await runCli(['audit', '--limit', 'x'], { dataDir });
    expect(bad.code).toBe(1);
  });
});

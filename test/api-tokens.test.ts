// Token authentication and the /api/apiTokens management API (tokens.md), over HTTPS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/auth/context.js';
import { generateToken } from '../src/auth/token-format.js';
import { removeTempDirs, startApp, type TestApp } from './support/env.js';

let app: TestApp;
let admin: string;

beforeAll(async () => {
  app = await startApp();
  admin = app.token('admin');
  await app.daemon.appliance.users.add('analyst', 'security-analyst', 'Analyst#2024', SYSTEM);
});
afterAll(async () => { await app.close(); removeTempDirs(); });

/** Flips one character of the random part so the CRC32 tail no longer matches. */
function mistype(token: string): string {
  const i = 10;
  return token.slice(0, i) + (token[i] === 'a' ? 'b' : 'a') + token.slice(i + 1);
}

describe('token authentication', () => {
  it('accepts the raw token in Authorization, as real clients send it, and Bearer too', async () => {
    const raw = await app.http().get('/api/apiTokens').set('Authorization', admin);
    expect(raw.status).toBe(200);
    const bearer = await app.http().get('/api/apiTokens').set('Authorization', `Bearer ${admin}`);
    expect(bearer.status).toBe(200);
  });

  it('refuses a missing token with 401 JSON', async () => {
    const res = await app.http().get('/api/apiTokens');
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'missing API token: send it in the Authorization header' });
  });

  it('refuses a malformed token and a bad checksum before any lookup', async () => {
    const malformed = await app.http().get('/api/apiTokens').set('Authorization', '1234b734a9244d54ab8d40aedddcabcd');
    expect(malformed.status).toBe(401);
    expect(malformed.body.error).toBe('invalid API token');
    const typo = await app.http().get('/api/apiTokens').set('Authorization', mistype(admin));
    expect(typo.status).toBe(401);
    expect(typo.body.error).toMatch(/checksum mismatch/);
  });

  it('refuses a well-formed token that was never issued', async () => {
    const res = await app.http().get('/api/apiTokens').set('Authorization', generateToken());
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/unknown or revoked/);
  });

  it('refuses a token whose role is too low with 403 naming the role needed', async () => {
    for (const role of ['read-only', 'security-analyst'] as const) {
      const res = await app.http().get('/api/apiTokens').set('Authorization', app.token(role));
      expect(res.status).toBe(403);
      expect(res.body.error).toMatch(/needs the Admin role/);
    }
  });

  it('refuses an expired token with 401 but keeps it listed as Expired', async () => {
    const tokens = app.daemon.appliance.tokens;
    const { token, secret } = tokens.create({ id: 'short-lived', description: 'expires soon', owner: 'admin', expires: new Date(Date.now() + 1500) }, SYSTEM);
    expect((await app.http().get('/api/apiTokens').set('Authorization', secret)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    const res = await app.http().get('/api/apiTokens').set('Authorization', secret);
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/expired/);
    expect(tokens.get(token.id).status).toBe('Expired');
  });

  it("refuses a disabled owner's tokens with 403 and serves them again once re-enabled", async () => {
    const users = app.daemon.appliance.users;
    await users.add('temp-admin', 'admin', 'TempAdmin#1', SYSTEM);
    const secret = app.token('admin', 'temp-admin');
    users.setDisabled('temp-admin', true, SYSTEM);
    const res = await app.http().get('/api/apiTokens').set('Authorization', secret);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/disabled/);
    users.setDisabled('temp-admin', false, SYSTEM);
    expect((await app.http().get('/api/apiTokens').set('Authorization', secret)).status).toBe(200);
  });

  it("refuses a deleted owner's tokens with 403 and keeps them on record", async () => {
    const users = app.daemon.appliance.users;
    await users.add('leaver', 'admin', 'Leaver#2024', SYSTEM);
    const { token, secret } = app.daemon.appliance.tokens.create({ description: 'leaver token', owner: 'leaver' }, SYSTEM);
    users.delete('leaver', SYSTEM);
    const res = await app.http().get('/api/apiTokens').set('Authorization', secret);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatch(/no longer exists/);
    const list = await app.http().get('/api/apiTokens').set('Authorization', admin);
    expect(list.body.value.map((t: { id: string }) => t.id)).toContain(token.id);
  });

  it('never lets a token carry more than its owner: creation above the owner is refused', () => {
    expect(() => app.daemon.appliance.tokens.create({ description: 'x', owner: 'analyst', role: 'admin' }, SYSTEM))
      .toThrow(/cannot carry more than its owner's role/);
  });

  it('records use: last used time, client and user agent, and status Active', async () => {
    const { token, secret } = app.daemon.appliance.tokens.create({ description: 'usage', owner: 'admin' }, SYSTEM);
    expect(app.daemon.appliance.tokens.get(token.id)).toMatchObject({ status: 'Generated', lastUsed: null });
    await app.http().get('/api/apiTokens').set('Authorization', secret).set('User-Agent', 'siem-connector/1.0');
    const view = app.daemon.appliance.tokens.get(token.id);
    expect(view.status).toBe('Active');
    expect(view.lastUsedFrom).toBe('127.0.0.1');
    expect(view.lastUserAgent).toBe('siem-connector/1.0');
    app.daemon.appliance.tokens.flushUsage();
    const stored = app.daemon.appliance.config.data.tokens.find((t) => t.id === token.id)!;
    expect(stored.lastUsed).toBe(view.lastUsed);
  });

  it('audits refusals, at most once a minute per reason and client', async () => {
    const unknown = generateToken();
    for (let i = 0; i < 3; i++) await app.http().get('/api/apiTokens').set('Authorization', unknown);
    const rows = app.daemon.appliance.audit.list(500, 'token.refused').filter((r) => r.detail?.reason === 'unknown');
    expect(rows).toHaveLength(1);
  });
});

describe('/api/apiTokens management (IoT Central shape)', () => {
  it('creates a token with PUT, shows the secret once, and never again', async () => {
    const res = await app.http().put('/api/apiTokens/ci-reader?api-version=2022-07-31').set('Authorization', admin)
      .send({ roles: [{ role: 'read-only' }], expiry: new Date(Date.now() + 30 * 86_400_000).toISOString(), description: 'CI reader' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 'ci-reader', roles: [{ role: 'read-only' }], description: 'CI reader', owner: 'admin', status: 'Generated', lastUsed: null });
    expect(res.body.token).toMatch(/^ots_[0-9A-Za-z]{42}$/);
    const get = await app.http().get('/api/apiTokens/ci-reader').set('Authorization', admin);
    expect(get.status).toBe(200);
    expect(get.body.token).toBeUndefined();
    expect(JSON.stringify(get.body)).not.toContain(res.body.token);
    const list = await app.http().get('/api/apiTokens').set('Authorization', admin);
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
    // The new token works with its own role.
    expect((await app.http().get('/api/apiTokens').set('Authorization', res.body.token)).status).toBe(403);
  });

  it('stores only a hash: the secret appears nowhere in config.json', async () => {
    const res = await app.http().put('/api/apiTokens/hash-check').set('Authorization', admin).send({});
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(app.daemon.appliance.config.path, 'utf8');
    expect(file).toContain('"hash-check"');
    expect(file).not.toContain(res.body.token);
  });

  it('answers 409 for an id that exists, 404 for one that does not', async () => {
    const dup = await app.http().put('/api/apiTokens/ci-reader').set('Authorization', admin).send({ roles: [{ role: 'read-only' }] });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: "token 'ci-reader' already exists" });
    const missing = await app.http().get('/api/apiTokens/nope').set('Authorization', admin);
    expect(missing.status).toBe(404);
    expect((await app.http().delete('/api/apiTokens/nope').set('Authorization', admin)).status).toBe(404);
  });

  it('validates the body: roles, expiry, JSON', async () => {
    const cases: Array<[string, unknown]> = [
      ['unknown role', { roles: [{ role: 'operator' }] }],
      ['two roles', { roles: [{ role: 'admin' }, { role: 'read-only' }] }],
      ['past expiry', { expiry: '2001-01-01T00:00:00Z' }],
      ['expiry beyond the maximum', { expiry: new Date(Date.now() + 400 * 86_400_000).toISOString() }],
      ['not a time', { expiry: 'tomorrow' }],
    ];
    for (const [name, body] of cases) {
      const res = await app.http().put(`/api/apiTokens/bad-${cases.findIndex((c) => c[0] === name)}`).set('Authorization', admin).send(body as object);
      expect(res.status, name).toBe(400);
      expect(typeof res.body.error, name).toBe('string');
    }
    const badJson = await app.http().put('/api/apiTokens/bad-json').set('Authorization', admin).set('Content-Type', 'application/json').send('{"roles": [');
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toMatch(/not valid JSON/);
  });

  it('accepts "never" as an explicit no-expiry', async () => {
    const res = await app.http().put('/api/apiTokens/forever').set('Authorization', admin).send({ expiry: 'never' });
    expect(res.status).toBe(200);
    expect(res.body.expiry).toBeNull();
  });

  it('revokes with DELETE: 204, then the token is refused at once', async () => {
    const made = await app.http().put('/api/apiTokens/to-revoke').set('Authorization', admin).send({ roles: [{ role: 'admin' }] });
    expect((await app.http().get('/api/apiTokens').set('Authorization', made.body.token)).status).toBe(200);
    const del = await app.http().delete('/api/apiTokens/to-revoke').set('Authorization', admin);
    expect(del.status).toBe(204);
    const after = await app.http().get('/api/apiTokens').set('Authorization', made.body.token);
    expect(after.status).toBe(401);
    expect(app.daemon.appliance.audit.list(100, 'token.revoke').some((r) => r.target === 'to-revoke')).toBe(true);
  });
});

describe('HTTP conventions (wire-format §3)', () => {
  it('collapses repeated slashes and accepts a trailing slash', async () => {
    for (const p of ['//api/apiTokens', '/api//apiTokens/', '/api/apiTokens/']) {
      expect((await app.http().get(p).set('Authorization', admin)).status, p).toBe(200);
    }
  });

  it('answers unknown paths with 404 JSON', async () => {
    const res = await app.http().get('/api/v9/nothing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: 'no such endpoint: GET /api/v9/nothing' });
  });

  it('serves /healthz without auth', async () => {
    const res = await app.http().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ready', version: expect.stringMatching(/^\d+\.\d+\.\d+/), ingest: { state: 'idle' } });
    expect(typeof res.body.uptimeSeconds).toBe('number');
  });
});

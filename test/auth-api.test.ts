// The sensor auth APIs over HTTPS (spec §1.1-1.3): both path prefixes, JSON and form bodies, the
// documented success and error bodies, role rules, and throttling of failed attempts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/auth/context.js';
import { removeTempDirs, startApp, type TestApp } from './support/env.js';

let app: TestApp;
const ANALYST_PW = 'Analyst#2024';
const VIEWER_PW = 'Viewer#2024a';
const ADMIN2_PW = 'Second#Admin1';

beforeAll(async () => {
  app = await startApp();
  const users = app.daemon.appliance.users;
  await users.add('analyst', 'security-analyst', ANALYST_PW, SYSTEM);
  await users.add('viewer', 'read-only', VIEWER_PW, SYSTEM);
  await users.add('admin2', 'admin', ADMIN2_PW, SYSTEM);
});
afterAll(async () => {
  await app.close();
  removeTempDirs();
});

describe('POST validation (§1.1)', () => {
  it('accepts the right password on both prefixes, with JSON content type', async () => {
    for (const path of ['/api/external/authentication/validation', '/external/authentication/validation']) {
      const res = await app.http().post(path).set('Content-Type', 'application/json')
        .send(JSON.stringify({ username: 'viewer', password: VIEWER_PW }));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ msg: 'Authentication succeeded.' });
    }
  });

  it('accepts a form-encoded body and a JSON body sent as curl -d sends it (form content type)', async () => {
    const form = await app.http().post('/api/external/authentication/validation').type('form')
      .send(`username=analyst&password=${encodeURIComponent(ANALYST_PW)}`);
    expect(form.status).toBe(200);
    const curlStyle = await app.http().post('/api/external/authentication/validation')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(JSON.stringify({ username: 'analyst', password: ANALYST_PW }));
    expect(curlStyle.status).toBe(200);
    expect(curlStyle.body).toEqual({ msg: 'Authentication succeeded.' });
  });

  it('ignores an Authorization header as the doc curl sends one', async () => {
    const res = await app.http().post('/api/external/authentication/validation').set('Authorization', 'garbage')
      .send({ username: 'viewer', password: VIEWER_PW });
    expect(res.status).toBe(200);
  });

  it('answers a wrong password, an unknown user and a disabled user alike', async () => {
    await app.daemon.appliance.users.add('gone', 'read-only', 'Gone#user1', SYSTEM);
    app.daemon.appliance.users.setDisabled('gone', true, SYSTEM);
    for (const [username, password] of [['viewer', 'Wrong#pass1'], ['nobody', 'Wrong#pass1'], ['gone', 'Gone#user1']]) {
      const res = await app.http().post('/api/external/authentication/validation').send({ username, password });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: { userDisplayErrorMessage: 'Credentials validation failed' } });
    }
  });

  it('rejects bad JSON and missing fields with 400 in the auth error shape', async () => {
    const bad = await app.http().post('/api/external/authentication/validation').set('Content-Type', 'application/json').send('{"username": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error.userDisplayErrorMessage).toMatch(/not valid JSON/);
    const missing = await app.http().post('/external/authentication/validation').send({ username: 'viewer' });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: { userDisplayErrorMessage: "missing field 'password'" } });
    const array = await app.http().post('/external/authentication/validation').set('Content-Type', 'application/json').send('[1]');
    expect(array.status).toBe(400);
  });

  it('records logins in the audit trail without the password', async () => {
    const rows = app.daemon.appliance.audit.list(200, 'login.');
    expect(rows.some((r) => r.action === 'login.success' && r.target === 'viewer')).toBe(true);
    expect(rows.some((r) => r.action === 'login.failure' && r.detail?.reason === 'no such user')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(VIEWER_PW);
  });
});

describe('POST set_password (§1.2)', () => {
  it('lets any role change its own password, on both prefixes', async () => {
    await app.daemon.appliance.users.add('changer', 'read-only', 'Changer#001', SYSTEM);
    let res = await app.http().post('/api/external/authentication/set_password')
      .send({ username: 'changer', password: 'Changer#001', new_password: 'Changer#002' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ msg: 'Password has been replaced' });
    res = await app.http().post('/external/authentication/set_password')
      .send({ username: 'changer', password: 'Changer#002', new_password: 'Changer#003' });
    expect(res.status).toBe(200);
    const old = await app.http().post('/api/external/authentication/validation').send({ username: 'changer', password: 'Changer#002' });
    expect(old.status).toBe(401);
    const now = await app.http().post('/api/external/authentication/validation').send({ username: 'changer', password: 'Changer#003' });
    expect(now.status).toBe(200);
  });

  it('refuses a wrong current password', async () => {
    const res = await app.http().post('/api/external/authentication/set_password')
      .send({ username: 'analyst', password: 'Nope#12345', new_password: 'Analyst#2025' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { userDisplayErrorMessage: 'User authentication failure' } });
  });

  it('refuses a new password that breaks the policy, saying why', async () => {
    for (const weak of ['short1!', 'alllowercase1!', 'ALLUPPERCASE1!', 'NoDigits!!', 'NoSymbols123']) {
      const res = await app.http().post('/api/external/authentication/set_password')
        .send({ username: 'analyst', password: ANALYST_PW, new_password: weak });
      expect(res.status, weak).toBe(400);
      expect(res.body.error.userDisplayErrorMessage).toBe('Password does not match security policy');
      expect(res.body.error.internalSystemErrorMessage).toMatch(/needs/);
    }
  });
});

describe('POST set_password_by_admin (§1.3)', () => {
  const path = '/api/external/authentication/set_password_by_admin';

  it('lets an Admin reset a Read Only user, also with the curl spelling admin_user', async () => {
    let res = await app.http().post(path)
      .send({ admin_username: 'admin', admin_password: app.adminPassword, username: 'viewer', new_password: 'Viewer#2025b' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ msg: 'Password has been replaced' });
    res = await app.http().post('/external/authentication/set_password_by_admin')
      .send({ admin_user: 'admin', admin_password: app.adminPassword, username: 'viewer', new_password: VIEWER_PW });
    expect(res.status).toBe(200);
    const ok = await app.http().post('/api/external/authentication/validation').send({ username: 'viewer', password: VIEWER_PW });
    expect(ok.status).toBe(200);
  });

  it('refuses wrong admin credentials', async () => {
    const res = await app.http().post(path)
      .send({ admin_username: 'admin', admin_password: 'Wrong#pass1', username: 'viewer', new_password: 'Viewer#2025c' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { userDisplayErrorMessage: 'User authentication failure' } });
  });

  it('refuses a caller who is not an Admin', async () => {
    const res = await app.http().post(path)
      .send({ admin_username: 'analyst', admin_password: ANALYST_PW, username: 'viewer', new_password: 'Viewer#2025c' });
    expect(res.status).toBe(403);
    expect(res.body.error.userDisplayErrorMessage).toBe('User does not have the permissions to change password');
  });

  it("refuses to change another Admin's password", async () => {
    const res = await app.http().post(path)
      .send({ admin_username: 'admin', admin_password: app.adminPassword, username: 'admin2', new_password: 'Another#Adm1' });
    expect(res.status).toBe(403);
    expect(res.body.error.userDisplayErrorMessage).toBe('User does not have the permissions to change password');
    const still = await app.http().post('/api/external/authentication/validation').send({ username: 'admin2', password: ADMIN2_PW });
    expect(still.status).toBe(200);
  });

  it('names a user that does not exist, in the documented shape', async () => {
    const res = await app.http().post(path)
      .send({ admin_username: 'admin', admin_password: app.adminPassword, username: 'test_user', new_password: 'Whatever#123' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: {
      userDisplayErrorMessage: "The user 'test_user' doesn't exist",
      internalSystemErrorMessage: "The user 'test_user' doesn't exist",
    } });
  });

  it('refuses a new password that breaks the policy', async () => {
    const res = await app.http().post(path)
      .send({ admin_username: 'admin', admin_password: app.adminPassword, username: 'viewer', new_password: 'weak' });
    expect(res.status).toBe(400);
    expect(res.body.error.userDisplayErrorMessage).toBe("Password doesn't match security policy");
  });
});

describe('throttling of failed attempts', () => {
  it('locks a user name out after 5 failures with 429 and Retry-After, even for the right password', async () => {
    await app.daemon.appliance.users.add('victim', 'read-only', 'Victim#2024', SYSTEM);
    for (let i = 0; i < 5; i++) {
      const res = await app.http().post('/api/external/authentication/validation').send({ username: 'victim', password: `Guess#${i}xyz` });
      expect(res.status).toBe(401);
    }
    const locked = await app.http().post('/api/external/authentication/validation').send({ username: 'victim', password: 'Victim#2024' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.headers['content-type']).toMatch(/^application\/json/);
    expect(locked.body.error.userDisplayErrorMessage).toMatch(/Too many failed attempts/);
    // The lockout is per user name: another user from the same client still gets in.
    const other = await app.http().post('/api/external/authentication/validation').send({ username: 'analyst', password: ANALYST_PW });
    expect(other.status).toBe(200);
    expect(app.daemon.appliance.audit.list(50, 'login.throttled').some((r) => r.target === 'victim')).toBe(true);
  });
});

// Per-client throttling: one address spraying many user names is locked out as a whole.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { removeTempDirs, startApp, type TestApp } from './support/env.js';

let app: TestApp;
beforeAll(async () => { app = await startApp(); });
afterAll(async () => { await app.close(); removeTempDirs(); });

it('locks a client out after 20 failures across different user names', async () => {
  for (let i = 0; i < 20; i++) {
    const res = await app.http().post('/api/external/authentication/validation').send({ username: `spray${i}`, password: 'Spray#2024' });
    expect(res.status).toBe(401);
  }
  const res = await app.http().post('/api/external/authentication/validation').send({ username: 'admin', password: app.adminPassword });
  expect(res.status).toBe(429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
});

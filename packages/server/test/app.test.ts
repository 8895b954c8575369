import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { InvalidField } from '../src/errors/platform.js';
import { MemoryKv, systemClock } from '../src/storage/kv/index.js';
import { type TestDatabase, openTestDatabase } from './backends.js';

describe('the app', () => {
  let database: TestDatabase;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), {
      storage: database.storage,
      kv: new MemoryKv(),
      clock: systemClock,
    });
    // a route that fails on purpose, to see both error conventions
    app.get('/test/invalid', async () => {
      throw new InvalidField('amount', 'must be positive');
    });
    app.get('/test/crash', async () => {
      throw new Error('boom');
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.cleanup();
  });

  it('answers /healthz and /readyz', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready' });
  });

  it('reports a real HTTP status without X-Request-Id', async () => {
    const response = await app.inject('/test/invalid');
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: {
        status: 202,
        code: 10002,
        description: 'amount: must be positive',
        extra: { field: 'amount', reason: 'must be positive' },
      },
    });
  });

  it('answers HTTP 202 with the envelope and echoes the id when X-Request-Id is sent (Mixin)', async () => {
    const id = '3a5f1c2e-0000-4000-8000-000000000001';
    const response = await app.inject({ url: '/test/invalid', headers: { 'x-request-id': id } });
    expect(response.statusCode).toBe(202);
    expect(response.headers['x-request-id']).toBe(id);
    expect(response.json().error).toMatchObject({ code: 10002, request_id: id });
  });

  it('keeps HTTP 500 for server faults even with X-Request-Id, without leaking the cause', async () => {
    const response = await app.inject({ url: '/test/crash', headers: { 'x-request-id': 'r-1' } });
    expect(response.statusCode).toBe(500);
    expect(response.json().error).toMatchObject({ code: 500, description: 'Internal Server Error.' });
    expect(response.body).not.toContain('boom');
  });

  it('answers an unknown route with a 404 envelope', async () => {
    const response = await app.inject('/no/such/route');
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toMatchObject({ code: 404 });
  });

  it('says not ready when the database is gone', async () => {
    const other = await openTestDatabase();
    const lonely = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), {
      storage: other.storage,
      kv: new MemoryKv(),
      clock: systemClock,
    });
    await other.cleanup();
    const response = await lonely.inject('/readyz');
    expect(response.statusCode).toBe(503);
    await lonely.close();
  });
});

describe('Strict-Transport-Security', () => {
  let database: TestDatabase;
  const apps: FastifyInstance[] = [];
  const build = async (issuer: string) => {
    const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ISSUER: issuer }), {
      storage: database.storage,
      kv: new MemoryKv(),
      clock: systemClock,
    });
    apps.push(app);
    return app;
  };
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await database?.cleanup();
  });

  // a page, an API answer, an error in each dialect, a 404, a static file and a redirect
  const answers = (app: FastifyInstance) =>
    Promise.all([
      app.inject('/signin'),
      app.inject('/healthz'),
      app.inject('/.well-known/oauth-authorization-server'),
      app.inject({
        method: 'POST',
        url: '/oauth/token',
        payload: 'grant_type=nope',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      app.inject({ url: '/me', headers: { 'x-request-id': '5b3c2a0e-1f5e-4a57-9f44-0f6d8c9b1e2a' } }),
      app.inject('/no/such/route'),
      app.inject('/static/signet.css'),
      app.inject('/dashboard'),
    ]);

  it('is on every answer for a year, without includeSubDomains, when ISSUER is https', async () => {
    const responses = await answers(await build('https://auth.example.com'));
    expect(responses.map((response) => response.statusCode)).toEqual([200, 200, 200, 400, 202, 404, 200, 303]);
    for (const response of responses) expect(response.headers['strict-transport-security']).toBe('max-age=31536000');
  });

  it('is never sent when ISSUER is http', async () => {
    for (const response of await answers(await build('http://localhost:8080'))) {
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
  });
});

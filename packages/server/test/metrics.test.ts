import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResourceFixture, resourceFixture } from './resource-fixture.js';
import { sample } from './metrics-text.js';
import { sessionClaims, signJws } from './signing.js';
import { type TokenFixture, postForm, tokenFixture } from './token-fixture.js';

const EDDSA = { alg: 'EdDSA', typ: 'JWT' };
const SCRAPE_TOKEN = 'scrape-token-for-the-metrics-test';

describe('GET /metrics', () => {
  let f: ResourceFixture;
  beforeAll(async () => {
    f = await resourceFixture(undefined, { METRICS: 'open' });
  });
  afterAll(async () => f?.close());

  const scrape = async () => {
    const response = await f.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    return response.body;
  };
  const requests = (text: string, method: string, route: string, status: number) =>
    sample(text, 'signet_http_requests_total', { method, route, status: String(status) }) ?? 0;

  it('answers in the Prometheus text format, with the process metrics', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.body).toContain('# TYPE signet_http_requests_total counter');
    expect(response.body).toContain('# TYPE signet_http_request_duration_seconds histogram');
    expect(sample(response.body, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(response.body, 'process_cpu_seconds_total')).toBeGreaterThanOrEqual(
      sample(response.body, 'process_cpu_user_seconds_total') ?? Infinity,
    );
    expect(sample(response.body, 'process_resident_memory_bytes')).toBeGreaterThan(1 << 20);
    expect(sample(response.body, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(sample(response.body, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(response.body, 'process_start_time_seconds')).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('counts requests by route pattern and status, and times them', async () => {
    const before = await scrape();
    for (let i = 0; i < 3; i++) expect((await f.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // two different ids, one route label
    const token = await f.clientCredentialsToken(f.confidential);
    for (const id of [f.reader.user_id, randomUUID()]) {
      await f.app.inject({ method: 'GET', url: `/users/${id}`, headers: { authorization: `Bearer ${token}` } });
    }
    const after = await scrape();
    expect(requests(after, 'GET', '/healthz', 200) - requests(before, 'GET', '/healthz', 200)).toBe(3);
    const byId = ['200', '403', '404']
      .map((status) => requests(after, 'GET', '/users/:id', Number(status)))
      .reduce((a, b) => a + b, 0);
    expect(byId).toBe(2);
    expect(after).not.toContain(f.reader.user_id);
    const timed = (text: string) =>
      sample(text, 'signet_http_request_duration_seconds_count', { method: 'GET', route: '/healthz' }) ?? 0;
    expect(timed(after) - timed(before)).toBe(3);
    expect(
      sample(after, 'signet_http_request_duration_seconds_bucket', { method: 'GET', route: '/healthz', le: '+Inf' }),
    ).toBe(timed(after));
  });

  it('puts every unmatched path under one label', async () => {
    const before = await scrape();
    for (const path of ['/no/such/page', '/wp-admin.php', `/${randomUUID()}`]) {
      expect((await f.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
    }
    const after = await scrape();
    expect(requests(after, 'GET', 'unmatched', 404) - requests(before, 'GET', 'unmatched', 404)).toBe(3);
    expect(after).not.toContain('wp-admin');
  });

  it('counts tokens issued by grant type', async () => {
    const issued = (text: string, grant: string) =>
      sample(text, 'signet_tokens_issued_total', { grant_type: grant }) ?? 0;
    const before = await scrape();
    await f.clientCredentialsToken(f.confidential);
    await f.bearerToken(f.confidential, ['PROFILE:READ']);
    await f.oauthKeystore(f.confidential, ['PROFILE:READ']);
    const refused = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { clientId: f.confidential.clientId, secret: 'wrong' },
    );
    expect(refused.statusCode).toBe(401);
    const after = await scrape();
    expect(issued(after, 'client_credentials') - issued(before, 'client_credentials')).toBe(1);
    expect(issued(after, 'authorization_code') - issued(before, 'authorization_code')).toBe(1);
    expect(issued(after, 'platform_code') - issued(before, 'platform_code')).toBe(1);
  });

  it('counts refused tokens by the reason the verifier gave', async () => {
    const refusals = (text: string, reason: string) =>
      sample(text, 'signet_token_verification_failures_total', { reason }) ?? 0;
    const before = await scrape();
    const now = Math.floor(f.clock.now() / 1000);
    const token = signJws(EDDSA, sessionClaims(f.session, 'GET', '/me', '', now), f.session.session_private_key);
    const me = (authorization?: string) =>
      f.app.inject({ method: 'GET', url: '/me', headers: authorization ? { authorization } : {} });
    expect((await me(`Bearer ${token}`)).statusCode).toBe(200);
    expect((await me(`Bearer ${token}`)).statusCode).toBe(401);
    expect((await me()).statusCode).toBe(401);
    const forged = signJws(EDDSA, sessionClaims(f.session, 'GET', '/me', '', now), '11'.repeat(32));
    expect((await me(`Bearer ${forged}`)).statusCode).toBe(401);
    const after = await scrape();
    expect(refusals(after, 'replay') - refusals(before, 'replay')).toBe(1);
    expect(refusals(after, 'missing') - refusals(before, 'missing')).toBe(1);
    expect(refusals(after, 'signature') - refusals(before, 'signature')).toBe(1);
    expect(requests(after, 'GET', '/me', 401) - requests(before, 'GET', '/me', 401)).toBe(3);
  });

  it('counts a subject token the token exchange refuses', async () => {
    const before = sample(await scrape(), 'signet_token_verification_failures_total', { reason: 'malformed' }) ?? 0;
    const response = await postForm(
      f.app,
      '/oauth/token',
      {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: 'not-a-jws',
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
      },
      f.confidential,
    );
    expect(response.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sample(await scrape(), 'signet_token_verification_failures_total', { reason: 'malformed' })).toBe(
      before + 1,
    );
  });

  it('keeps each app’s counts to itself', async () => {
    const other = await tokenFixture({ METRICS: 'open' });
    try {
      await other.app.inject({ method: 'GET', url: '/healthz' });
      const mine = await scrape();
      const theirs = (await other.app.inject({ method: 'GET', url: '/metrics' })).body;
      expect(requests(theirs, 'GET', '/healthz', 200)).toBe(1);
      expect(requests(mine, 'GET', '/healthz', 200)).toBeGreaterThan(1);
    } finally {
      await other.close();
    }
  });
});

describe('GET /metrics, configured', () => {
  const fixtures: TokenFixture[] = [];
  const start = async (env: Record<string, string>) => {
    const fixture = await tokenFixture(env);
    fixtures.push(fixture);
    return fixture;
  };
  afterAll(async () => {
    for (const fixture of fixtures) await fixture.close();
  });

  it('is not served with METRICS=off', async () => {
    const f = await start({ METRICS: 'off' });
    expect((await f.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
  });

  it('is closed by default: 403 in the platform format, saying what to set, and no metrics', async () => {
    const f = await start({});
    for (const headers of [{}, { authorization: 'Bearer anything-at-all-of-length' }]) {
      const refused = await f.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({
        error: {
          status: 202,
          code: 403,
          description:
            'Forbidden: /metrics is closed. Set METRICS_TOKEN and scrape with Authorization: Bearer <token>, or set METRICS=open to serve it to anyone.',
        },
      });
      expect(refused.body).not.toContain('signet_http_requests_total');
    }
  });

  it('serves anyone with METRICS=open', async () => {
    const f = await start({ METRICS: 'open' });
    const response = await f.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('signet_http_requests_total');
  });

  it('asks for METRICS_TOKEN as a bearer token when one is set', async () => {
    const f = await start({ METRICS_TOKEN: SCRAPE_TOKEN });
    const get = (authorization?: string) =>
      f.app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
    const missing = await get();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(missing.body).not.toContain('signet_http_requests_total');
    expect((await get(`Bearer ${SCRAPE_TOKEN}x`)).statusCode).toBe(401);
    expect((await get(`Basic ${Buffer.from(`x:${SCRAPE_TOKEN}`).toString('base64')}`)).statusCode).toBe(401);
    const allowed = await get(`Bearer ${SCRAPE_TOKEN}`);
    expect(allowed.statusCode).toBe(200);
    expect(allowed.body).toContain('signet_http_requests_total');
  });
});

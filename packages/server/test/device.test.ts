import { createHash, randomBytes } from 'node:crypto';
import { MixinApi } from '@mixin.dev/mixin-node-sdk';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import { createUser } from '../src/accounts/service.js';
import { buildApp } from '../src/app.js';
import { createApp } from '../src/apps/service.js';
import { loadConfig } from '../src/config/load.js';
import { type Kv, MemoryKv, RedisKv, SqlKv } from '../src/storage/kv/index.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { type TestDatabase, openTestDatabase, openTestStorage, redisUrl } from './backends.js';
import { TestClock } from './clock.js';
import { HttpBrowser, nextDecision, openPendingRequest } from './http-browser.js';

const REDIRECT = 'https://client.example/cb';

describe('approval from a device (QR flow)', () => {
  let database: TestDatabase;
  let second: Awaited<ReturnType<typeof openTestStorage>>;
  let kvs: Kv[] = [];
  let apps: FastifyInstance[] = [];
  let urls: string[] = [];
  let keystore: Keystore;
  let clientId: string;
  let clientSecret: string;
  const clock = new TestClock(Date.now());
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const query = () =>
    new URLSearchParams({
      client_id: clientId,
      redirect_uri: REDIRECT,
      scope: 'PROFILE:READ PHONE:READ',
      state: 'st-1',
      code_challenge: challenge,
    }).toString();

  beforeAll(async () => {
    database = await openTestDatabase();
    // two instances sharing one database and one kv store, as two processes would
    second = await openTestStorage(database.env.DATABASE_URL ?? '', {
      schema: database.env.DATABASE_SCHEMA || undefined,
    });
    const prefix = `device-test-${randomBytes(4).toString('hex')}:`;
    kvs = redisUrl
      ? [new RedisKv(redisUrl, prefix), new RedisKv(redisUrl, prefix)]
      : [new SqlKv(database.storage, clock), new SqlKv(second, clock)];
    for (const kv of kvs) if (kv instanceof RedisKv) await kv.connect();
    for (const [i, storage] of [database.storage, second].entries()) {
      const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { storage, kv: kvs[i] ?? new MemoryKv(), clock });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      apps.push(app);
      urls.push(url);
    }
    const db = database.storage.db;
    const user = await createUser({ db, clock }, { username: 'phone-owner', password: 'long enough' });
    keystore = await createKeystore({ db, clock }, user.user_id, (await serverKeyPair(database.storage)).publicKey);
    const created = await createApp({ db, clock }, { ownerId: user.user_id, name: 'TV App', redirectUris: [REDIRECT] });
    clientId = created.app.client_id;
    clientSecret = created.clientSecret ?? '';
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const kv of kvs) await kv.close();
    await second?.close();
    await database?.cleanup();
    apps = [];
    urls = [];
  });

  const sdk = (base: string) => MixinApi({ keystore: { ...keystore }, requestConfig: { baseURL: base, retry: 0 } });

  it('shows a QR code of <issuer>/codes/<code_id> with the same URL as a link', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { codeId, page } = await openPendingRequest(browser, query());
    expect(page).toContain('<svg');
    expect(page).toContain(`href="http://localhost:8080/codes/${codeId}"`);
    expect(page).toMatch(/<script src="\/static\/device-wait.js"/);
    expect(page).not.toMatch(/<script>(?!<)/);
  });

  it('lets the real Mixin SDK fetch and approve the request; the waiting browser on another instance gets the code', async () => {
    const browser = new HttpBrowser(urls[1] ?? '');
    const { codeId, authorizationId } = await openPendingRequest(browser, query());
    const phone = sdk(urls[0] ?? '');

    const view = await phone.code.fetch(codeId);
    expect(view).toMatchObject({
      type: 'authorization',
      authorization_id: authorizationId,
      code_id: codeId,
      scopes: ['PROFILE:READ', 'PHONE:READ'],
    });
    expect((view as unknown as { app: { app_id: string; name: string } }).app).toMatchObject({
      app_id: clientId,
      name: 'TV App',
    });
    // the cross-device context rides along in the SDK's answer; the fields it reads are unchanged
    const context = view as unknown as {
      created_at: string;
      requester: unknown;
      match_code: string;
      warnings: string[];
    };
    expect(context.requester).toEqual({
      ip: '127.0.0.1',
      device: 'an unknown device',
      created_at: context.created_at,
      same_network: true,
    });
    expect(context.match_code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}$/);
    expect(context.warnings).toEqual([]);

    const waiting = nextDecision(browser, authorizationId);
    const approved = await phone.oauth.authorize({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] });
    expect(approved.scopes).toEqual(['PROFILE:READ']);
    const decision = await waiting;
    expect(decision.state).toBe('done');
    const redirect = new URL(decision.redirect ?? '');
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe('st-1');
    expect(redirect.searchParams.get('iss')).toBe('http://localhost:8080');

    // the code redeems for an authorization with the id shown on the device
    const token = await fetch(`${urls[0]}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code') ?? '',
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    const body = (await token.json()) as { authorization_id: string; scope: string };
    expect(token.status).toBe(200);
    expect(body).toMatchObject({ authorization_id: authorizationId, scope: 'PROFILE:READ' });

    // a second decision is refused
    await expect(
      phone.oauth.authorize({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it('hands the answer only to the browser that waits for it', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { authorizationId } = await openPendingRequest(browser, query());
    const stranger = new HttpBrowser(urls[0] ?? '');
    await stranger.get('/signin');
    const response = await stranger.get(`/oauth/device/${authorizationId}/status`, { accept: 'application/json' });
    expect(response.status).toBe(403);
    expect(await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()).toEqual({ state: 'pending' });
  });

  it('answers no HEAD on the waiting page’s status or stream: a HEAD cannot consume the decision (security review, issue 17: L4)', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { authorizationId } = await openPendingRequest(browser, query());
    await sdk(urls[0] ?? '').oauth.authorize({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] });
    const heads: number[] = [];
    for (const path of ['status', 'events']) {
      heads.push(
        (
          await fetch(`${browser.base}/oauth/device/${authorizationId}/${path}`, {
            method: 'HEAD',
            headers: { cookie: browser.cookie },
          })
        ).status,
      );
    }
    const status = (await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()) as {
      state: string;
      redirect: string;
    };
    expect(status.state).toBe('done');
    expect(new URL(status.redirect).searchParams.get('code')).toBeTruthy();
    expect(heads).toEqual([404, 404]);
  });

  it('denies with empty scopes: the browser is sent back with access_denied', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { authorizationId } = await openPendingRequest(browser, query());
    await sdk(urls[0] ?? '').oauth.authorize({ authorization_id: authorizationId, scopes: [] });
    const status = (await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()) as {
      state: string;
      redirect: string;
    };
    expect(status.state).toBe('done');
    expect(new URL(status.redirect).searchParams.get('error')).toBe('access_denied');
  });

  it('refuses scopes that were not requested, and changes nothing', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { authorizationId } = await openPendingRequest(browser, query());
    await expect(
      sdk(urls[0] ?? '').oauth.authorize({ authorization_id: authorizationId, scopes: ['ASSETS:READ'] }),
    ).rejects.toMatchObject({ code: 10002 });
    expect(await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()).toEqual({ state: 'pending' });
  });

  it('keeps a just-decided request pending until its answer is stored, then gives up after a grace period', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { authorizationId } = await openPendingRequest(browser, query());
    await sdk(urls[0] ?? '').oauth.authorize({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] });
    // as if the deciding instance had not yet stored the answer
    await kvs[0]?.delete(`device-result:${authorizationId}`);
    expect(await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()).toEqual({ state: 'pending' });
    clock.advance(31_000);
    expect(await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()).toEqual({ state: 'expired' });
  });

  it('answers 401 in JSON without a valid session token', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { codeId } = await openPendingRequest(browser, query());
    const response = await fetch(`${urls[0]}/codes/${codeId}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(((await response.json()) as { error: { code: number } }).error.code).toBe(401);
  });

  it('says an expired request has expired, to the device and to the waiting page', async () => {
    const browser = new HttpBrowser(urls[0] ?? '');
    const { codeId, authorizationId } = await openPendingRequest(browser, query());
    clock.advance(5 * 60 * 1000 + 1);
    await expect(sdk(urls[0] ?? '').code.fetch(codeId)).rejects.toMatchObject({ code: 20121 });
    await expect(
      sdk(urls[0] ?? '').oauth.authorize({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] }),
    ).rejects.toMatchObject({ code: 20121 });
    expect(await (await browser.get(`/oauth/device/${authorizationId}/status`)).json()).toEqual({ state: 'expired' });
    expect(await nextDecision(browser, authorizationId)).toEqual({ state: 'expired' });
  });
});

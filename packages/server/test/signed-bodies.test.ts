import { randomBytes, randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import { createUser } from '../src/accounts/service.js';
import { assetWithBalance, createAsset, credit } from '../src/ledger/service.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { databaseBackends } from './backends.js';
import { TestClock } from './clock.js';
import { sessionClaims, signJws } from './signing.js';
import { REDIRECT_URI, type TokenFixture, postForm, tokenFixture } from './token-fixture.js';

const FORM = 'application/x-www-form-urlencoded';

interface SignedCall {
  method: 'GET' | 'POST';
  url: string;
  /** what the token's sig covers */
  signedOver: string;
  /** what is sent: by default the signed body */
  payload?: string;
  contentType?: string;
  /** send the token's jti as X-Request-Id (Mixin's convention: errors come as HTTP 202) */
  requestId?: boolean;
}

/**
 * Security review, issue 17 (M1): the request signature covers the body bytes received,
 * whatever their type. A token signed over one body (or none) never carries another,
 * and the JSON routes refuse other body types before anything runs.
 */
describe.each(databaseBackends)('signed request bodies: $name', (backend) => {
  let f: TokenFixture;
  let session: Keystore;
  let bob: string;
  let btc: string;

  beforeAll(async () => {
    f = await tokenFixture({}, new TestClock(), backend.open);
    session = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
    bob = (
      await createUser(f.deps, { username: `bob${randomBytes(3).toString('hex')}`, password: 'correct horse battery' })
    ).user_id;
    btc = (await createAsset(f.deps, { symbol: 'BTC', name: 'Bitcoin' })).asset_id;
    await credit(f.deps, { userId: f.user.user_id, assetId: btc, amount: '5', memo: 'deposit' });
  });
  afterAll(async () => f?.close());

  /** Sends a request with a session token signed by hand; answers the response and the token's jti. */
  async function call(request: SignedCall): Promise<{ response: LightMyRequestResponse; jti: string }> {
    const claims = sessionClaims(
      session,
      request.method,
      request.url,
      request.signedOver,
      Math.floor(f.clock.now() / 1000),
    );
    const headers: Record<string, string> = {
      authorization: `Bearer ${signJws({ alg: 'EdDSA', typ: 'JWT' }, claims, session.session_private_key)}`,
    };
    if (request.contentType) headers['content-type'] = request.contentType;
    if (request.requestId) headers['x-request-id'] = claims.jti;
    const payload = request.payload ?? request.signedOver;
    const response = await f.app.inject({
      method: request.method,
      url: request.url,
      headers,
      ...(payload === '' ? {} : { payload }),
    });
    return { response, jti: claims.jti };
  }

  const balance = async () => (await assetWithBalance(f.deps, f.user.user_id, btc)).balance;
  /** true when the request id was never spent: the refused request ran nothing (the check spends it now). */
  const unspent = (jti: string) => f.kv.spendRequestId(jti, 60_000);
  const transferForm = () =>
    new URLSearchParams({
      asset_id: btc,
      opponent_id: bob,
      amount: '1.5',
      trace_id: randomUUID(),
      memo: 'stolen',
    }).toString();

  /** A pending device request (PROTOCOL.md §6), opened by a signed-out authorize page. */
  async function pendingDeviceRequest(): Promise<string> {
    const query = new URLSearchParams({
      client_id: f.confidential.clientId,
      redirect_uri: REDIRECT_URI,
      scope: 'PROFILE:READ',
    });
    const page = (await f.app.inject({ method: 'GET', url: `/oauth/authorize?${query.toString()}` })).body;
    const authorizationId = /data-events="\/oauth\/device\/([0-9a-f-]{36})\/events"/.exec(page)?.[1];
    if (!authorizationId) throw new Error('no device request on the authorize page');
    return authorizationId;
  }

  it('refuses the reproduction: a token signed over an empty body does not carry a form body to POST /transfers', async () => {
    for (const requestId of [false, true]) {
      const { response, jti } = await call({
        method: 'POST',
        url: '/transfers',
        signedOver: '',
        payload: transferForm(),
        contentType: FORM,
        requestId,
      });
      expect(response.statusCode).toBe(requestId ? 202 : 400);
      const { error } = response.json() as { error: { code: number; description: string } };
      expect(error.code).toBe(400);
      expect(error.description).toContain(FORM);
      expect(await unspent(jti)).toBe(true);
    }
    expect(await balance()).toBe('5');
  });

  it('refuses a correctly signed form or text body on every JSON route, before it spends the jti or changes anything', async () => {
    const { access_token: bearer } = (
      await postForm(
        f.app,
        '/oauth/token',
        { grant_type: 'authorization_code', code: (await f.code(f.confidential)).code },
        f.confidential,
      )
    ).json() as {
      access_token: string;
    };
    const authorizationId = await pendingDeviceRequest();
    const bodies: [string, string][] = [
      ['/transfers', transferForm()],
      ['/oauth/cancel', new URLSearchParams({ client_id: f.confidential.clientId }).toString()],
      [
        '/oauth/authorize',
        new URLSearchParams({ authorization_id: authorizationId, scopes: 'PROFILE:READ' }).toString(),
      ],
    ];
    for (const [url, form] of bodies) {
      for (const [contentType, body] of [
        [FORM, form],
        ['text/plain', JSON.stringify(Object.fromEntries(new URLSearchParams(form)))],
      ] as const) {
        const { response, jti } = await call({ method: 'POST', url, signedOver: body, contentType });
        expect(response.statusCode, `${url} ${contentType}`).toBe(400);
        expect(response.json(), `${url} ${contentType}`).toMatchObject({
          error: { code: 400, description: `Content-Type must be application/json, not ${contentType}.` },
        });
        expect(await unspent(jti)).toBe(true);
      }
    }
    expect(await balance()).toBe('5');
    expect(await f.isActive(bearer)).toBe(true);
    // the device request is still undecided: the JSON form decides it
    const decision = JSON.stringify({ authorization_id: authorizationId, scopes: ['PROFILE:READ'] });
    const { response } = await call({
      method: 'POST',
      url: '/oauth/authorize',
      signedOver: decision,
      contentType: 'application/json',
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a signed request whose body the server does not keep (a GET with a body), whatever sig covers', async () => {
    for (const signedOver of ['', 'ignored=1']) {
      const { response } = await call({
        method: 'GET',
        url: '/me',
        signedOver,
        payload: 'ignored=1',
        contentType: FORM,
      });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({
        error: { code: 401, extra: { reason: 'sig cannot cover this body: send it as application/json' } },
      });
    }
    expect((await call({ method: 'GET', url: '/me', signedOver: '' })).response.statusCode).toBe(200);
  });

  it('does not take a token signed for GET on the HEAD twin of its route: sig covers the method', async () => {
    const claims = sessionClaims(session, 'GET', '/me', '', Math.floor(f.clock.now() / 1000));
    const authorization = `Bearer ${signJws({ alg: 'EdDSA', typ: 'JWT' }, claims, session.session_private_key)}`;
    expect((await f.app.inject({ method: 'HEAD', url: '/me', headers: { authorization } })).statusCode).toBe(401);
    expect(await unspent(claims.jti)).toBe(true);
  });

  it('moves money for the JSON body the token signs, byte for byte', async () => {
    // spacing and key order of the sender's own serialization: sig covers the text as sent
    const body = `{ "amount":"0.5", "asset_id":"${btc}","opponent_id":"${bob}", "trace_id":"${randomUUID()}" }`;
    const { response } = await call({
      method: 'POST',
      url: '/transfers',
      signedOver: body,
      contentType: 'application/json; charset=utf-8',
    });
    expect(response.statusCode).toBe(200);
    expect(await balance()).toBe('4.5');
    const altered = await call({
      method: 'POST',
      url: '/transfers',
      signedOver: body,
      payload: body.replace('0.5', '1.5'),
      contentType: 'application/json',
    });
    expect(altered.response.statusCode).toBe(401);
    expect(await balance()).toBe('4.5');
  });

  it('takes JSON and form bodies at /oauth/token, and refuses others in the platform envelope', async () => {
    const response = await f.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'text/plain' },
      payload: '{"client_id":"x","code":"y"}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 400, description: `Content-Type must be application/json or ${FORM}, not text/plain.` },
    });
    const json = await f.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(json.json()).toMatchObject({ error: { code: 10002, extra: { field: 'client_id' } } });
    expect((await postForm(f.app, '/oauth/token', {})).json()).toMatchObject({ error: 'invalid_request' });
  });
});

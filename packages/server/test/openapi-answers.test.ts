import { randomBytes, randomUUID } from 'node:crypto';
import { KeystoreFile } from '@signet/protocol/views';
import { type Keystore, createKeyPair, signRequest } from '@signet/sdk';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeystore } from '../src/accounts/keystores.js';
import { createUser } from '../src/accounts/service.js';
import { createApp } from '../src/apps/service.js';
import { createAsset, credit } from '../src/ledger/service.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { APP_FORM, signedInAlice } from './dashboard-fixture.js';
import { DocumentedAnswers, type OpenApiDocument } from './documented-answers.js';
import { TINY_PNG, postMultipart } from './multipart.js';
import { basic, pkcePair } from './token-fixture.js';
import {
  PASSWORD,
  TestBrowser,
  type WebHarness,
  authorizeUrl,
  csrfOf,
  formFields,
  location,
  startWebHarness,
} from './web.js';

const REDIRECT = 'https://answers.example/cb';
const FORM = 'application/x-www-form-urlencoded';

/**
 * Every operation /openapi.json lists is called for real, and each answer is checked against
 * the schema documented for its status: a documented answer that drifts from the real one,
 * or a route documented and never exercised here, fails this file.
 */
describe('documented answers are the real answers', () => {
  let h: WebHarness;
  let answers: DocumentedAnswers;
  let session: Keystore;
  let client: { id: string; secret: string };
  let browser: TestBrowser;
  let bob: string;
  let btc: string;

  const seconds = () => Math.floor(h.clock.now() / 1000);

  /** A request signed with the user's session keystore, as the SDK sends it. */
  async function signed(
    method: 'GET' | 'POST',
    url: string,
    body?: object,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const request = signRequest({ method, url, body, keystore: session, now: seconds() });
    return h.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body ? { payload: request.body } : {}),
    });
  }

  const tokenForm = (fields: Record<string, string>, auth = basic(client.id, client.secret)) =>
    h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': FORM, authorization: auth },
      payload: new URLSearchParams(fields).toString(),
    });

  /** A code through the consent page (GET /oauth/authorize, then its form when consent is asked). */
  async function code(scope = 'PROFILE:READ ASSETS:READ'): Promise<string> {
    const { challenge, verifier } = pkcePair();
    const url = authorizeUrl({
      client_id: client.id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope,
      state: 's',
      code_challenge: challenge,
    });
    let response = answers.check('GET /oauth/authorize', await browser.get(url), 'success');
    if (response.statusCode === 200) {
      const fields = formFields(response.body, '/oauth/authorize/decision');
      response = answers.check(
        'POST /oauth/authorize/decision',
        await browser.post('/oauth/authorize/decision', [...fields, ['decision', 'authorize']]),
        'success',
      );
    }
    const issued = location(response).searchParams.get('code');
    if (!issued) throw new Error(`no code: ${response.headers.location}`);
    verifiers.set(issued, verifier);
    return issued;
  }
  const verifiers = new Map<string, string>();

  beforeAll(async () => {
    h = await startWebHarness();
    answers = new DocumentedAnswers(
      (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>(),
    );
    const deps = { db: h.db, clock: h.clock };
    session = await createKeystore(deps, h.userId, (await serverKeyPair(h.database.storage)).publicKey);
    const created = await createApp(deps, { name: 'Answers App', ownerId: h.userId, redirectUris: [REDIRECT] });
    client = { id: created.app.client_id, secret: created.clientSecret ?? '' };
    bob = (await createUser(deps, { username: `bob${randomBytes(3).toString('hex')}`, password: PASSWORD })).user_id;
    btc = (await createAsset(deps, { symbol: 'BTC', name: 'Bitcoin' })).asset_id;
    await credit(deps, { userId: h.userId, assetId: btc, amount: '5', memo: 'deposit' });
    browser = new TestBrowser(h.app);
    await browser.signIn(h.username, PASSWORD);
  });
  afterAll(async () => h?.close());

  it('the resource API: profiles, assets, snapshots, transfers', async () => {
    const refused = { 'x-request-id': randomUUID() };
    answers.check('GET /me', await signed('GET', '/me'), 'success');
    answers.check('GET /me', await h.app.inject({ method: 'GET', url: '/me' }), 'error');
    answers.check('GET /users/{id}', await signed('GET', `/users/${bob}`), 'success');
    answers.check('GET /users/{id}', await signed('GET', '/users/nobody', undefined, refused), 'error');
    answers.check('GET /assets', await signed('GET', '/assets'), 'success');
    answers.check('GET /assets', await h.app.inject({ method: 'GET', url: '/assets', headers: refused }), 'error');
    answers.check('GET /assets/{id}', await signed('GET', `/assets/${btc}`), 'success');
    answers.check('GET /assets/{id}', await signed('GET', `/assets/${randomUUID()}`), 'error');
    const transfer = { asset_id: btc, opponent_id: bob, amount: '1.5', trace_id: randomUUID(), memo: 'rent' };
    answers.check('POST /transfers', await signed('POST', '/transfers', transfer), 'success');
    answers.check(
      'POST /transfers',
      await signed('POST', '/transfers', { ...transfer, trace_id: randomUUID(), amount: 1 }),
      'error',
    );
    answers.check('GET /assets/{id}/snapshots', await signed('GET', `/assets/${btc}/snapshots?limit=10`), 'success');
    answers.check('GET /assets/{id}/snapshots', await signed('GET', `/assets/${btc}/snapshots?limit=0`), 'error');
    const history = answers.check(
      'GET /snapshots',
      await signed('GET', `/snapshots?asset=${btc}&order=ASC`),
      'success',
    );
    // both kinds of snapshot were checked: the deposit (no opponent) and the transfer
    expect(history.json<{ data: { source: string }[] }>().data.map((s) => s.source)).toEqual([
      'DEPOSIT_CONFIRMED',
      'TRANSFER_INITIALIZED',
    ]);
    answers.check('GET /snapshots', await signed('GET', '/snapshots?order=SIDEWAYS', undefined, refused), 'error');
  });

  it('the token endpoint in both forms, introspection and revocation', async () => {
    const standard = answers.check(
      'POST /oauth/token',
      await tokenForm({ grant_type: 'authorization_code', code: await code(), redirect_uri: REDIRECT }),
      'error',
    );
    // the code's PKCE verifier is required: the refusal above is the documented OAuth error; now the real exchange
    expect(standard.json<{ error: string }>().error).toBe('invalid_grant');
    const issued = await code();
    const tokens = answers.check(
      'POST /oauth/token',
      await tokenForm({
        grant_type: 'authorization_code',
        code: issued,
        redirect_uri: REDIRECT,
        code_verifier: verifiers.get(issued) ?? '',
      }),
      'success',
    );
    const { access_token: accessToken, refresh_token: refreshToken } = tokens.json<{
      access_token: string;
      refresh_token: string;
    }>();
    answers.check(
      'POST /oauth/token',
      await tokenForm({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      'success',
    );
    answers.check('POST /oauth/token', await tokenForm({ grant_type: 'client_credentials' }), 'success');
    answers.check('POST /oauth/token', await tokenForm({ grant_type: 'nonsense' }), 'error');

    const platform = (body: object) =>
      h.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(body),
      });
    const bound = await code();
    const ed25519 = createKeyPair().publicKeyBase64Url;
    answers.check(
      'POST /oauth/token',
      await platform({ client_id: client.id, code: bound, code_verifier: verifiers.get(bound), ed25519 }),
      'success',
    );
    const plain = await code();
    answers.check(
      'POST /oauth/token',
      await platform({ client_id: client.id, code: plain, code_verifier: verifiers.get(plain) }),
      'success',
    );
    answers.check('POST /oauth/token', await platform({ client_id: client.id }), 'error');

    const introspect = (token: string, auth?: string) =>
      h.app.inject({
        method: 'POST',
        url: '/oauth/introspect',
        headers: { 'content-type': FORM, ...(auth ? { authorization: auth } : {}) },
        payload: `token=${token}`,
      });
    answers.check('POST /oauth/introspect', await introspect(accessToken, basic(client.id, client.secret)), 'success');
    answers.check('POST /oauth/introspect', await introspect('unknown', basic(client.id, client.secret)), 'success');
    answers.check('POST /oauth/introspect', await introspect(accessToken), 'error');

    const revoke = (payload: string) =>
      h.app.inject({
        method: 'POST',
        url: '/oauth/revoke',
        headers: { 'content-type': FORM, authorization: basic(client.id, client.secret) },
        payload,
      });
    answers.check('POST /oauth/revoke', await revoke(`token=${accessToken}`), 'success');
    answers.check('POST /oauth/revoke', await revoke('token_type_hint=access_token'), 'error');
    answers.check(
      'GET /.well-known/oauth-authorization-server',
      await h.app.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' }),
      'success',
    );
  });

  it('device approval: the JSON API, the waiting browser and the browser on the device', async () => {
    const { challenge } = pkcePair();
    const query = authorizeUrl({
      client_id: client.id,
      redirect_uri: REDIRECT,
      response_type: 'code',
      scope: 'PROFILE:READ',
      state: 'd',
      code_challenge: challenge,
    });
    const waiting = new TestBrowser(h.app, '198.51.100.7');
    const stranger = new TestBrowser(h.app, '198.51.100.8');
    const open = async () => {
      const page = answers.check('GET /oauth/authorize', await waiting.get(query), 'success').body;
      const codeId = /\/codes\/([0-9a-f-]{36})/.exec(page)?.[1] ?? '';
      const authorizationId = /data-events="\/oauth\/device\/([0-9a-f-]{36})\/events"/.exec(page)?.[1] ?? '';
      return { codeId, authorizationId };
    };
    const first = await open();
    answers.check(
      'GET /oauth/authorize',
      await waiting.get(authorizeUrl({ client_id: randomUUID(), redirect_uri: REDIRECT, response_type: 'code' })),
      'error',
    );
    answers.check(
      'GET /oauth/device/{authorizationId}/status',
      await waiting.get(`/oauth/device/${first.authorizationId}/status`),
      'success',
    );
    answers.check(
      'GET /oauth/device/{authorizationId}/status',
      await stranger.get(`/oauth/device/${first.authorizationId}/status`),
      'error',
    );
    answers.check('GET /codes/{codeId}', await signed('GET', `/codes/${first.codeId}`), 'success');
    answers.check('GET /codes/{codeId}', await signed('GET', `/codes/${randomUUID()}`), 'error');
    answers.check(
      'POST /oauth/authorize',
      await signed('POST', '/oauth/authorize', { authorization_id: first.authorizationId, scopes: 'PROFILE:READ' }),
      'error',
    );
    answers.check(
      'POST /oauth/authorize',
      await signed('POST', '/oauth/authorize', { authorization_id: first.authorizationId, scopes: ['PROFILE:READ'] }),
      'success',
    );
    answers.check(
      'GET /oauth/device/{authorizationId}/events',
      await stranger.get(`/oauth/device/${first.authorizationId}/events`),
      'error',
    );
    const events = answers.check(
      'GET /oauth/device/{authorizationId}/events',
      await waiting.get(`/oauth/device/${first.authorizationId}/events`),
      'success',
    );
    expect(events.body).toMatch(/^event: decision\ndata: \{"state":"done"/);

    const second = await open();
    const page = answers.check('GET /codes/{codeId}', await browser.get(`/codes/${second.codeId}`), 'success');
    const fields = formFields(page.body, `/codes/${second.codeId}`);
    answers.check(
      'POST /codes/{codeId}',
      await browser.post(
        `/codes/${second.codeId}`,
        fields.filter(([name]) => name !== '_csrf'),
      ),
      'error',
    );
    const decided = answers.check(
      'POST /codes/{codeId}',
      await browser.post(`/codes/${second.codeId}`, [...fields, ['decision', 'authorize']]),
      'success',
    );
    answers.check(
      'GET /codes/{codeId}/decided',
      await browser.get(`${location(decided).pathname}${location(decided).search}`),
      'success',
    );
  });

  it('a user’s authorizations and revoking an app', async () => {
    answers.check('GET /authorizations', await signed('GET', `/authorizations?app=${client.id}`), 'success');
    answers.check(
      'GET /authorizations',
      await h.app.inject({ method: 'GET', url: '/authorizations', headers: { 'x-request-id': randomUUID() } }),
      'error',
    );
    answers.check('POST /oauth/cancel', await signed('POST', '/oauth/cancel', {}), 'error');
    answers.check('POST /oauth/cancel', await signed('POST', '/oauth/cancel', { client_id: client.id }), 'success');
  });

  it('the pages: home, docs, static files, sign-in, sign-up and the account', async () => {
    for (const url of ['/', '/docs', '/docs/scopes', '/docs/walkthrough', '/openapi.json'])
      answers.check(`GET ${url}`, await h.app.inject({ method: 'GET', url }), 'success');
    answers.check('GET /static/{name}', await h.app.inject({ method: 'GET', url: '/static/signet.css' }), 'success');
    answers.check('GET /static/{name}', await h.app.inject({ method: 'GET', url: '/static/nothing.css' }), 'error');

    const visitor = new TestBrowser(h.app, '192.0.2.20');
    answers.check('GET /signup', await visitor.get('/signup'), 'success');
    const signup = { username: `carol${randomBytes(3).toString('hex')}`, password: PASSWORD, full_name: 'Carol' };
    answers.check('POST /signup', await visitor.post('/signup', signup), 'error');
    answers.check(
      'POST /signup',
      await visitor.post('/signup', { _csrf: csrfOf((await visitor.get('/signup')).body), ...signup }),
      'success',
    );
    const signinPage = answers.check('GET /signin', await visitor.get('/signin'), 'success');
    answers.check('POST /signout', await visitor.post('/signout', {}), 'error');
    answers.check('POST /signout', await visitor.post('/signout', { _csrf: csrfOf(signinPage.body) }), 'success');
    answers.check(
      'POST /signin',
      await visitor.post('/signin', {
        _csrf: csrfOf((await visitor.get('/signin')).body),
        username: signup.username,
        password: 'not the password',
      }),
      'error',
    );
    answers.check(
      'POST /signin',
      await visitor.post('/signin', {
        _csrf: csrfOf((await visitor.get('/signin')).body),
        username: signup.username,
        password: PASSWORD,
      }),
      'success',
    );

    const account = answers.check('GET /account', await browser.get('/account'), 'success');
    const csrf = csrfOf(account.body);
    const profile = { full_name: 'Alice Liddell', avatar_url: '', biography: '', phone: '+441234567890' };
    answers.check('POST /account/profile', await browser.post('/account/profile', profile), 'error');
    answers.check(
      'POST /account/profile',
      await browser.post('/account/profile', { _csrf: csrf, ...profile }),
      'success',
    );
    answers.check('POST /account/keystores', await browser.post('/account/keystores', {}), 'error');
    const keystore = answers
      .check('POST /account/keystores', await browser.post('/account/keystores', { _csrf: csrf }), 'success')
      .json<{ session_id: string }>();
    // undocumented in /openapi.json (a download), but the SDK reads it: it is checked against its one schema
    expect(answers.validate(KeystoreFile, keystore)).toEqual([]);
    answers.check(
      'POST /account/keystores/revoke',
      await browser.post('/account/keystores/revoke', { session_id: keystore.session_id }),
      'error',
    );
    answers.check(
      'POST /account/keystores/revoke',
      await browser.post('/account/keystores/revoke', { _csrf: csrf, session_id: keystore.session_id }),
      'success',
    );
    answers.check(
      'POST /account/apps/revoke',
      await browser.post('/account/apps/revoke', { client_id: client.id }),
      'error',
    );
    answers.check(
      'POST /account/apps/revoke',
      await browser.post('/account/apps/revoke', { _csrf: csrf, client_id: client.id }),
      'success',
    );
  });

  it('the developer dashboard', async () => {
    const alice = await signedInAlice(h);
    answers.check('GET /dashboard', await alice.get('/dashboard'), 'success');
    const form = answers.check('GET /dashboard/apps/new', await alice.get('/dashboard/apps/new'), 'success');
    const logo = { name: 'logo', filename: 'logo.png', type: 'image/png', bytes: TINY_PNG };
    answers.check(
      'POST /dashboard/apps/new',
      await postMultipart(h.app, alice, '/dashboard/apps/new', APP_FORM, logo),
      'error',
    );
    const made = answers.check(
      'POST /dashboard/apps/new',
      await postMultipart(h.app, alice, '/dashboard/apps/new', { _csrf: csrfOf(form.body), ...APP_FORM }, logo),
      'success',
    );
    const path = location(made).pathname;
    const id = path.split('/').pop() ?? '';
    const unknown = `/dashboard/apps/${randomUUID()}`;

    const page = answers.check('GET /dashboard/apps/{client_id}', await alice.get(path), 'success');
    answers.check('GET /dashboard/apps/{client_id}', await alice.get(unknown), 'error');
    const csrf = csrfOf(page.body);
    answers.check(
      'POST /dashboard/apps/{client_id}',
      await postMultipart(h.app, alice, path, { ...APP_FORM, name: 'Renamed' }),
      'error',
    );
    answers.check(
      'POST /dashboard/apps/{client_id}',
      await postMultipart(h.app, alice, path, { _csrf: csrf, ...APP_FORM, name: 'Renamed' }),
      'success',
    );
    answers.check(
      'GET /apps/{client_id}/logo',
      await h.app.inject({ method: 'GET', url: `/apps/${id}/logo` }),
      'success',
    );
    answers.check(
      'GET /apps/{client_id}/logo',
      await h.app.inject({ method: 'GET', url: `/apps/${randomUUID()}/logo` }),
      'error',
    );
    answers.check('POST /dashboard/apps/{client_id}/keystore', await alice.post(`${path}/keystore`, {}), 'error');
    answers.check(
      'POST /dashboard/apps/{client_id}/keystore',
      await alice.post(`${path}/keystore`, { _csrf: csrf }),
      'success',
    );
    for (const action of ['rotate', 'delete']) {
      const confirm = answers.check(
        `GET /dashboard/apps/{client_id}/${action}`,
        await alice.get(`${path}/${action}`),
        'success',
      );
      answers.check(`GET /dashboard/apps/{client_id}/${action}`, await alice.get(`${unknown}/${action}`), 'error');
      answers.check(`POST /dashboard/apps/{client_id}/${action}`, await alice.post(`${path}/${action}`, {}), 'error');
      answers.check(
        `POST /dashboard/apps/{client_id}/${action}`,
        await alice.post(`${path}/${action}`, { _csrf: csrfOf(confirm.body) }),
        'success',
      );
    }
  });

  it('exercised every operation /openapi.json documents, and made each one that documents an error body fail', () => {
    expect(answers.operations().length).toBeGreaterThan(40);
    expect(answers.operations().filter((name) => !answers.seen.get(name)?.success)).toEqual([]);
    // a fixed document: it documents the platform envelope for a failure no request can cause
    const cannotFail = ['GET /.well-known/oauth-authorization-server'];
    expect(
      answers.withDocumentedErrors().filter((name) => !answers.seen.get(name)?.error && !cannotFail.includes(name)),
    ).toEqual([]);
  });
});

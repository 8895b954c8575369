import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore, revokeKeystore } from '../src/accounts/keystores.js';
import { createApp } from '../src/apps/service.js';
import { grantedScopes } from '../src/consent/grants.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { lookupAccessToken } from '../src/tokens/service.js';
import { authorizeServiceLogin } from '../src/oauth/token/service-login.js';
import { revokeServiceLoginRows } from '../src/tokens/repo.js';
import { sleep } from './clock.js';
import { sessionClaims, sigFor, signJws } from './signing.js';
import { type TestApp, type TokenFixture, postForm, tokenFixture } from './token-fixture.js';

const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT = 'urn:ietf:params:oauth:token-type:jwt';
const EDDSA = { alg: 'EdDSA', typ: 'JWT' };

/** PROTOCOL.md §11: a service trades a user's audience-bound session token for its own. */
describe('token exchange (service login)', () => {
  let f: TokenFixture;
  let keystore: Keystore;
  let service: TestApp;
  let otherService: TestApp;
  const now = () => Math.floor(f.clock.now() / 1000);

  /** What a user hands a service: a session token for GET /me with aud and a short exp. */
  const mint = (claims: Record<string, unknown> = {}) =>
    signJws(
      EDDSA,
      { ...sessionClaims(keystore, 'GET', '/me', '', now()), exp: now() + 60, aud: service.clientId, ...claims },
      keystore.session_private_key,
    );
  const exchange = (subjectToken: string, client: TestApp = service, fields: Record<string, string> = {}) =>
    postForm(
      f.app,
      '/oauth/token',
      { grant_type: GRANT, subject_token: subjectToken, subject_token_type: JWT, ...fields },
      client,
    );

  beforeAll(async () => {
    f = await tokenFixture();
    keystore = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
    service = f.confidential;
    otherService = f.other;
  });
  afterAll(async () => f?.close());

  it('answers RFC 8693 with a PROFILE:READ bearer token acting for the user, and the user', async () => {
    const response = await exchange(mint());
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'PROFILE:READ',
      user: {
        user_id: f.user.user_id,
        identity_number: f.user.identity_number,
        full_name: f.user.full_name,
        avatar_url: '',
      },
    });
    const introspected = (await postForm(f.app, '/oauth/introspect', { token: body.access_token }, service)).json();
    expect(introspected).toMatchObject({
      active: true,
      sub: f.user.user_id,
      client_id: service.clientId,
      scope: 'PROFILE:READ',
    });
  });

  it('is listed in the server metadata', async () => {
    expect((await f.app.inject('/.well-known/oauth-authorization-server')).json().grant_types_supported).toContain(
      GRANT,
    );
  });

  it('refuses a replayed token', async () => {
    const token = mint();
    expect((await exchange(token)).statusCode).toBe(200);
    const replay = await exchange(token);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a token minted for another service, without spending it', async () => {
    const token = mint({ aud: otherService.clientId });
    expect((await exchange(token)).json()).toMatchObject({ error: 'invalid_grant' });
    // the service it was meant for can still use it
    expect((await exchange(token, otherService)).statusCode).toBe(200);
  });

  it.each([
    ['no aud', { aud: undefined }],
    ['a sig for another request', { sig: sigFor('GET', '/assets') }],
    ['an expired token', { iat: 0, exp: 1 }],
  ])('refuses %s with invalid_grant', async (_what, claims) => {
    const response = await exchange(mint({ jti: randomUUID(), ...claims }));
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a token signed by another key', async () => {
    const forged = signJws(
      EDDSA,
      { ...sessionClaims(keystore, 'GET', '/me', '', now()), aud: service.clientId },
      '11'.repeat(32),
    );
    expect((await exchange(forged)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret (invalid_client) and a public app (unauthorized_client)', async () => {
    const token = mint();
    const wrong = await exchange(token, { clientId: service.clientId, secret: 'f'.repeat(64) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    const publicApp = await createApp(f.deps, { name: 'Public service', ownerId: f.user.user_id, type: 'public' });
    const refused = await postForm(f.app, '/oauth/token', {
      grant_type: GRANT,
      subject_token: mint({ aud: publicApp.app.client_id }),
      subject_token_type: JWT,
      client_id: publicApp.app.client_id,
    });
    expect(refused.json()).toMatchObject({ error: 'unauthorized_client' });
    // the refused attempts spent nothing: the first token still works
    expect((await exchange(token)).statusCode).toBe(200);
  });

  it('refuses another subject_token_type', async () => {
    const response = await exchange(mint(), service, {
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    });
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

/** Issue 17 (L1): an exchanged token lives in an authorization under a grant, and dies with either. */
describe('token exchange: the login is an authorization the user can see and revoke', () => {
  let f: TokenFixture;
  let keystore: Keystore;
  let service: TestApp;
  const now = () => Math.floor(f.clock.now() / 1000);

  const mint = (signer: Keystore = keystore, audience = service.clientId) =>
    signJws(
      EDDSA,
      { ...sessionClaims(signer, 'GET', '/me', '', now()), exp: now() + 60, aud: audience },
      signer.session_private_key,
    );
  async function login(signer: Keystore = keystore, client: TestApp = service): Promise<string> {
    const response = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: GRANT, subject_token: mint(signer, client.clientId), subject_token_type: JWT },
      client,
    );
    expect(response.statusCode).toBe(200);
    return (response.json() as { access_token: string }).access_token;
  }
  /** A FULL request signed with the user's own keystore, as the Mixin SDKs send it. */
  function signed(method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const token = signJws(EDDSA, sessionClaims(keystore, method, url, payload, now()), keystore.session_private_key);
    const headers = {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    return f.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload }) });
  }
  const me = (accessToken: string) =>
    f.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${accessToken}` } });
  const authorizationOf = async (accessToken: string) =>
    (await lookupAccessToken(f.deps, accessToken))?.authorizationId;

  beforeEach(async () => {
    f = await tokenFixture();
    keystore = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
    service = f.confidential;
  });
  afterEach(async () => f?.close());

  it('is listed by GET /authorizations, one authorization per login, under a grant holding PROFILE:READ', async () => {
    const first = await login();
    f.clock.advance(1000);
    const second = await login();
    const ids = [await authorizationOf(second), await authorizationOf(first)];
    expect(ids.every((id) => typeof id === 'string')).toBe(true);

    const listed = (await signed('GET', `/authorizations?app=${service.clientId}`)).json().data;
    expect(listed.map((item: { authorization_id: string }) => item.authorization_id)).toEqual(ids);
    expect(listed[0]).toMatchObject({
      type: 'authorization',
      scopes: ['PROFILE:READ'],
      app: { app_id: service.clientId, name: 'Confidential' },
    });
    expect(await grantedScopes(f.deps.db, f.user.user_id, service.clientId)).toEqual(['PROFILE:READ']);
    // the grant was made once, by the first login, and the audit log says how
    const consents = await f.deps.db
      .selectFrom('audit_events')
      .select('detail')
      .where('type', '=', 'consent.granted')
      .where('client_id', '=', service.clientId)
      .execute();
    expect(consents.map((row) => JSON.parse(row.detail))).toEqual([
      { granted: ['PROFILE:READ'], asked: ['PROFILE:READ'], via: 'token_exchange' },
    ]);
  });

  it('keeps a wider grant the user gave the service before as it was', async () => {
    await f.code(service, { scopes: ['PROFILE:READ', 'PHONE:READ'] });
    await login();
    expect(await grantedScopes(f.deps.db, f.user.user_id, service.clientId)).toEqual(['PROFILE:READ', 'PHONE:READ']);
  });

  it('ends when the user revokes the service (POST /oauth/cancel); other services keep theirs', async () => {
    const token = await login();
    const kept = await login(keystore, f.other);
    expect((await me(token)).statusCode).toBe(200);

    expect((await signed('POST', '/oauth/cancel', { client_id: service.clientId })).statusCode).toBe(200);
    expect((await me(token)).statusCode).toBe(401);
    expect(await f.isActive(token)).toBe(false);
    expect((await signed('GET', `/authorizations?app=${service.clientId}`)).json().data).toEqual([]);
    expect(await f.isActive(kept)).toBe(true);
  });

  it('ends with the keystore session that signed the subject token, and only that one', async () => {
    const otherKeystore = await createKeystore(
      f.deps,
      f.user.user_id,
      (await serverKeyPair(f.database.storage)).publicKey,
    );
    const doomed = await login(otherKeystore);
    const kept = await login(keystore);
    expect((await me(doomed)).statusCode).toBe(200);

    const ended = await revokeKeystore(f.deps, f.user.user_id, otherKeystore.session_id);
    expect(ended).toEqual([await authorizationOf(doomed)]);
    expect((await me(doomed)).statusCode).toBe(401);
    expect(await f.isActive(doomed)).toBe(false);
    expect(await f.isActive(kept)).toBe(true);
    // revoking it again finds nothing to end
    expect(await revokeKeystore(f.deps, f.user.user_id, otherKeystore.session_id)).toBeUndefined();
  });

  it('issues nothing, and leaves no grant or authorization, when the session was revoked after the token was checked', async () => {
    const otherKeystore = await createKeystore(
      f.deps,
      f.user.user_id,
      (await serverKeyPair(f.database.storage)).publicKey,
    );
    await revokeKeystore(f.deps, f.user.user_id, otherKeystore.session_id);
    const attempt = authorizeServiceLogin(
      f.deps,
      { userId: f.user.user_id, clientId: f.other.clientId, sessionId: otherKeystore.session_id },
      {},
    );
    await expect(attempt).rejects.toMatchObject({ oauthError: 'invalid_grant' });
    expect(
      await f.deps.db
        .selectFrom('authorizations')
        .select('authorization_id')
        .where('key_session_id', '=', otherKeystore.session_id)
        .execute(),
    ).toEqual([]);
    expect(await grantedScopes(f.deps.db, f.user.user_id, f.other.clientId)).toEqual([]);
  });

  it('refuses a login that races the keystore’s revocation, whichever commits first', async () => {
    const otherKeystore = await createKeystore(
      f.deps,
      f.user.user_id,
      (await serverKeyPair(f.database.storage)).publicKey,
    );
    const login = { userId: f.user.user_id, clientId: service.clientId, sessionId: otherKeystore.session_id };
    let attempt: Promise<unknown> = Promise.resolve();
    // the revocation has looked for the session's logins and found none, but not committed yet
    await f.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('key_sessions')
        .set({ revoked_at: f.clock.now() })
        .where('session_id', '=', otherKeystore.session_id)
        .execute();
      expect(await revokeServiceLoginRows({ db: trx, changed: [] }, otherKeystore.session_id, f.clock.now())).toEqual(
        [],
      );
      attempt = authorizeServiceLogin(f.deps, login, {}).catch((error: unknown) => error);
      await sleep(100);
    });
    expect(await attempt).toMatchObject({ oauthError: 'invalid_grant' });
    expect(
      await f.deps.db
        .selectFrom('authorizations')
        .select('authorization_id')
        .where('key_session_id', '=', otherKeystore.session_id)
        .execute(),
    ).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import { createApp } from '../src/apps/service.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
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
    signJws(EDDSA, { ...sessionClaims(keystore, 'GET', '/me', '', now()), exp: now() + 60, aud: service.clientId, ...claims }, keystore.session_private_key);
  const exchange = (subjectToken: string, client: TestApp = service, fields: Record<string, string> = {}) =>
    postForm(f.app, '/oauth/token', { grant_type: GRANT, subject_token: subjectToken, subject_token_type: JWT, ...fields }, client);

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
      user: { user_id: f.user.user_id, identity_number: f.user.identity_number, full_name: f.user.full_name, avatar_url: '' },
    });
    const introspected = (await postForm(f.app, '/oauth/introspect', { token: body.access_token }, service)).json();
    expect(introspected).toMatchObject({ active: true, sub: f.user.user_id, client_id: service.clientId, scope: 'PROFILE:READ' });
  });

  it('is listed in the server metadata', async () => {
    expect((await f.app.inject('/.well-known/oauth-authorization-server')).json().grant_types_supported).toContain(GRANT);
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
    const forged = signJws(EDDSA, { ...sessionClaims(keystore, 'GET', '/me', '', now()), aud: service.clientId }, '11'.repeat(32));
    expect((await exchange(forged)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client secret (invalid_client) and a public app (unauthorized_client)', async () => {
    const token = mint();
    const wrong = await exchange(token, { clientId: service.clientId, secret: 'f'.repeat(64) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    const publicApp = await createApp(f.deps, { name: 'Public service', ownerId: f.user.user_id, type: 'public' });
    const refused = await postForm(f.app, '/oauth/token', { grant_type: GRANT, subject_token: mint({ aud: publicApp.app.client_id }), subject_token_type: JWT, client_id: publicApp.app.client_id });
    expect(refused.json()).toMatchObject({ error: 'unauthorized_client' });
    // the refused attempts spent nothing: the first token still works
    expect((await exchange(token)).statusCode).toBe(200);
  });

  it('refuses another subject_token_type', async () => {
    const response = await exchange(mint(), service, { subject_token_type: 'urn:ietf:params:oauth:token-type:access_token' });
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantedScopes } from '../src/consent/grants.js';
import { revokeGrant } from '../src/consent/revoke-app.js';
import { findActiveAccessToken } from '../src/tokens/service.js';
import { type TestApp, type TokenFixture, postForm, redeem, tokenFixture } from './token-fixture.js';

describe('revocation, introspection and metadata', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture({ ISSUER: 'https://auth.example.com' });
  });
  afterAll(async () => {
    await f?.close();
  });

  const tokensFor = async (client: TestApp) => (await redeem(f, client, { code: (await f.code(client)).code })).json();
  const refresh = (client: TestApp, refreshToken: string) =>
    postForm(f.app, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, client);
  const revoke = (client: TestApp | undefined, fields: Record<string, string>) =>
    postForm(f.app, '/oauth/revoke', fields, client);
  const introspect = (client: TestApp | undefined, fields: Record<string, string>) =>
    postForm(f.app, '/oauth/introspect', fields, client);

  describe('POST /oauth/revoke', () => {
    it('ends an access token alone', async () => {
      const tokens = await tokensFor(f.confidential);
      const response = await revoke(f.confidential, { token: tokens.access_token, token_type_hint: 'access_token' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('');
      expect(await f.isActive(tokens.access_token)).toBe(false);
      expect((await refresh(f.confidential, tokens.refresh_token)).statusCode).toBe(200);
    });

    it('ends the whole authorization for a refresh token, with or without a hint', async () => {
      const hints: Record<string, string>[] = [{ token_type_hint: 'refresh_token' }, {}];
      for (const hint of hints) {
        const tokens = await tokensFor(f.confidential);
        const published: string[] = [];
        const unsubscribe = await f.kv.subscribe('revocations', (message) => published.push(message));
        expect((await revoke(f.confidential, { token: tokens.refresh_token, ...hint })).statusCode).toBe(200);
        expect(await f.isActive(tokens.access_token)).toBe(false);
        expect((await refresh(f.confidential, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
        await new Promise((resolve) => setTimeout(resolve, 0));
        // one message, the JSON list of what changed (storage/hot-reads.ts)
        expect(published.map((message) => JSON.parse(message) as string[])).toEqual([
          [`authorization:${tokens.authorization_id}`],
        ]);
        await unsubscribe();
      }
    });

    it('answers 200 and does nothing for another client’s token or an unknown one', async () => {
      const tokens = await tokensFor(f.confidential);
      expect((await revoke(f.other, { token: tokens.access_token })).statusCode).toBe(200);
      expect((await revoke(f.other, { token: tokens.refresh_token })).statusCode).toBe(200);
      expect((await revoke(f.other, { token: 'no-such-token' })).statusCode).toBe(200);
      expect(await f.isActive(tokens.access_token)).toBe(true);
      expect((await refresh(f.confidential, tokens.refresh_token)).statusCode).toBe(200);
    });

    it('requires client authentication and a token', async () => {
      const tokens = await tokensFor(f.confidential);
      const anonymous = await revoke(undefined, { token: tokens.access_token });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json()).toMatchObject({ error: 'invalid_client' });
      expect(
        (await revoke({ clientId: f.confidential.clientId, secret: 'e'.repeat(64) }, { token: tokens.access_token }))
          .statusCode,
      ).toBe(401);
      expect(await f.isActive(tokens.access_token)).toBe(true);
      expect((await revoke(f.confidential, {})).json()).toMatchObject({ error: 'invalid_request' });
      const json = await f.app.inject({
        method: 'POST',
        url: '/oauth/revoke',
        headers: { 'content-type': 'application/json' },
        payload: {
          token: tokens.access_token,
          client_id: f.confidential.clientId,
          client_secret: f.confidential.secret,
        },
      });
      expect(json.statusCode).toBe(400);
      expect(json.json()).toMatchObject({ error: 'invalid_request' });
      expect(await f.isActive(tokens.access_token)).toBe(true);
    });
  });

  describe('POST /oauth/introspect', () => {
    it('describes an active token to the app it was issued to', async () => {
      const tokens = await tokensFor(f.confidential);
      const response = await introspect(f.confidential, { token: tokens.access_token });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const now = Math.floor(f.clock.now() / 1000);
      expect(response.json()).toEqual({
        active: true,
        scope: 'PROFILE:READ PHONE:READ',
        client_id: f.confidential.clientId,
        sub: f.user.user_id,
        exp: now + 3600,
        iat: now,
        token_type: 'Bearer',
        authorization_id: tokens.authorization_id,
      });
    });

    it('gives sub = client_id for a client-credentials token', async () => {
      const token = (await postForm(f.app, '/oauth/token', { grant_type: 'client_credentials' }, f.confidential)).json()
        .access_token;
      const body = (await introspect(f.confidential, { token })).json();
      expect(body).toMatchObject({ active: true, sub: f.confidential.clientId, client_id: f.confidential.clientId });
      expect(body.authorization_id).toBeUndefined();
    });

    it('answers inactive for another client’s token, an unknown one, a revoked and an expired one', async () => {
      const tokens = await tokensFor(f.confidential);
      expect((await introspect(f.other, { token: tokens.access_token })).json()).toEqual({ active: false });
      expect((await introspect(f.confidential, { token: 'unknown' })).json()).toEqual({ active: false });
      expect((await introspect(f.confidential, { token: tokens.refresh_token })).json()).toEqual({ active: false });
      const revoked = await tokensFor(f.confidential);
      await revoke(f.confidential, { token: revoked.access_token });
      expect((await introspect(f.confidential, { token: revoked.access_token })).json()).toEqual({ active: false });
      f.clock.advance(3600 * 1000);
      expect((await introspect(f.confidential, { token: tokens.access_token })).json()).toEqual({ active: false });
    });

    it('refuses a public app and an unauthenticated caller', async () => {
      const response = await postForm(f.app, '/oauth/introspect', { token: 'x', client_id: f.publicApp.clientId });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'invalid_client' });
      expect((await introspect(undefined, { token: 'x' })).statusCode).toBe(401);
    });
  });

  it('revokeGrant removes the grant and ends every authorization, token and pending code under it', async () => {
    const one = await tokensFor(f.confidential);
    const two = await tokensFor(f.confidential);
    const pending = await f.code(f.confidential);
    const otherApp = await tokensFor(f.other);
    const published: string[] = [];
    const unsubscribe = await f.kv.subscribe('revocations', (message) => published.push(message));

    await revokeGrant(f.deps, f.user.user_id, f.confidential.clientId);

    expect(await grantedScopes(f.deps.db, f.user.user_id, f.confidential.clientId)).toEqual([]);
    expect(await findActiveAccessToken(f.deps, one.access_token)).toBeUndefined();
    expect(await findActiveAccessToken(f.deps, two.access_token)).toBeUndefined();
    expect((await refresh(f.confidential, two.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect((await redeem(f, f.confidential, { code: pending.code })).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await findActiveAccessToken(f.deps, otherApp.access_token)).toMatchObject({ clientId: f.other.clientId });
    await new Promise((resolve) => setTimeout(resolve, 0));
    const changed = published.flatMap((message) => JSON.parse(message) as string[]);
    expect(changed).toEqual(
      expect.arrayContaining([`authorization:${one.authorization_id}`, `authorization:${two.authorization_id}`]),
    );
    expect(changed).not.toContain(`authorization:${otherApp.authorization_id}`);
    await unsubscribe();
  });

  it('publishes the RFC 8414 metadata of what is supported', async () => {
    const response = await f.app.inject('/.well-known/oauth-authorization-server');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      issuer: 'https://auth.example.com',
      authorization_endpoint: 'https://auth.example.com/oauth/authorize',
      token_endpoint: 'https://auth.example.com/oauth/token',
      revocation_endpoint: 'https://auth.example.com/oauth/revoke',
      introspection_endpoint: 'https://auth.example.com/oauth/introspect',
      response_types_supported: ['code'],
      grant_types_supported: [
        'authorization_code',
        'refresh_token',
        'client_credentials',
        'urn:ietf:params:oauth:grant-type:token-exchange',
      ],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ', 'SNAPSHOTS:READ'],
      authorization_response_iss_parameter_supported: true,
    });
  });
});

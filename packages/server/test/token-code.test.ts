import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupAccessToken } from '../src/tokens/service.js';
import {
  REDIRECT_URI,
  type TokenFixture,
  basic,
  pkcePair,
  postForm,
  redeem,
  tokenFixture,
  tokenPairAnswer,
} from './token-fixture.js';

/** The standard authorization_code grant (RFC 6749 §4.1.3 with RFC 7636), and a refusal per rule. */
describe('POST /oauth/token grant_type=authorization_code', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('answers tokens for a code, with PKCE and client_secret_basic, never cached', async () => {
    const { code, verifier, authorizationId } = await f.code(f.confidential, { pkce: true });
    const response = await redeem(f, f.confidential, { code, code_verifier: verifier });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual(tokenPairAnswer(authorizationId));
    expect(await lookupAccessToken(f.deps, body.access_token)).toMatchObject({
      active: true,
      clientId: f.confidential.clientId,
      userId: f.user.user_id,
      authorizationId,
      scopes: ['PROFILE:READ', 'PHONE:READ'],
    });
    expect(await f.authorizationRow(authorizationId)).toMatchObject({
      scopes: 'PROFILE:READ PHONE:READ',
      ed25519_public_key: null,
    });
  });

  it('accepts client_secret_post without PKCE when authorize had no challenge', async () => {
    const { code } = await f.code(f.confidential);
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      client_id: f.confidential.clientId,
      client_secret: f.confidential.secret,
    });
    expect(response.statusCode).toBe(200);
  });

  it('accepts a public app with client_id only and its verifier', async () => {
    const { code, verifier } = await f.code(f.publicApp, { pkce: true });
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      client_id: f.publicApp.clientId,
      code_verifier: verifier,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().refresh_token).toEqual(expect.any(String));
  });

  it('binds an ed25519 key sent as a parameter and answers the server key', async () => {
    const { code, authorizationId } = await f.code(f.confidential);
    const key = Buffer.alloc(32, 7);
    const response = await redeem(f, f.confidential, { code, ed25519: key.toString('base64url') });
    expect(response.statusCode).toBe(200);
    expect(response.json().ed25519).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await f.authorizationRow(authorizationId))?.ed25519_public_key).toBe(key.toString('hex'));
  });

  it('refuses a replayed code and revokes every token the first redemption issued', async () => {
    const { code, authorizationId } = await f.code(f.confidential);
    const published: string[] = [];
    const unsubscribe = await f.kv.subscribe('revocations', (message) => published.push(message));
    const first = (await redeem(f, f.confidential, { code })).json();
    expect(await f.isActive(first.access_token)).toBe(true);

    const replay = await redeem(f, f.confidential, { code });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect(replay.headers['cache-control']).toBe('no-store');
    expect(await f.isActive(first.access_token)).toBe(false);
    expect((await f.authorizationRow(authorizationId))?.revoked_at).not.toBeNull();
    const refresh = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: first.refresh_token },
      f.confidential,
    );
    expect(refresh.json()).toMatchObject({ error: 'invalid_grant' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    // each message is the JSON list of what changed (storage/hot-reads.ts)
    expect(published.flatMap((message) => JSON.parse(message) as string[])).toContain(
      `authorization:${authorizationId}`,
    );
    await unsubscribe();
  });

  it('refuses a wrong verifier, and that attempt uses the code up', async () => {
    const { code, verifier } = await f.code(f.confidential, { pkce: true });
    const wrong = await redeem(f, f.confidential, { code, code_verifier: pkcePair().verifier });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await redeem(f, f.confidential, { code, code_verifier: verifier })).json()).toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('refuses a verifier when authorize had no challenge', async () => {
    const { code } = await f.code(f.confidential);
    const response = await redeem(f, f.confidential, { code, code_verifier: pkcePair().verifier });
    expect(response.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('no code_challenge'),
    });
  });

  it('refuses no verifier when authorize had a challenge', async () => {
    const { code } = await f.code(f.confidential, { pkce: true });
    const response = await redeem(f, f.confidential, { code });
    expect(response.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('code_verifier is required'),
    });
  });

  it('refuses a malformed verifier before touching the code', async () => {
    const { code, verifier } = await f.code(f.confidential, { pkce: true });
    expect((await redeem(f, f.confidential, { code, code_verifier: 'short' })).json()).toMatchObject({
      error: 'invalid_request',
    });
    expect((await redeem(f, f.confidential, { code, code_verifier: verifier })).statusCode).toBe(200);
  });

  it('refuses a code redeemed by another app, which spends it', async () => {
    const { code } = await f.code(f.confidential);
    const stolen = await redeem(f, f.other, { code });
    expect(stolen.json()).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringContaining('another client'),
    });
    expect((await redeem(f, f.confidential, { code })).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a redirect_uri that differs from, or is missing after, the one sent to authorize', async () => {
    const sent = 'https://app.example/cb';
    const mismatch = await f.code(f.confidential, { redirectUriSent: sent });
    expect(
      (await redeem(f, f.confidential, { code: mismatch.code, redirect_uri: 'https://app.example/other' })).json(),
    ).toMatchObject({
      error: 'invalid_grant',
    });
    const missing = await f.code(f.confidential, { redirectUriSent: sent });
    expect((await redeem(f, f.confidential, { code: missing.code })).json()).toMatchObject({ error: 'invalid_grant' });
    // and it consumed the code
    expect((await redeem(f, f.confidential, { code: missing.code, redirect_uri: sent })).json()).toMatchObject({
      error: 'invalid_grant',
    });
    const right = await f.code(f.confidential, { redirectUriSent: sent });
    expect((await redeem(f, f.confidential, { code: right.code, redirect_uri: sent })).statusCode).toBe(200);
  });

  it('refuses a wrong client secret with 401 and a Basic challenge, and spends the code', async () => {
    const { code } = await f.code(f.confidential);
    const response = await redeem(f, { clientId: f.confidential.clientId, secret: 'f'.repeat(64) }, { code });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'invalid_client' });
    expect(response.headers['www-authenticate']).toBe('Basic realm="signet"');
    expect(response.headers['cache-control']).toBe('no-store');
    expect((await redeem(f, f.confidential, { code })).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('refuses a wrong client_secret_post with 401 and no Basic challenge', async () => {
    const { code } = await f.code(f.confidential);
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      client_id: f.confidential.clientId,
      client_secret: 'nope',
    });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses two client authentication methods at once, changing nothing', async () => {
    const { code } = await f.code(f.confidential);
    const response = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: 'authorization_code', code, client_secret: f.confidential.secret },
      f.confidential,
    );
    expect(response.json()).toMatchObject({ error: 'invalid_request' });
    expect((await redeem(f, f.confidential, { code })).statusCode).toBe(200);
  });

  it('refuses a confidential app that sends no secret', async () => {
    const { code, verifier } = await f.code(f.confidential, { pkce: true });
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      client_id: f.confidential.clientId,
      code_verifier: verifier,
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses a public app that sends a secret', async () => {
    const { code, verifier } = await f.code(f.publicApp, { pkce: true });
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      client_id: f.publicApp.clientId,
      client_secret: 'anything',
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('refuses an expired code', async () => {
    const { code } = await f.code(f.confidential);
    f.clock.advance(10 * 60 * 1000 + 1);
    const response = await redeem(f, f.confidential, { code });
    expect(response.json()).toMatchObject({ error: 'invalid_grant', error_description: 'Authorization code expired.' });
  });

  it('refuses missing and repeated parameters and unknown grants', async () => {
    expect((await redeem(f, f.confidential, {})).json()).toMatchObject({ error: 'invalid_request' });
    const twice = await f.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(f.confidential.clientId, f.confidential.secret ?? ''),
      },
      payload: 'grant_type=authorization_code&code=a&code=b',
    });
    expect(twice.json()).toMatchObject({ error: 'invalid_request' });
    const unknown = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: 'password', username: 'a', password: 'b' },
      f.confidential,
    );
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await postForm(f.app, '/oauth/token', { grant_type: 'authorization_code', code: 'x' })).statusCode).toBe(
      401,
    );
  });

  it('accepts the redirect URI the code went to when authorize named none', async () => {
    const { code } = await f.code(f.confidential);
    expect((await redeem(f, f.confidential, { code, redirect_uri: REDIRECT_URI })).statusCode).toBe(200);
    const other = await f.code(f.confidential);
    expect(
      (await redeem(f, f.confidential, { code: other.code, redirect_uri: 'https://evil.example/cb' })).json(),
    ).toMatchObject({
      error: 'invalid_grant',
    });
  });

  // Issue 17, H1: the standard form already binds the URI (it was sent to authorize) and
  // already makes a confidential app use its secret; these hold both for host-pattern codes.
  describe('a code sent to a URI that only a host pattern allows', () => {
    const CAUGHT = 'https://evil.app.example/steal';
    const patternCode = () =>
      f.code(f.confidential, { pkce: true, redirectUriSent: CAUGHT, redirectUriMatch: 'host_pattern' });

    it('refuses a confidential app that offers only its verifier (`none` is for public apps), and spends the code', async () => {
      const { code, verifier } = await patternCode();
      const fields = { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: CAUGHT };
      const refused = await postForm(f.app, '/oauth/token', { ...fields, client_id: f.confidential.clientId });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: 'invalid_client' });
      expect(
        (await redeem(f, f.confidential, { code, code_verifier: verifier, redirect_uri: CAUGHT })).json(),
      ).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a missing or different redirect_uri, and spends the code', async () => {
      const missing = await patternCode();
      expect(
        (await redeem(f, f.confidential, { code: missing.code, code_verifier: missing.verifier })).json(),
      ).toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringContaining('redirect_uri is required'),
      });
      expect(
        (
          await redeem(f, f.confidential, { code: missing.code, code_verifier: missing.verifier, redirect_uri: CAUGHT })
        ).json(),
      ).toMatchObject({ error: 'invalid_grant' });
      const other = await patternCode();
      expect(
        (
          await redeem(f, f.confidential, {
            code: other.code,
            code_verifier: other.verifier,
            redirect_uri: REDIRECT_URI,
          })
        ).json(),
      ).toMatchObject({
        error: 'invalid_grant',
        error_description: expect.stringContaining('does not match'),
      });
    });

    it('answers the secret (Basic or in the body) with the redirect_uri and the verifier', async () => {
      const basicCode = await patternCode();
      expect(
        (
          await redeem(f, f.confidential, {
            code: basicCode.code,
            code_verifier: basicCode.verifier,
            redirect_uri: CAUGHT,
          })
        ).statusCode,
      ).toBe(200);
      const post = await patternCode();
      const fields = {
        grant_type: 'authorization_code',
        code: post.code,
        code_verifier: post.verifier,
        redirect_uri: CAUGHT,
      };
      expect(
        (
          await postForm(f.app, '/oauth/token', {
            ...fields,
            client_id: f.confidential.clientId,
            client_secret: f.confidential.secret,
          })
        ).statusCode,
      ).toBe(200);
    });
  });
});

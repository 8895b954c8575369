import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { lookupAccessToken } from '../src/tokens/service.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { REDIRECT_URI, type TokenFixture, pkcePair, postForm, postJson, tokenFixture } from './token-fixture.js';

/** Mixin's JSON form of POST /oauth/token (PROTOCOL.md §7), answered in the platform envelope. */
describe('POST /oauth/token, platform form', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const spent = async (code: string) =>
    (
      await f.deps.db
        .selectFrom('authorization_codes')
        .select('used_at')
        .where('code_hash', '=', sha256Hex(code))
        .executeTakeFirstOrThrow()
    ).used_at !== null;

  it('trades a code and the client secret for a bearer token', async () => {
    const { code, authorizationId } = await f.code(f.confidential);
    const response = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code,
      client_secret: f.confidential.secret,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const data = response.json().data;
    expect(data).toEqual({
      access_token: expect.any(String),
      scope: 'PROFILE:READ PHONE:READ',
      authorization_id: authorizationId,
    });
    expect(await lookupAccessToken(f.deps, data.access_token)).toMatchObject({ active: true, userId: f.user.user_id });
  });

  it('lets a confidential app use its verifier instead of its secret', async () => {
    const { code, verifier } = await f.code(f.confidential, { pkce: true });
    const response = await postJson(f.app, { client_id: f.confidential.clientId, code, code_verifier: verifier });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.access_token).toEqual(expect.any(String));
  });

  it('binds an ed25519 key: answers the server key and no bearer token', async () => {
    const { code, verifier, authorizationId } = await f.code(f.publicApp, { pkce: true });
    const clientKey = Buffer.alloc(32, 9);
    const response = await postJson(f.app, {
      client_id: f.publicApp.clientId,
      code,
      code_verifier: verifier,
      ed25519: clientKey.toString('base64url'),
    });
    expect(response.statusCode).toBe(200);
    const server = await serverKeyPair(f.database.storage);
    expect(response.json()).toEqual({
      data: {
        authorization_id: authorizationId,
        scope: 'PROFILE:READ PHONE:READ',
        ed25519: server.publicKey.toString('base64url'),
      },
    });
    expect((await f.authorizationRow(authorizationId))?.ed25519_public_key).toBe(clientKey.toString('hex'));
    const tokens = await f.deps.db
      .selectFrom('access_tokens')
      .select('token_hash')
      .where('authorization_id', '=', authorizationId)
      .execute();
    expect(tokens).toEqual([]);
  });

  it('ignores the empty Bearer header Mixin SDKs send', async () => {
    const { code } = await f.code(f.confidential);
    const response = await postJson(
      f.app,
      { client_id: f.confidential.clientId, code, client_secret: f.confidential.secret },
      { authorization: 'Bearer ' },
    );
    expect(response.statusCode).toBe(200);
  });

  it.each([
    [
      'both a secret and a verifier',
      (secret: string | undefined, verifier: string | undefined) => ({
        client_secret: secret,
        code_verifier: verifier,
      }),
    ],
    ['neither a secret nor a verifier', () => ({})],
    [
      'a redirect_uri that is not a string',
      (_secret: string | undefined, verifier: string | undefined) => ({
        code_verifier: verifier,
        redirect_uri: ['https://app.example/cb'],
      }),
    ],
  ])('refuses %s with 10002 and leaves the code usable', async (_name, fields) => {
    const { code, verifier } = await f.code(f.confidential, { pkce: true });
    const refused = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code,
      ...fields(f.confidential.secret, verifier),
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 10002 });
    const retry = await postJson(f.app, { client_id: f.confidential.clientId, code, code_verifier: verifier });
    expect(retry.statusCode).toBe(200);
  });

  it('takes an optional redirect_uri: when sent it must be the one the code went to, or the code is spent', async () => {
    const right = await f.code(f.confidential, { pkce: true });
    const answer = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code: right.code,
      code_verifier: right.verifier,
      redirect_uri: REDIRECT_URI,
    });
    expect(answer.statusCode).toBe(200);
    const wrong = await f.code(f.confidential, { pkce: true });
    const refused = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code: wrong.code,
      code_verifier: wrong.verifier,
      redirect_uri: 'https://app.example/other',
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.description).toMatch(/redirect_uri does not match/);
    expect(await spent(wrong.code)).toBe(true);
  });

  it('refuses a malformed ed25519 key with 10002 and leaves the code usable', async () => {
    const { code } = await f.code(f.confidential);
    const body = { client_id: f.confidential.clientId, code, client_secret: f.confidential.secret };
    const refused = await postJson(f.app, { ...body, ed25519: Buffer.alloc(31).toString('base64url') });
    expect(refused.json().error).toMatchObject({ code: 10002, extra: { field: 'ed25519' } });
    expect((await postJson(f.app, body)).statusCode).toBe(200);
  });

  it('refuses a public app that takes the secret path, and spends the code', async () => {
    const { code, verifier } = await f.code(f.publicApp, { pkce: true });
    const refused = await postJson(f.app, { client_id: f.publicApp.clientId, code, client_secret: 'a'.repeat(64) });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error).toMatchObject({ code: 401 });
    expect((await postJson(f.app, { client_id: f.publicApp.clientId, code, code_verifier: verifier })).statusCode).toBe(
      401,
    );
  });

  it('refuses a wrong secret and a wrong verifier with 401', async () => {
    const secretCode = await f.code(f.confidential);
    expect(
      (
        await postJson(f.app, {
          client_id: f.confidential.clientId,
          code: secretCode.code,
          client_secret: 'b'.repeat(64),
        })
      ).statusCode,
    ).toBe(401);
    const pkceCode = await f.code(f.confidential, { pkce: true });
    const wrong = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code: pkceCode.code,
      code_verifier: pkcePair().verifier,
    });
    expect(wrong.statusCode).toBe(401);
  });

  it('refuses a verifier when authorize had no challenge', async () => {
    const { code } = await f.code(f.confidential);
    const response = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code,
      code_verifier: pkcePair().verifier,
    });
    expect(response.statusCode).toBe(401);
  });

  it('answers Mixin clients (X-Request-Id) with HTTP 202 and the envelope', async () => {
    const response = await postJson(
      f.app,
      { client_id: f.confidential.clientId, code: 'nope', client_secret: 'x' },
      { 'x-request-id': 'req-1' },
    );
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({
      error: { status: 202, code: 401, description: expect.any(String), request_id: 'req-1' },
    });
  });

  it('refuses a replayed code and revokes the token it gave', async () => {
    const { code } = await f.code(f.confidential);
    const body = { client_id: f.confidential.clientId, code, client_secret: f.confidential.secret };
    const token = (await postJson(f.app, body)).json().data.access_token;
    expect((await postJson(f.app, body)).statusCode).toBe(401);
    expect((await lookupAccessToken(f.deps, token))?.active).toBe(false);
  });

  it('refuses a Basic header: credentials go in the body', async () => {
    const { code } = await f.code(f.confidential);
    const response = await postJson(
      f.app,
      { client_id: f.confidential.clientId, code, client_secret: f.confidential.secret },
      { authorization: 'Basic eDp5' },
    );
    expect(response.json().error).toMatchObject({ code: 10002 });
  });

  it('answers an expired code with 20121', async () => {
    const { code } = await f.code(f.confidential);
    f.clock.advance(11 * 60 * 1000);
    const response = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code,
      client_secret: f.confidential.secret,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 20121, description: 'Authorization code expired.' });
  });

  /*
   * Issue 17, H1: a code sent to a redirect URI that only a host pattern allows may have
   * been caught by a host the app does not control, with a PKCE challenge of the catcher's.
   * It needs that redirect_uri and, for a confidential app, the secret; any failure spends it.
   */
  describe('a code sent to a URI that only a host pattern allows', () => {
    const CAUGHT = 'https://evil.app.example/steal';
    const patternCode = (client = f.confidential, pkce = true) =>
      f.code(client, { pkce, redirectUriSent: CAUGHT, redirectUriMatch: 'host_pattern' });

    it('refuses the verifier alone from a confidential app, even with the right redirect_uri, and spends the code', async () => {
      const { code, verifier } = await patternCode();
      const refused = await postJson(f.app, {
        client_id: f.confidential.clientId,
        code,
        code_verifier: verifier,
        redirect_uri: CAUGHT,
      });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().error).toMatchObject({
        code: 401,
        description: expect.stringMatching(/client_secret is required/),
      });
      expect(await spent(code)).toBe(true);
      const retry = await postJson(f.app, {
        client_id: f.confidential.clientId,
        code,
        client_secret: f.confidential.secret,
        redirect_uri: CAUGHT,
      });
      expect(retry.statusCode).toBe(401);
    });

    it('refuses it in the Mixin envelope (HTTP 202) to a request with X-Request-Id', async () => {
      const { code, verifier } = await patternCode();
      const refused = await postJson(
        f.app,
        { client_id: f.confidential.clientId, code, code_verifier: verifier, redirect_uri: CAUGHT },
        { 'x-request-id': 'req-h1' },
      );
      expect(refused.statusCode).toBe(202);
      expect(refused.json()).toEqual({
        error: {
          status: 202,
          code: 401,
          description: expect.stringMatching(/client_secret is required/),
          request_id: 'req-h1',
        },
      });
    });

    it('refuses the secret without the redirect_uri (as Mixin SDKs send it), or with another one, and spends the code', async () => {
      const missing = await patternCode(f.confidential, false);
      const noUri = await postJson(f.app, {
        client_id: f.confidential.clientId,
        code: missing.code,
        client_secret: f.confidential.secret,
      });
      expect(noUri.statusCode).toBe(401);
      expect(noUri.json().error.description).toMatch(/redirect_uri is required/);
      expect(await spent(missing.code)).toBe(true);
      const other = await patternCode(f.confidential, false);
      const otherUri = await postJson(f.app, {
        client_id: f.confidential.clientId,
        code: other.code,
        client_secret: f.confidential.secret,
        redirect_uri: `${CAUGHT}/x`,
      });
      expect(otherUri.json().error.description).toMatch(/redirect_uri does not match/);
      expect(await spent(other.code)).toBe(true);
    });

    it('answers the secret with the redirect_uri; a code whose authorize had a challenge needs the standard form, which takes both', async () => {
      const plain = await patternCode(f.confidential, false);
      const answer = await postJson(f.app, {
        client_id: f.confidential.clientId,
        code: plain.code,
        client_secret: f.confidential.secret,
        redirect_uri: CAUGHT,
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json().data.authorization_id).toBe(plain.authorizationId);
      const pkce = await patternCode();
      // the JSON form takes exactly one of secret and verifier (PROTOCOL.md §7), and PKCE is never skipped
      const secretOnly = await postJson(f.app, {
        client_id: f.confidential.clientId,
        code: pkce.code,
        client_secret: f.confidential.secret,
        redirect_uri: CAUGHT,
      });
      expect(secretOnly.json().error.description).toMatch(/code_verifier is required/);
      const standard = await f.code(f.confidential, {
        pkce: true,
        redirectUriSent: CAUGHT,
        redirectUriMatch: 'host_pattern',
      });
      const form = await postForm(
        f.app,
        '/oauth/token',
        {
          grant_type: 'authorization_code',
          code: standard.code,
          redirect_uri: CAUGHT,
          code_verifier: standard.verifier,
        },
        f.confidential,
      );
      expect(form.statusCode).toBe(200);
    });

    it('lets a public app, which has no secret, redeem with its verifier and the redirect_uri only', async () => {
      const refusedCode = await patternCode(f.publicApp);
      const refused = await postJson(f.app, {
        client_id: f.publicApp.clientId,
        code: refusedCode.code,
        code_verifier: refusedCode.verifier,
      });
      expect(refused.json().error.description).toMatch(/redirect_uri is required/);
      const { code, verifier } = await patternCode(f.publicApp);
      expect(
        (
          await postJson(f.app, {
            client_id: f.publicApp.clientId,
            code,
            code_verifier: verifier,
            redirect_uri: CAUGHT,
          })
        ).statusCode,
      ).toBe(200);
    });
  });
});

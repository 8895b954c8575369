import { randomUUID } from 'node:crypto';
import { signAccessToken } from '@mixin.dev/mixin-node-sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKeystore } from '../../server/src/accounts/keystores.js';
import { serverKeyPair } from '../../server/src/tokens/server-key.js';
import { type TokenFixture, REDIRECT_URI, tokenFixture } from '../../server/test/token-fixture.js';
import {
  OAuthError,
  type SessionKeystore,
  SignetApiError,
  SignetClient,
  authorizeUrl,
  createKeyPair,
  createPkce,
  exchangeCode,
  mintServiceToken,
  readAuthorizeResponse,
  refresh,
  signRequest,
  verifyServiceLogin,
} from '../src/index.js';

describe('signRequest matches the Mixin SDK byte for byte', () => {
  const session = {
    user_id: randomUUID(),
    app_id: '',
    session_id: randomUUID(),
    session_private_key: createKeyPair().seedHex,
    server_public_key: '',
  };
  session.app_id = session.user_id;

  it.each([
    ['GET', '/me', ''],
    ['GET', '/snapshots?limit=10&order=ASC', ''],
    ['POST', '/transfers', JSON.stringify({ asset_id: 'a', amount: '1.5', trace_id: 't', memo: 'hi' })],
  ])('session token for %s %s', (method, url, body) => {
    const requestId = randomUUID();
    vi.useFakeTimers({ now: 1_795_000_000_000 });
    try {
      const theirs = signAccessToken(method, url, body, requestId, session);
      const ours = signRequest({ method, url, body, keystore: session, requestId, now: 1_795_000_000 });
      expect(ours.token).toBe(theirs);
    } finally {
      vi.useRealTimers();
    }
  });

  it('OAuth token', () => {
    const oauth = {
      app_id: randomUUID(),
      authorization_id: randomUUID(),
      scope: 'PROFILE:READ ASSETS:READ',
      session_private_key: createKeyPair().seedHex,
      server_public_key: '',
    };
    const requestId = randomUUID();
    vi.useFakeTimers({ now: 1_795_000_000_000 });
    try {
      expect(signRequest({ method: 'GET', url: '/assets', keystore: oauth, requestId, now: 1_795_000_000 }).token).toBe(
        signAccessToken('GET', '/assets', '', requestId, oauth),
      );
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the SDK against a running server', () => {
  let f: TokenFixture;
  let issuer: string;
  let keystore: SessionKeystore;

  beforeAll(async () => {
    f = await tokenFixture();
    f.clock.advance(Date.now() - f.clock.now());
    issuer = await f.app.listen({ port: 0, host: '127.0.0.1' });
    keystore = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
  });
  afterAll(async () => f?.close());

  it('builds the authorize URL and reads the answer, checking iss and state', () => {
    const pkce = createPkce();
    const url = new URL(
      authorizeUrl({
        issuer,
        clientId: 'c',
        redirectUri: REDIRECT_URI,
        scopes: ['PROFILE:READ', 'PHONE:READ'],
        state: 's',
        codeChallenge: pkce.challenge,
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: 'c',
      scope: 'PROFILE:READ PHONE:READ',
      code_challenge_method: 'S256',
      response_type: 'code',
    });
    const back = `${REDIRECT_URI}?code=abc&state=s&iss=${encodeURIComponent(issuer)}`;
    expect(readAuthorizeResponse(back, { issuer, state: 's' })).toEqual({ code: 'abc' });
    expect(() => readAuthorizeResponse(back, { issuer: 'https://evil.example', state: 's' })).toThrow(/issuer/);
    expect(() => readAuthorizeResponse(back, { issuer, state: 'other' })).toThrow(/state/);
  });

  it('exchanges a PKCE code in the standard dialect and refreshes', async () => {
    const pkce = createPkce();
    const { code } = await f.code(f.publicApp, { challenge: pkce.challenge });
    const grant = await exchangeCode({ issuer, clientId: f.publicApp.clientId, code, codeVerifier: pkce.verifier });
    expect(grant).toMatchObject({ scope: 'PROFILE:READ PHONE:READ', expiresIn: 3600 });
    const next = await refresh({ issuer, clientId: f.publicApp.clientId, refreshToken: grant.refreshToken ?? '' });
    expect(next.refreshToken).not.toBe(grant.refreshToken);
    // a retry within REFRESH_REUSE_GRACE gets the same pair; after it, the spent token is reuse
    const retried = await refresh({ issuer, clientId: f.publicApp.clientId, refreshToken: grant.refreshToken ?? '' });
    expect(retried.refreshToken).toBe(next.refreshToken);
    f.clock.advance(10_000);
    await expect(
      refresh({ issuer, clientId: f.publicApp.clientId, refreshToken: grant.refreshToken ?? '' }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('exchanges in the platform dialect with a bound key, then signs API calls with it', async () => {
    const { code } = await f.code(f.confidential);
    const keys = createKeyPair();
    const grant = await exchangeCode({
      issuer,
      clientId: f.confidential.clientId,
      clientSecret: f.confidential.secret ?? '',
      code,
      dialect: 'platform',
      ed25519: keys.publicKeyBase64Url,
    });
    expect(grant.accessToken).toBeUndefined();
    expect(grant.serverPublicKey).toBe((await serverKeyPair(f.database.storage)).publicKey.toString('base64url'));
    const app = new SignetClient({
      baseUrl: issuer,
      keystore: {
        client_id: f.confidential.clientId,
        authorization_id: grant.authorizationId,
        scope: grant.scope,
        session_private_key: keys.seedHex,
      },
    });
    // the user sees that authorization through their own session keystore
    const user = new SignetClient({ baseUrl: issuer, keystore });
    expect((await user.authorizations(f.confidential.clientId)).map((a) => a.authorization_id)).toContain(
      grant.authorizationId,
    );
    // an app token may not list authorizations (FULL only): a typed error with the platform code
    const refused = await app.authorizations().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SignetApiError);
    expect(refused).toMatchObject({ code: 403 });
    await user.revoke(f.confidential.clientId);
    expect(await user.authorizations(f.confidential.clientId)).toEqual([]);
  });

  it('sends the redirect URI in the platform dialect too: a host-pattern code needs it and the secret', async () => {
    const caught = 'https://shop.app.example/cb';
    const { code } = await f.code(f.confidential, { redirectUriSent: caught, redirectUriMatch: 'host_pattern' });
    const grant = await exchangeCode({
      issuer,
      clientId: f.confidential.clientId,
      clientSecret: f.confidential.secret ?? '',
      redirectUri: caught,
      code,
      dialect: 'platform',
    });
    expect(grant.accessToken).toEqual(expect.any(String));
  });

  describe('service login', () => {
    it('lets a service trade a token minted for it, once', async () => {
      const token = mintServiceToken(keystore, f.confidential.clientId);
      const login = await verifyServiceLogin({
        issuer,
        clientId: f.confidential.clientId,
        clientSecret: f.confidential.secret ?? '',
        token,
      });
      expect(login).toMatchObject({
        scope: 'PROFILE:READ',
        user: { user_id: f.user.user_id, identity_number: f.user.identity_number },
      });
      const replay = await verifyServiceLogin({
        issuer,
        clientId: f.confidential.clientId,
        clientSecret: f.confidential.secret ?? '',
        token,
      }).catch((e: unknown) => e);
      expect(replay).toBeInstanceOf(OAuthError);
      expect(replay).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a token minted for another service', async () => {
      const token = mintServiceToken(keystore, f.other.clientId);
      await expect(
        verifyServiceLogin({
          issuer,
          clientId: f.confidential.clientId,
          clientSecret: f.confidential.secret ?? '',
          token,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a token without aud (an ordinary signed request)', async () => {
      const { token } = signRequest({ method: 'GET', url: '/me', keystore });
      await expect(
        verifyServiceLogin({
          issuer,
          clientId: f.confidential.clientId,
          clientSecret: f.confidential.secret ?? '',
          token,
        }),
      ).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });
});

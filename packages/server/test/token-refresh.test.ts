import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupAccessToken, revokeAuthorization } from '../src/tokens/service.js';
import { type TestApp, type TokenFixture, postForm, redeem, tokenFixture, tokenPairAnswer } from './token-fixture.js';

/** The default REFRESH_REUSE_GRACE, 10 s. */
const GRACE_MS = 10_000;

describe('POST /oauth/token grant_type=refresh_token', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const refresh = (client: TestApp, refreshToken: string, extra: Record<string, string> = {}) =>
    postForm(f.app, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, client);
  const tokensFor = async (client: TestApp, scopes?: string[]) => {
    const { code } = await f.code(client, scopes ? { scopes } : {});
    return (await redeem(f, client, { code })).json();
  };

  it('rotates: a new access and refresh token on every use', async () => {
    const first = await tokensFor(f.confidential);
    const response = await refresh(f.confidential, first.refresh_token);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const second = response.json();
    expect(second).toEqual(tokenPairAnswer(first.authorization_id));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await f.isActive(second.access_token)).toBe(true);
    expect((await refresh(f.confidential, second.refresh_token)).statusCode).toBe(200);
  });

  it('revokes the whole authorization when a spent refresh token comes back after the retry grace', async () => {
    const first = await tokensFor(f.confidential);
    const second = (await refresh(f.confidential, first.refresh_token)).json();
    f.clock.advance(GRACE_MS);
    const reuse = await refresh(f.confidential, first.refresh_token);
    expect(reuse.statusCode).toBe(400);
    expect(reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await f.isActive(second.access_token)).toBe(false);
    expect(await f.isActive(first.access_token)).toBe(false);
    expect((await refresh(f.confidential, second.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('gives three concurrent uses of one token (tabs, retries) the same new pair, which works', async () => {
    const first = await tokensFor(f.confidential);
    const results = await Promise.all(Array.from({ length: 3 }, () => refresh(f.confidential, first.refresh_token)));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const [pair, ...others] = results.map((r) => r.json());
    for (const other of others) expect(other).toEqual(pair);
    expect(pair.refresh_token).not.toBe(first.refresh_token);
    expect(await f.isActive(pair.access_token)).toBe(true);
    expect(
      (await f.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${pair.access_token}` } }))
        .statusCode,
    ).toBe(200);
    expect((await refresh(f.confidential, pair.refresh_token)).statusCode).toBe(200);
  });

  it('refuses another client’s refresh token and leaves it usable by its owner, spent or not', async () => {
    const tokens = await tokensFor(f.confidential);
    const stolen = await refresh(f.other, tokens.refresh_token);
    expect(stolen.json()).toMatchObject({ error: 'invalid_grant' });
    const next = await refresh(f.confidential, tokens.refresh_token);
    expect(next.statusCode).toBe(200);
    // within the grace too: another client gets nothing, and revokes nothing
    expect((await refresh(f.other, tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await f.isActive(next.json().access_token)).toBe(true);
  });

  it('refuses a wrong client secret without spending the token', async () => {
    const tokens = await tokensFor(f.confidential);
    const wrong = await refresh({ clientId: f.confidential.clientId, secret: 'c'.repeat(64) }, tokens.refresh_token);
    expect(wrong.statusCode).toBe(401);
    expect((await refresh(f.confidential, tokens.refresh_token)).statusCode).toBe(200);
  });

  it('narrows scope within the authorization and refuses to widen it', async () => {
    const tokens = await tokensFor(f.confidential, ['PROFILE:READ', 'PHONE:READ']);
    const wider = await refresh(f.confidential, tokens.refresh_token, { scope: 'PROFILE:READ ASSETS:READ' });
    expect(wider.statusCode).toBe(400);
    expect(wider.json()).toMatchObject({ error: 'invalid_scope' });
    const narrower = await refresh(f.confidential, tokens.refresh_token, { scope: 'PROFILE:READ' });
    expect(narrower.statusCode).toBe(200);
    expect(narrower.json().scope).toBe('PROFILE:READ');
    expect((await lookupAccessToken(f.deps, narrower.json().access_token))?.scopes).toEqual(['PROFILE:READ']);
    // the new refresh token keeps the authorization's scopes (RFC 6749 §6)
    expect((await refresh(f.confidential, narrower.json().refresh_token)).json().scope).toBe('PROFILE:READ PHONE:READ');
  });

  it('lets a public app refresh with its client_id alone', async () => {
    const { code, verifier } = await f.code(f.publicApp, { pkce: true });
    const tokens = (
      await postForm(f.app, '/oauth/token', {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: f.publicApp.clientId,
      })
    ).json();
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: f.publicApp.clientId,
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses a refresh token whose authorization was revoked, or that expired', async () => {
    const revoked = await tokensFor(f.confidential);
    await revokeAuthorization(f.deps, revoked.authorization_id);
    expect((await refresh(f.confidential, revoked.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    const expired = await tokensFor(f.confidential);
    f.clock.advance(30 * 24 * 60 * 60 * 1000 + 1);
    expect((await refresh(f.confidential, expired.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('POST /oauth/token grant_type=refresh_token with REFRESH_REUSE_GRACE=0', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture({ REFRESH_REUSE_GRACE: '0' });
  });
  afterAll(async () => {
    await f?.close();
  });
  const refresh = (refreshToken: string) =>
    postForm(f.app, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, f.confidential);

  it('revokes at once: an immediate second use of a token ends the first use’s tokens too', async () => {
    const { code } = await f.code(f.confidential);
    const first = (await redeem(f, f.confidential, { code })).json();
    const second = (await refresh(first.refresh_token)).json();
    expect((await refresh(first.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await f.isActive(second.access_token)).toBe(false);
  });

  it('lets one of two concurrent uses win, and the other revokes it', async () => {
    const { code } = await f.code(f.confidential);
    const first = (await redeem(f, f.confidential, { code })).json();
    const results = await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    const winner = results.find((r) => r.statusCode === 200)?.json();
    expect(await f.isActive(winner.access_token)).toBe(false);
  });
});

describe('POST /oauth/token grant_type=client_credentials', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const clientCredentials = (client: TestApp | undefined, fields: Record<string, string> = {}) =>
    postForm(f.app, '/oauth/token', { grant_type: 'client_credentials', ...fields }, client);

  it('gives a confidential app a token for its bot user, PROFILE:READ by default, without a refresh token', async () => {
    const response = await clientCredentials(f.confidential);
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'PROFILE:READ',
    });
    expect(await lookupAccessToken(f.deps, body.access_token)).toMatchObject({
      active: true,
      userId: f.confidential.clientId,
      clientId: f.confidential.clientId,
      authorizationId: null,
    });
  });

  it('grants registry scopes it asks for, PROFILE:READ always included', async () => {
    const response = await clientCredentials(f.confidential, { scope: 'ASSETS:READ' });
    expect(response.json().scope).toBe('PROFILE:READ ASSETS:READ');
  });

  it('refuses a scope outside the registry', async () => {
    const response = await clientCredentials(f.confidential, { scope: 'PROFILE:READ WALLET:DRAIN' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_scope' });
  });

  it('refuses a public app', async () => {
    const response = await postForm(f.app, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: f.publicApp.clientId,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'unauthorized_client' });
  });

  it('refuses a wrong secret and no authentication at all', async () => {
    const wrong = await clientCredentials({ clientId: f.confidential.clientId, secret: 'd'.repeat(64) });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: 'invalid_client' });
    expect((await clientCredentials(undefined)).statusCode).toBe(401);
  });
});

import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { auditMark } from './audit-rows.js';
import { sessionClaims, signJws } from './signing.js';
import {
  REDIRECT_URI,
  type TestApp,
  type TokenFixture,
  postForm,
  postJson,
  redeem,
  tokenFixture,
} from './token-fixture.js';
import { TestBrowser } from './web.js';

// inject()'s default client address
const LOCAL = '127.0.0.1';

describe('audit log: the token endpoints, the API and device approval', () => {
  let f: TokenFixture;
  let keystore: Keystore;
  beforeAll(async () => {
    f = await tokenFixture();
    keystore = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
  });
  afterAll(async () => f?.close());

  const refresh = (client: TestApp, refreshToken: string) =>
    postForm(f.app, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, client);
  async function tokensFor(
    client: TestApp,
  ): Promise<{ access_token: string; refresh_token: string; authorization_id: string }> {
    const { code } = await f.code(client);
    return (await redeem(f, client, { code })).json();
  }

  /** A FULL request signed with the user's session keystore, as the Mixin SDKs send it. */
  function signed(method: 'GET' | 'POST', url: string, body?: unknown): Promise<LightMyRequestResponse> {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const claims = sessionClaims(keystore, method, url, payload, Math.floor(f.clock.now() / 1000));
    const token = signJws({ alg: 'EdDSA', typ: 'JWT' }, claims, keystore.session_private_key);
    const headers = {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    return f.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload }) });
  }

  it('records a refresh-token reuse, with the authorization it revoked', async () => {
    const first = await tokensFor(f.confidential);
    expect((await refresh(f.confidential, first.refresh_token)).statusCode).toBe(200);
    const rows = await auditMark(f.deps.db);
    // a retry within REFRESH_REUSE_GRACE is no reuse, and records nothing
    expect((await refresh(f.confidential, first.refresh_token)).statusCode).toBe(200);
    expect(await rows()).toEqual([]);
    f.clock.advance(10_000);
    expect((await refresh(f.confidential, first.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'refresh_token.reused',
        user_id: f.user.user_id,
        client_id: f.confidential.clientId,
        authorization_id: first.authorization_id,
        ip: LOCAL,
        detail: { authorization_revoked: true },
      }),
    ]);
  });

  it('records an authorization-code replay in both dialects, naming a different claimed client', async () => {
    const { code, authorizationId } = await f.code(f.confidential);
    const platform = await f.code(f.confidential);
    expect((await redeem(f, f.confidential, { code })).statusCode).toBe(200);
    const rows = await auditMark(f.deps.db);
    expect((await redeem(f, f.other, { code })).json()).toMatchObject({ error: 'invalid_grant' });
    await postJson(f.app, {
      client_id: f.confidential.clientId,
      code: platform.code,
      client_secret: f.confidential.secret,
    });
    await postJson(f.app, {
      client_id: f.confidential.clientId,
      code: platform.code,
      client_secret: f.confidential.secret,
    });
    const base = { user_id: f.user.user_id, client_id: f.confidential.clientId, ip: LOCAL };
    expect(await rows()).toEqual([
      expect.objectContaining({
        ...base,
        type: 'authorization_code.replayed',
        authorization_id: authorizationId,
        detail: { authorization_revoked: true, claimed_client_id: f.other.clientId },
      }),
      expect.objectContaining({
        ...base,
        type: 'authorization_code.replayed',
        authorization_id: platform.authorizationId,
        detail: { authorization_revoked: true },
      }),
    ]);
  });

  it('records a client revoking a refresh token at /oauth/revoke; an access token or an unknown token writes nothing', async () => {
    const tokens = await tokensFor(f.confidential);
    const rows = await auditMark(f.deps.db);
    expect((await postForm(f.app, '/oauth/revoke', { token: tokens.access_token }, f.confidential)).statusCode).toBe(
      200,
    );
    expect((await postForm(f.app, '/oauth/revoke', { token: 'no-such-token' }, f.confidential)).statusCode).toBe(200);
    expect(await rows()).toEqual([]);
    expect(
      (
        await postForm(
          f.app,
          '/oauth/revoke',
          { token: tokens.refresh_token, token_type_hint: 'refresh_token' },
          f.confidential,
        )
      ).statusCode,
    ).toBe(200);
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'authorization.revoked',
        user_id: f.user.user_id,
        client_id: f.confidential.clientId,
        authorization_id: tokens.authorization_id,
        detail: { via: 'oauth_revoke' },
      }),
    ]);
  });

  it('records a user revoking an app through POST /oauth/cancel', async () => {
    const tokens = await tokensFor(f.other);
    const rows = await auditMark(f.deps.db);
    const response = await signed('POST', '/oauth/cancel', { client_id: f.other.clientId });
    expect(response.json()).toEqual({ data: {} });
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'authorization.revoked',
        user_id: f.user.user_id,
        client_id: f.other.clientId,
        authorization_id: null,
        ip: LOCAL,
        detail: { via: 'api', scopes: ['PROFILE:READ', 'PHONE:READ'], authorization_ids: [tokens.authorization_id] },
      }),
    ]);
  });

  it('writes nothing for token requests refused without a security event: malformed, wrong secret, unknown token or code', async () => {
    const tokens = await tokensFor(f.confidential);
    const rows = await auditMark(f.deps.db);
    const refusals = [
      await postForm(f.app, '/oauth/token', {}, f.confidential),
      await postForm(
        f.app,
        '/oauth/token',
        { grant_type: 'password', username: 'alice', password: 'x' },
        f.confidential,
      ),
      await postForm(f.app, '/oauth/token', { grant_type: 'refresh_token' }, f.confidential),
      await refresh({ clientId: f.confidential.clientId, secret: 'c'.repeat(64) }, tokens.refresh_token),
      await refresh(f.confidential, 'not-a-refresh-token'),
      await redeem(f, f.confidential, { code: 'not-a-code' }),
      await postJson(f.app, { client_id: f.confidential.clientId }),
    ];
    expect(refusals.map((response) => response.statusCode >= 400 || response.statusCode === 202)).toEqual(
      refusals.map(() => true),
    );
    expect(await rows()).toEqual([]);
  });

  describe('approval from a device', () => {
    /** A signed-out browser opens the authorize page; the pending request it shows. */
    async function pendingRequest(): Promise<string> {
      const query = new URLSearchParams({
        client_id: f.confidential.clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'PROFILE:READ PHONE:READ',
      });
      const page = await new TestBrowser(f.app).get(`/oauth/authorize?${query.toString()}`);
      const id = /data-events="\/oauth\/device\/([0-9a-f-]{36})\/events"/.exec(page.body)?.[1];
      if (!id) throw new Error(`no device approval section (${page.statusCode})`);
      return id;
    }

    it('records consent granted from a device, with what was asked', async () => {
      const authorizationId = await pendingRequest();
      const rows = await auditMark(f.deps.db);
      expect(
        (await signed('POST', '/oauth/authorize', { authorization_id: authorizationId, scopes: ['PROFILE:READ'] }))
          .statusCode,
      ).toBe(200);
      expect(await rows()).toEqual([
        expect.objectContaining({
          type: 'consent.granted',
          user_id: f.user.user_id,
          client_id: f.confidential.clientId,
          ip: LOCAL,
          detail: { granted: ['PROFILE:READ'], asked: ['PROFILE:READ', 'PHONE:READ'], via: 'device' },
        }),
      ]);
    });

    it('records consent denied from a device; a second decision is refused and writes nothing', async () => {
      const authorizationId = await pendingRequest();
      const rows = await auditMark(f.deps.db);
      expect(
        (await signed('POST', '/oauth/authorize', { authorization_id: authorizationId, scopes: [] })).statusCode,
      ).toBe(200);
      expect(
        (
          await signed('POST', '/oauth/authorize', { authorization_id: authorizationId, scopes: ['PROFILE:READ'] })
        ).json(),
      ).toMatchObject({ error: { code: 403 } });
      expect(await rows()).toEqual([
        expect.objectContaining({
          type: 'consent.denied',
          user_id: f.user.user_id,
          client_id: f.confidential.clientId,
          authorization_id: authorizationId,
          detail: { asked: ['PROFILE:READ', 'PHONE:READ'], via: 'device' },
        }),
      ]);
    });
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type SessionKeystore, mintServiceToken, signRequest } from '@signet/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeystore } from '../../packages/server/src/accounts/keystores.js';
import { serverKeyPair } from '../../packages/server/src/tokens/server-key.js';
import { type TokenFixture, tokenFixture } from '../../packages/server/test/token-fixture.js';
import { createServer } from './app.js';

interface Envelope {
  code: string;
  success: boolean;
  message: string;
  data: Record<string, unknown> | null;
  timestampMs: number;
}

describe('examples/exchange-service against a running Signet', () => {
  let f: TokenFixture;
  let keystore: SessionKeystore;
  let service: Server;
  let serviceUrl: string;
  // the service's clock, moved forward to see its tokens expire
  let skew = 0;

  beforeAll(async () => {
    f = await tokenFixture();
    // tokens are minted with the real time: bring Signet's test clock to it
    f.clock.advance(Date.now() - f.clock.now());
    const issuer = await f.app.listen({ port: 0, host: '127.0.0.1' });
    keystore = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
    // the fixture's confidential app plays the service
    service = createServer({
      signetUrl: issuer,
      clientId: f.confidential.clientId,
      clientSecret: f.confidential.secret ?? '',
      now: () => Date.now() + skew,
    });
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => service?.close(resolve));
    await f?.close();
  });

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string } = {},
  ): Promise<{ status: number; body: Envelope }> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${serviceUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: response.status, body: (await response.json()) as Envelope };
  }

  const login = (token: string) => call('POST', '/mixin/me', { body: { token } });

  function expectRefused(answer: { status: number; body: Envelope }, status: number): void {
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({
      code: String(status),
      success: false,
      message: expect.any(String),
      data: null,
      timestampMs: expect.any(Number),
    });
    expect(answer.body.message).not.toBe('');
  }

  it('logs a user in with a token minted for it, then knows them by its own token for 24 hours', async () => {
    const before = Date.now();
    const answer = await login(mintServiceToken(keystore, f.confidential.clientId));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      code: '0',
      success: true,
      message: '',
      data: { token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), tokenType: 'Bearer', expiresIn: 86400 },
      timestampMs: expect.any(Number),
    });
    expect(answer.body.timestampMs).toBeGreaterThanOrEqual(before);
    const token = String(answer.body.data?.token);

    const me = await call('GET', '/users/me', { token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ code: '0', success: true, message: '' });
    expect(me.body.data).toEqual({
      user_id: f.user.user_id,
      identity_number: f.user.identity_number,
      full_name: f.user.full_name,
      avatar_url: f.user.avatar_url,
    });

    // it is the service's token, not Signet's: Signet does not know it
    expect(
      (await f.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(401);

    skew = 24 * 60 * 60 * 1000 - 1000;
    expect((await call('GET', '/users/me', { token })).status).toBe(200);
    skew = 24 * 60 * 60 * 1000;
    expectRefused(await call('GET', '/users/me', { token }), 401);
    skew = 0;
  });

  it('refuses /users/me without its token, or with an unknown one', async () => {
    expectRefused(await call('GET', '/users/me'), 401);
    expectRefused(await call('GET', '/users/me', { token: 'not-a-token-it-issued' }), 401);
  });

  describe('refuses the attacks of PROTOCOL.md §11, giving no token', () => {
    it('a login token replayed', async () => {
      const token = mintServiceToken(keystore, f.confidential.clientId);
      expect((await login(token)).body.success).toBe(true);
      expectRefused(await login(token), 401);
    });

    it('a login token minted for another service (aud)', async () => {
      expectRefused(await login(mintServiceToken(keystore, f.other.clientId)), 401);
    });

    it('a token without aud (an ordinary signed GET /me)', async () => {
      expectRefused(await login(signRequest({ method: 'GET', url: '/me', keystore }).token), 401);
    });

    it('an expired login token', async () => {
      const iat = Math.floor(Date.now() / 1000) - 120;
      expectRefused(
        await login(mintServiceToken(keystore, f.confidential.clientId, { now: iat, ttlSeconds: 60 })),
        401,
      );
    });
  });

  it('answers malformed requests in the envelope too', async () => {
    expectRefused(await call('POST', '/mixin/me', { body: {} }), 400);
    expectRefused(await call('POST', '/mixin/me', { body: { token: 42 } }), 400);
    const notJson = await fetch(`${serviceUrl}/mixin/me`, { method: 'POST', body: '{' });
    expectRefused({ status: notJson.status, body: (await notJson.json()) as Envelope }, 400);
    expectRefused(await call('GET', '/nowhere'), 404);
  });
});

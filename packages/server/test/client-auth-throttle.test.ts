import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENT_AUTH_WINDOW_MS,
  MAX_CLIENT_AUTH_FAILURES_PER_ADDRESS,
  MAX_CLIENT_AUTH_FAILURES_PER_CLIENT,
} from '../src/plugins/client-auth-throttle.js';
import { type TestApp, type TokenFixture, tokenFixture } from './token-fixture.js';

/** Failed client authentication is limited per address and per client (RATE_LIMITS). */
describe('client authentication throttle', () => {
  let f: TokenFixture;
  afterEach(async () => f?.close());

  const clientCredentials = (client: TestApp, address: string, secret = client.secret ?? '', path = '/oauth/token') =>
    f.app.inject({
      method: 'POST',
      url: path,
      remoteAddress: address,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}`,
      },
      payload: path === '/oauth/token' ? 'grant_type=client_credentials' : 'token=whatever',
    });

  it(`refuses an address after ${MAX_CLIENT_AUTH_FAILURES_PER_ADDRESS} failures with 429 and Retry-After, at every endpoint that authenticates clients, until the window ends`, async () => {
    f = await tokenFixture();
    const attacker = '198.51.100.9';
    for (let i = 0; i < MAX_CLIENT_AUTH_FAILURES_PER_ADDRESS; i++) {
      const client = i % 2 === 0 ? f.confidential : f.other;
      expect((await clientCredentials(client, attacker, 'a wrong secret')).statusCode).toBe(401);
    }
    const refused = await clientCredentials(f.confidential, attacker);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(CLIENT_AUTH_WINDOW_MS / 1000);
    expect((await clientCredentials(f.confidential, attacker, undefined, '/oauth/introspect')).statusCode).toBe(429);
    expect((await clientCredentials(f.confidential, attacker, undefined, '/oauth/revoke')).statusCode).toBe(429);
    // IPv4 counts per address: the neighbour is not held to it
    expect((await clientCredentials(f.confidential, '198.51.100.10')).statusCode).toBe(200);

    f.clock.advance(CLIENT_AUTH_WINDOW_MS);
    expect((await clientCredentials(f.confidential, attacker)).statusCode).toBe(200);
  });

  it(`past ${MAX_CLIENT_AUTH_FAILURES_PER_CLIENT} failures for one client, refuses it to the addresses that failed for it, not to others`, async () => {
    f = await tokenFixture();
    const guessers = Array.from({ length: MAX_CLIENT_AUTH_FAILURES_PER_CLIENT }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
    for (const address of guessers)
      expect((await clientCredentials(f.confidential, address, 'a wrong secret')).statusCode).toBe(401);
    // even with the right secret, a guessing address is refused for this client...
    expect((await clientCredentials(f.confidential, guessers[0] ?? '')).statusCode).toBe(429);
    // ...but not for another client, and the client's own servers, which never failed, go on
    expect((await clientCredentials(f.other, guessers[0] ?? '')).statusCode).toBe(200);
    expect((await clientCredentials(f.confidential, '203.0.113.200')).statusCode).toBe(200);
  });

  it('counts nothing with RATE_LIMITS=off', async () => {
    f = await tokenFixture({ RATE_LIMITS: 'off' });
    for (let i = 0; i <= MAX_CLIENT_AUTH_FAILURES_PER_ADDRESS; i++) {
      expect((await clientCredentials(f.confidential, '198.51.100.9', 'a wrong secret')).statusCode).toBe(401);
    }
    expect((await clientCredentials(f.confidential, '198.51.100.9')).statusCode).toBe(200);
  });
});

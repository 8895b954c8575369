import { MixinApi, getED25519KeyPair } from '@mixin.dev/mixin-node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { lookupAccessToken } from '../src/tokens/service.js';
import { postForm, postJson, REDIRECT_URI, type TestApp, type TokenFixture, tokenFixture } from './token-fixture.js';
import { TestClock } from './clock.js';

/** PROTOCOL.md §8 through the real Mixin SDK: list authorizations, revoke an app. */
describe('GET /authorizations and POST /oauth/cancel', () => {
  let f: TokenFixture;
  let url: string;
  let keystore: Keystore;
  const sdk = () => MixinApi({ keystore: { ...keystore }, requestConfig: { baseURL: url, retry: 0 } });

  /** One code redemption in the platform dialect with a bound key: one authorization, as one device would get. */
  async function authorizeDevice(client: TestApp): Promise<string> {
    const { code } = await f.code(client, { scopes: ['PROFILE:READ', 'PHONE:READ'] });
    const { publicKey } = getED25519KeyPair();
    const response = await postJson(f.app, {
      client_id: client.clientId,
      code,
      client_secret: client.secret,
      ed25519: publicKey.toString('base64url'),
    });
    return (response.json() as { data: { authorization_id: string } }).data.authorization_id;
  }

  beforeAll(async () => {
    // the SDK signs with the real time: the server's clock runs with it
    f = await tokenFixture({}, TestClock.ticking());
    url = await f.app.listen({ port: 0, host: '127.0.0.1' });
    keystore = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
  });
  afterAll(async () => f?.close());

  it('lists one authorization per redemption, newest first, with the grant’s scopes and the app', async () => {
    const first = await authorizeDevice(f.confidential);
    f.clock.advance(1000);
    const second = await authorizeDevice(f.confidential);
    const other = await authorizeDevice(f.other);

    const mine = await sdk().oauth.authorizations(f.confidential.clientId);
    expect(mine.map((a) => a.authorization_id)).toEqual([second, first]);
    expect(mine[0]).toMatchObject({
      type: 'authorization',
      scopes: ['PROFILE:READ', 'PHONE:READ'],
      app: { app_id: f.confidential.clientId, name: 'Confidential', redirect_uri: REDIRECT_URI },
    });
    const all = await sdk().oauth.authorizations('');
    expect(all.map((a) => a.authorization_id)).toEqual(expect.arrayContaining([first, second, other]));
  });

  it('revokes the app: every authorization and token under the grant ends at once', async () => {
    const { code } = await f.code(f.confidential);
    const tokens = (
      await postForm(f.app, '/oauth/token', { grant_type: 'authorization_code', code }, f.confidential)
    ).json() as { access_token: string };
    expect((await lookupAccessToken(f.deps, tokens.access_token))?.active).toBe(true);

    await sdk().oauth.revokeAuthorize(f.confidential.clientId);
    expect(await sdk().oauth.authorizations(f.confidential.clientId)).toEqual([]);
    expect((await lookupAccessToken(f.deps, tokens.access_token))?.active).toBe(false);
    // the other app is untouched
    expect((await sdk().oauth.authorizations(f.other.clientId)).length).toBeGreaterThan(0);
  });

  it('refuses without a session token, and refuses an OAuth app’s token (FULL only)', async () => {
    const anonymous = await fetch(`${url}/authorizations`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);
    const cancel = await fetch(`${url}/oauth/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: f.other.clientId }),
    });
    expect(cancel.status).toBe(401);
    expect((await sdk().oauth.authorizations(f.other.clientId)).length).toBeGreaterThan(0);
  });

  it('names the missing field', async () => {
    await expect(sdk().oauth.revokeAuthorize('')).rejects.toMatchObject({ code: 10002 });
  });
});

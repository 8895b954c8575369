import { MixinApi, getED25519KeyPair } from '@mixin.dev/mixin-node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Keystore } from '../src/accounts/keystores.js';
import { PHONE, type OAuthKeystore, type ResourceFixture, resourceFixture } from './resource-fixture.js';
import { postJson } from './token-fixture.js';
import { TestClock } from './clock.js';

/** PROTOCOL.md §10 profiles through the real Mixin SDK, against a listening server. */
describe('GET /me and GET /users/:id with the Mixin SDK', () => {
  let f: ResourceFixture;
  let url: string;
  const sdk = (keystore: Keystore | OAuthKeystore) =>
    MixinApi({ keystore: { ...keystore }, requestConfig: { baseURL: url, retry: 0 } });

  /** The key pair the SDK itself makes, bound through the platform token form. */
  async function sdkOAuthKeystore(scopes: string[]): Promise<OAuthKeystore> {
    const { code } = await f.code(f.confidential, { scopes, userId: f.reader.user_id });
    const { publicKey, seed } = getED25519KeyPair();
    const response = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code,
      client_secret: f.confidential.secret,
      ed25519: publicKey.toString('base64url'),
    });
    const data = (response.json() as { data: { authorization_id: string; scope: string; ed25519: string } }).data;
    return {
      app_id: f.confidential.clientId,
      authorization_id: data.authorization_id,
      scope: data.scope,
      session_private_key: Buffer.from(seed).toString('hex'),
      server_public_key: Buffer.from(data.ed25519, 'base64url').toString('hex'),
    };
  }

  beforeAll(async () => {
    // the SDK signs with the real time: the server's clock runs with it
    f = await resourceFixture(TestClock.ticking());
    url = await f.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => f?.close());

  it('shows a session keystore its own user in full, phone included', async () => {
    const me = await sdk(f.session).user.profile();
    expect(me).toEqual({
      type: 'user',
      user_id: f.reader.user_id,
      identity_number: f.reader.identity_number,
      full_name: 'Rea Der',
      biography: '',
      avatar_url: '',
      phone: PHONE,
      relationship: 'ME',
      mute_until: '0001-01-01T00:00:00Z',
      is_verified: false,
      is_scam: false,
      has_safe: false,
      created_at: f.reader.created_at,
    });
  });

  it('gives an OAuth keystore the phone only with PHONE:READ', async () => {
    const without = await sdkOAuthKeystore(['PROFILE:READ']);
    expect(without.scope).toBe('PROFILE:READ');
    expect(await sdk(without).user.profile()).toMatchObject({
      user_id: f.reader.user_id,
      relationship: 'ME',
      phone: '',
    });

    const withPhone = await sdkOAuthKeystore(['PROFILE:READ', 'PHONE:READ']);
    expect(await sdk(withPhone).user.profile()).toMatchObject({ user_id: f.reader.user_id, phone: PHONE });
  });

  it('counts only granted scopes, whatever the keystore claims', async () => {
    const keystore = await sdkOAuthKeystore(['PROFILE:READ']);
    expect(await sdk({ ...keystore, scope: 'PROFILE:READ PHONE:READ' }).user.profile()).toMatchObject({ phone: '' });
  });

  it('answers public profiles by user_id or identity number, never with the phone', async () => {
    const oauth = await sdkOAuthKeystore(['PROFILE:READ', 'PHONE:READ']);
    for (const client of [sdk(f.session), sdk(oauth)]) {
      const byId = await client.user.fetch(f.reader.user_id);
      expect(byId).toMatchObject({
        type: 'user',
        user_id: f.reader.user_id,
        identity_number: f.reader.identity_number,
        full_name: 'Rea Der',
        phone: '',
      });
      expect(await client.user.fetch(f.reader.identity_number)).toEqual(byId);
    }
    const stranger = await sdk(f.session).user.fetch(f.user.user_id);
    expect(stranger).toMatchObject({ user_id: f.user.user_id, relationship: 'STRANGER', phone: '' });
    expect(stranger).not.toHaveProperty('app_id');
  });

  it('shows an app’s bot user with its app_id', async () => {
    const bot = await sdk(f.session).user.fetch(f.confidential.clientId);
    expect(bot).toMatchObject({
      user_id: f.confidential.clientId,
      app_id: f.confidential.clientId,
      full_name: 'Confidential',
      relationship: 'STRANGER',
    });
  });

  it('answers 404 for nobody', async () => {
    await expect(sdk(f.session).user.fetch('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 404,
    });
    await expect(sdk(f.session).user.fetch('999999999')).rejects.toMatchObject({ code: 404 });
    await expect(sdk(f.session).user.fetch('not-a-user')).rejects.toMatchObject({ code: 404 });
  });

  it('lists the authorization and, once the app is revoked, refuses its keystore on the next call', async () => {
    const oauth = await sdkOAuthKeystore(['PROFILE:READ', 'PHONE:READ']);
    const client = sdk(oauth);
    expect((await client.user.profile()).phone).toBe(PHONE);

    const listed = await sdk(f.session).oauth.authorizations(f.confidential.clientId);
    expect(listed.map((a) => a.authorization_id)).toContain(oauth.authorization_id);

    await sdk(f.session).oauth.revokeAuthorize(f.confidential.clientId);
    expect(await sdk(f.session).oauth.authorizations(f.confidential.clientId)).toEqual([]);
    await expect(client.user.profile()).rejects.toMatchObject({ code: 401 });
    // the session itself is untouched
    expect((await sdk(f.session).user.profile()).user_id).toBe(f.reader.user_id);
  });
});

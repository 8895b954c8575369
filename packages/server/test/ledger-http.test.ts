import { randomBytes, randomUUID } from 'node:crypto';
import { MixinApi, getED25519KeyPair } from '@mixin.dev/mixin-node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import { createUser } from '../src/accounts/service.js';
import { createAsset, credit } from '../src/ledger/service.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { postForm, postJson, type TokenFixture, tokenFixture } from './token-fixture.js';
import { TestClock } from './clock.js';

/** What the platform token form gives a client that bound its key, in the shape the Mixin SDK signs with. */
interface OAuthKeystore {
  app_id: string;
  authorization_id: string;
  scope: string;
  session_private_key: string;
}

/** PROTOCOL.md §10 ledger routes through the real Mixin SDK, and with standard bearer tokens. */
describe('assets, snapshots and transfers over HTTP', () => {
  let f: TokenFixture;
  let url: string;
  let session: Keystore;
  let bob: string;
  let btc: string;
  let eth: string;
  const sdk = (keystore: Keystore | OAuthKeystore) =>
    MixinApi({ keystore: { ...keystore }, requestConfig: { baseURL: url, retry: 0 } });

  async function oauthKeystore(scopes: string[]): Promise<OAuthKeystore> {
    const { code } = await f.code(f.confidential, { scopes });
    const { publicKey, seed } = getED25519KeyPair();
    const response = await postJson(f.app, {
      client_id: f.confidential.clientId,
      code,
      client_secret: f.confidential.secret,
      ed25519: publicKey.toString('base64url'),
    });
    const data = (response.json() as { data: { authorization_id: string; scope: string } }).data;
    return {
      app_id: f.confidential.clientId,
      authorization_id: data.authorization_id,
      scope: data.scope,
      session_private_key: seed.toString('hex'),
    };
  }

  async function bearer(scopes: string[]): Promise<string> {
    const { code } = await f.code(f.confidential, { scopes });
    return (
      (await postForm(f.app, '/oauth/token', { grant_type: 'authorization_code', code }, f.confidential)).json() as {
        access_token: string;
      }
    ).access_token;
  }

  const balanceOf = async (assetId: string) => (await sdk(session).asset.fetch(assetId)).balance;

  beforeAll(async () => {
    // the SDK signs with the real time: the server's clock runs with it
    f = await tokenFixture({}, TestClock.ticking());
    url = await f.app.listen({ port: 0, host: '127.0.0.1' });
    session = await createKeystore(f.deps, f.user.user_id, (await serverKeyPair(f.database.storage)).publicKey);
    bob = (
      await createUser(f.deps, { username: `bob${randomBytes(3).toString('hex')}`, password: 'correct horse battery' })
    ).user_id;
    btc = (await createAsset(f.deps, { symbol: 'BTC', name: 'Bitcoin' })).asset_id;
    eth = (await createAsset(f.deps, { symbol: 'ETH', name: 'Ether' })).asset_id;
    await credit(f.deps, { userId: f.user.user_id, assetId: btc, amount: '5', memo: 'deposit' });
  });
  afterAll(async () => f?.close());

  it('reads balances and histories with an OAuth keystore holding ASSETS:READ and with a session keystore', async () => {
    for (const client of [sdk(await oauthKeystore(['PROFILE:READ', 'ASSETS:READ'])), sdk(session)]) {
      const list = await client.asset.fetchList();
      expect(list).toEqual([
        expect.objectContaining({
          type: 'asset',
          asset_id: btc,
          symbol: 'BTC',
          name: 'Bitcoin',
          balance: '5',
          chain_id: btc,
          precision: 8,
          icon_url: '',
        }),
      ]);
      expect(await client.asset.fetch(eth)).toMatchObject({ asset_id: eth, balance: '0' });
      await expect(client.asset.fetch(randomUUID())).rejects.toMatchObject({ code: 404 });
      const [deposit] = await client.asset.snapshots(btc);
      expect(deposit).toMatchObject({
        type: 'snapshot',
        asset_id: btc,
        amount: '5',
        opening_balance: '0',
        closing_balance: '5',
        memo: 'deposit',
      });
      expect(await client.transfer.snapshots({ limit: 10, offset: '' })).toHaveLength(1);
    }
  });

  it('refuses an OAuth keystore without ASSETS:READ (403); SNAPSHOTS:READ alone reads history only', async () => {
    const profileOnly = sdk(await oauthKeystore(['PROFILE:READ']));
    await expect(profileOnly.asset.fetchList()).rejects.toMatchObject({ code: 403 });
    await expect(profileOnly.asset.fetch(btc)).rejects.toMatchObject({ code: 403 });
    await expect(profileOnly.asset.snapshots(btc)).rejects.toMatchObject({ code: 403 });
    const historyOnly = sdk(await oauthKeystore(['PROFILE:READ', 'SNAPSHOTS:READ']));
    expect(await historyOnly.transfer.snapshots({ limit: 5, offset: '' })).not.toHaveLength(0);
    await expect(historyOnly.asset.fetchList()).rejects.toMatchObject({ code: 403 });
  });

  it('takes a standard bearer access token with the same scope rules', async () => {
    const good = await fetch(`${url}/assets`, {
      headers: { authorization: `Bearer ${await bearer(['PROFILE:READ', 'ASSETS:READ'])}` },
    });
    expect(good.status).toBe(200);
    expect(((await good.json()) as { data: { asset_id: string }[] }).data.map((a) => a.asset_id)).toContain(btc);
    const weak = await fetch(`${url}/assets`, {
      headers: { authorization: `Bearer ${await bearer(['PROFILE:READ'])}` },
    });
    expect(weak.status).toBe(403);
    expect(weak.headers.get('www-authenticate')).toContain('insufficient_scope');
    const history = await fetch(`${url}/snapshots?limit=501`, {
      headers: { authorization: `Bearer ${await bearer(['SNAPSHOTS:READ'])}` },
    });
    expect(history.status).toBe(400);
    expect(await history.json()).toMatchObject({ error: { code: 10002, extra: { field: 'limit' } } });
  });

  it('transfers with a session keystore; an app’s OAuth keystore is refused (FULL only)', async () => {
    const traceId = randomUUID();
    const sent = await sdk(session).transfer.toUser('123456', {
      asset_id: btc,
      opponent_id: bob,
      amount: '0.1',
      trace_id: traceId,
      memo: 'lunch',
    });
    expect(sent).toMatchObject({
      type: 'snapshot',
      asset_id: btc,
      opponent_id: bob,
      amount: '-0.1',
      opening_balance: '5',
      closing_balance: '4.9',
      trace_id: traceId,
      memo: 'lunch',
    });
    expect(await balanceOf(btc)).toBe('4.9');

    const app = sdk(await oauthKeystore(['PROFILE:READ', 'ASSETS:READ']));
    await expect(
      app.transfer.toUser('123456', { asset_id: btc, opponent_id: bob, amount: '0.1', trace_id: randomUUID() }),
    ).rejects.toMatchObject({ code: 403 });
    expect(await balanceOf(btc)).toBe('4.9');
  });

  it('refuses a transfer beyond the balance with 20117, and a replayed trace_id moves no money', async () => {
    await expect(
      sdk(session).transfer.toUser('123456', {
        asset_id: btc,
        opponent_id: bob,
        amount: '4.90000001',
        trace_id: randomUUID(),
      }),
    ).rejects.toMatchObject({ code: 20117 });
    const request = { asset_id: btc, opponent_id: bob, amount: '1', trace_id: randomUUID() };
    const first = await sdk(session).transfer.toUser('123456', request);
    const replay = await sdk(session).transfer.toUser('123456', request);
    expect(replay).toEqual(first);
    expect(await balanceOf(btc)).toBe('3.9');
    await expect(sdk(session).transfer.toUser('123456', { ...request, amount: '2' })).rejects.toMatchObject({
      code: 10002,
    });
    expect(await balanceOf(btc)).toBe('3.9');
  });

  it('names the wrong field of a transfer body (10002), in both conventions', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ asset_id: btc, opponent_id: bob, amount: 0.1, trace_id: randomUUID() }, 'amount'],
      [{ asset_id: btc, opponent_id: bob, amount: '0', trace_id: randomUUID() }, 'amount'],
      [{ opponent_id: bob, amount: '1', trace_id: randomUUID() }, 'asset_id'],
      [{ asset_id: btc, opponent_id: 'bob', amount: '1', trace_id: randomUUID() }, 'opponent_id'],
      [{ asset_id: btc, opponent_id: bob, amount: '1' }, 'trace_id'],
    ];
    for (const [body, field] of cases) {
      const error = await sdk(session)
        .transfer.toUser('123456', body as never)
        .catch((e: unknown) => e);
      expect(error, field).toMatchObject({ code: 10002, extra: { field } });
    }
    expect(await balanceOf(btc)).toBe('3.9');
  });
});

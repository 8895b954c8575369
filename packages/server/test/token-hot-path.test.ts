import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateSecret, deleteApp, createApp } from '../src/apps/service.js';
import { CHANGES_CHANNEL } from '../src/storage/hot-reads.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import {
  type AccessTokenRow,
  insertAccessToken,
  insertAccessTokenGrouped,
  insertRefreshToken,
} from '../src/tokens/repo.js';
import { type TestApp, type TokenFixture, postForm, redeem, tokenFixture } from './token-fixture.js';

/**
 * The token endpoint's fast paths (client lookups cached per process, access tokens of one
 * event-loop turn written in one statement, time-keyed tokens) must answer exactly as the
 * plain paths did: every refusal still happens, at once.
 */
describe('token endpoint fast paths', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  const clientCredentials = (client: TestApp) =>
    postForm(f.app, '/oauth/token', { grant_type: 'client_credentials' }, client);
  const introspect = (client: TestApp, token: string) => postForm(f.app, '/oauth/introspect', { token }, client);

  function tokenRow(clientId: string, overrides: Partial<AccessTokenRow> = {}): AccessTokenRow {
    const now = f.clock.now();
    return {
      token_hash: sha256Hex(randomBytes(32).toString('base64url')),
      client_id: clientId,
      user_id: clientId,
      authorization_id: null,
      scopes: 'PROFILE:READ',
      created_at: now,
      expires_at: now + 3_600_000,
      revoked_at: null,
      ...overrides,
    };
  }

  it('answers 60 grants sent at once with 60 distinct tokens, each of them active', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => clientCredentials(f.confidential)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 200));
    const tokens = answers.map((answer) => answer.json().access_token as string);
    expect(new Set(tokens).size).toBe(60);
    for (const token of tokens) expect(await f.isActive(token)).toBe(true);
  });

  it('stores the rows of one turn together, and fails only the row that cannot be stored', async () => {
    const good = [tokenRow(f.confidential.clientId), tokenRow(f.other.clientId)];
    const orphan = tokenRow('00000000-0000-4000-8000-000000000000');
    // all three in the same turn of the event loop: one batch
    const outcomes = await Promise.allSettled([
      insertAccessTokenGrouped(f.deps, good[0]!),
      insertAccessTokenGrouped(f.deps, orphan),
      insertAccessTokenGrouped(f.deps, good[1]!),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await f.deps.db
      .selectFrom('access_tokens')
      .select('token_hash')
      .where(
        'token_hash',
        'in',
        [...good, orphan].map((row) => row.token_hash),
      )
      .execute();
    expect(stored.map((row) => row.token_hash).sort()).toEqual(good.map((row) => row.token_hash).sort());
  });

  it('refuses to batch a write that belongs to a transaction', async () => {
    await expect(
      f.deps.db
        .transaction()
        .execute((trx) => insertAccessTokenGrouped({ db: trx, hot: f.deps.hot }, tokenRow(f.confidential.clientId))),
    ).rejects.toThrow(/transaction/);
  });

  it('refuses a rotated secret on the very next request, though the app was cached a moment before', async () => {
    const created = await createApp(f.deps, { name: 'Rotates', ownerId: f.user.user_id });
    const before: TestApp = { clientId: created.app.client_id, secret: created.clientSecret };
    expect((await clientCredentials(before)).statusCode).toBe(200);
    const { clientSecret } = await rotateSecret(f.deps, before.clientId);
    const stale = await clientCredentials(before);
    expect(stale.statusCode).toBe(401);
    expect(stale.json()).toMatchObject({ error: 'invalid_client' });
    expect((await introspect(before, 'anything')).statusCode).toBe(401);
    expect((await clientCredentials({ clientId: before.clientId, secret: clientSecret })).statusCode).toBe(200);
  });

  it('refuses a deleted app on the very next request', async () => {
    const created = await createApp(f.deps, { name: 'Goes away', ownerId: f.user.user_id });
    const client: TestApp = { clientId: created.app.client_id, secret: created.clientSecret };
    expect((await clientCredentials(client)).statusCode).toBe(200);
    await deleteApp(f.deps, client.clientId);
    expect((await clientCredentials(client)).statusCode).toBe(401);
  });

  it('forgets a cached app when another instance announces a change to it', async () => {
    const created = await createApp(f.deps, { name: 'Changed elsewhere', ownerId: f.user.user_id });
    const client: TestApp = { clientId: created.app.client_id, secret: created.clientSecret };
    expect((await clientCredentials(client)).statusCode).toBe(200);
    // as another process would: the row changes, then the announcement arrives through the kv
    await f.deps.db
      .updateTable('apps')
      .set({ secret_hash: sha256Hex('a new secret') })
      .where('client_id', '=', client.clientId)
      .execute();
    await f.kv.publish(CHANGES_CHANNEL, `app:${client.clientId}`);
    expect((await clientCredentials(client)).statusCode).toBe(401);
    expect((await clientCredentials({ clientId: client.clientId, secret: 'a new secret' })).statusCode).toBe(200);
  });

  it('issues access and refresh tokens that carry their issue time, keyed by it', async () => {
    const issued = await f.code(f.confidential);
    const answer = (await redeem(f, f.confidential, { code: issued.code })).json();
    for (const token of [answer.access_token, answer.refresh_token] as string[]) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{51}$/);
      expect(Buffer.from(token.slice(0, 8), 'base64url').readUIntBE(0, 6)).toBe(f.clock.now());
    }
    const [row] = await f.deps.db
      .selectFrom('access_tokens')
      .select('token_hash')
      .where('authorization_id', '=', issued.authorizationId)
      .execute();
    expect(row?.token_hash).toBe(f.clock.now().toString(16).padStart(12, '0') + sha256Hex(answer.access_token));
  });

  it('still accepts access and refresh tokens stored before timed tokens, under their bare SHA-256', async () => {
    const legacyAccess = randomBytes(32).toString('base64url');
    await insertAccessToken(f.deps.db, tokenRow(f.confidential.clientId, { token_hash: sha256Hex(legacyAccess) }));
    expect((await introspect(f.confidential, legacyAccess)).json()).toMatchObject({
      active: true,
      client_id: f.confidential.clientId,
    });

    const issued = await f.code(f.confidential);
    expect((await redeem(f, f.confidential, { code: issued.code })).statusCode).toBe(200);
    const legacyRefresh = randomBytes(32).toString('base64url');
    const now = f.clock.now();
    await insertRefreshToken(f.deps.db, {
      token_hash: sha256Hex(legacyRefresh),
      authorization_id: issued.authorizationId,
      client_id: f.confidential.clientId,
      created_at: now,
      expires_at: now + 86_400_000,
      used_at: null,
    });
    const refreshed = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: legacyRefresh },
      f.confidential,
    );
    expect(refreshed.statusCode).toBe(200);
    // spent: the same legacy token again, once the retry grace is over, is reuse
    f.clock.advance(10_000);
    const again = await postForm(
      f.app,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: legacyRefresh },
      f.confidential,
    );
    expect(again.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeCode } from '../src/oauth/codes.js';
import { authorizeCode, issueTokenPair, lookupAccessToken, revokeCodeAuthorization, rotateRefreshToken } from '../src/tokens/service.js';
import { type TokenFixture, tokenFixture } from './token-fixture.js';

/** Refresh rotation at the service level, where concurrent uses really interleave. */
describe('rotateRefreshToken', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  async function freshPair() {
    const { code } = await f.code(f.confidential);
    const consumed = await consumeCode(f.deps, code);
    if (consumed.status !== 'consumed') throw new Error('code not consumed');
    return (await authorizeCode(f.deps, consumed.row, undefined, issueTokenPair)).issued;
  }

  it('lets exactly one of several simultaneous uses rotate, and treats the rest as reuse', async () => {
    const pair = await freshPair();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => rotateRefreshToken(f.deps, { refreshToken: pair.refreshToken, clientId: f.confidential.clientId })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual(['reused', 'reused', 'reused', 'rotated']);
    // the reuse revoked the authorization, so even the winner's new tokens are dead
    const winner = results.find((r) => r.status === 'rotated');
    if (winner?.status !== 'rotated') throw new Error('no winner');
    expect((await lookupAccessToken(f.deps, winner.tokens.accessToken))?.active).toBe(false);
  });

  it('refuses an unknown token without side effects', async () => {
    expect(await rotateRefreshToken(f.deps, { refreshToken: randomUUID(), clientId: f.confidential.clientId })).toEqual({ status: 'invalid' });
  });
});

/** A replay that lands while the first redemption is still writing its authorization. */
describe('code replay racing the first redemption', () => {
  let f: TokenFixture;
  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('leaves nothing from the code alive: the first redemption fails once the replay has been seen', async () => {
    const { code } = await f.code(f.confidential);
    const first = await consumeCode(f.deps, code);
    if (first.status !== 'consumed') throw new Error('code not consumed');
    // the replay arrives before the first redemption has written anything
    const replay = await consumeCode(f.deps, code);
    expect(replay.status).toBe('replayed');
    if (replay.status === 'replayed') await revokeCodeAuthorization(f.deps, replay.row);
    // now the first redemption carries on, and must not hand out live tokens
    await expect(authorizeCode(f.deps, first.row, undefined, issueTokenPair)).rejects.toMatchObject({ oauthError: 'invalid_grant' });
    const authorization = await f.deps.db
      .selectFrom('authorizations')
      .selectAll()
      .where('authorization_id', '=', first.row.authorization_id)
      .executeTakeFirstOrThrow();
    expect(authorization.revoked_at).not.toBeNull();
    expect(await f.deps.db.selectFrom('access_tokens').selectAll().where('authorization_id', '=', first.row.authorization_id).execute()).toEqual([]);
  });
});

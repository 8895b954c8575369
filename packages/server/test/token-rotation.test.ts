import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeCode } from '../src/oauth/codes.js';
import type { Kv } from '../src/storage/kv/index.js';
import { timedTokenKey } from '../src/tokens/opaque.js';
import { type RotateResult, rotateRefreshToken } from '../src/tokens/rotation.js';
import { authorizeCode } from '../src/oauth/token/authorization-code.js';
import {
  type TokensDeps,
  issueTokenPair,
  lookupAccessToken,
  revokeAuthorization,
  revokeCodeAuthorization,
} from '../src/tokens/service.js';
import { type TestKv, kvBackends } from './backends.js';
import { sleep } from './clock.js';
import { type TokenFixture, tokenFixture } from './token-fixture.js';

const GRACE_MS = 10_000;
const strict = { graceMs: 0 };
const grace = { graceMs: GRACE_MS };

/** A kv that keeps a copy of every value written to it: what the store was ever given to hold. */
function recording(kv: Kv): { kv: Kv; written: string[] } {
  const written: string[] = [];
  const recorder: Kv = Object.create(kv) as Kv;
  recorder.set = (key, value, ttlMs) => {
    written.push(value);
    return kv.set(key, value, ttlMs);
  };
  recorder.setIfAbsent = (key, value, ttlMs) => {
    written.push(value);
    return kv.setIfAbsent(key, value, ttlMs);
  };
  recorder.get = (key) => kv.get(key);
  return { kv: recorder, written };
}

/** Refresh rotation at the service level, where concurrent uses really interleave, on every kv. */
describe.each(kvBackends)('rotateRefreshToken on the $name kv', (backend) => {
  let f: TokenFixture;
  let store: TestKv;
  let deps: TokensDeps;
  let written: string[];
  beforeAll(async () => {
    f = await tokenFixture();
    store = await backend.open(f.clock);
    const recorder = recording(store.kv);
    written = recorder.written;
    deps = { db: f.deps.db, hot: f.deps.hot, clock: f.clock, kv: recorder.kv };
  });
  afterAll(async () => {
    await store?.cleanup();
    await f?.close();
  });

  async function freshPair() {
    const { code } = await f.code(f.confidential);
    const consumed = await consumeCode(f.deps, code);
    if (consumed.status !== 'consumed') throw new Error('code not consumed');
    return (await authorizeCode(f.deps, consumed.row, undefined, issueTokenPair)).issued;
  }
  const rotate = (refreshToken: string, policy = grace, clientId = f.confidential.clientId, scopes?: string[]) =>
    rotateRefreshToken(deps, { refreshToken, clientId, scopes }, policy);
  const isActive = async (accessToken: string) => (await lookupAccessToken(f.deps, accessToken))?.active ?? false;
  function tokensOf(result: RotateResult) {
    if (result.status !== 'rotated') throw new Error(`not rotated: ${result.status}`);
    return result.tokens;
  }

  it('gives three simultaneous uses of one token the same new pair, and the authorization lives on', async () => {
    const pair = await freshPair();
    const results = await Promise.all([
      rotate(pair.refreshToken),
      rotate(pair.refreshToken),
      rotate(pair.refreshToken),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rotated', 'rotated', 'rotated']);
    const [first, ...others] = results.map(tokensOf);
    for (const other of others) expect(other).toEqual(first);
    expect(first?.refreshToken).not.toBe(pair.refreshToken);
    expect(await isActive(first?.accessToken ?? '')).toBe(true);
    // the pair works: its refresh token rotates in turn
    expect((await rotate(first?.refreshToken ?? '')).status).toBe('rotated');
  });

  it('makes a use that finds the token just spent wait for the winner’s answer, instead of revoking', async () => {
    const pair = await freshPair();
    // the winner commits its rotation, then is slow to remember the answer
    const slow: Kv = Object.create(deps.kv) as Kv;
    slow.set = async (key, value, ttlMs) => {
      await sleep(100);
      return deps.kv.set(key, value, ttlMs);
    };
    const winner = rotateRefreshToken(
      { ...deps, kv: slow },
      { refreshToken: pair.refreshToken, clientId: f.confidential.clientId },
      grace,
    );
    const spent = () =>
      f.deps.db
        .selectFrom('refresh_tokens')
        .select('used_at')
        .where('token_hash', '=', timedTokenKey(pair.refreshToken))
        .executeTakeFirstOrThrow();
    for (let polls = 0; (await spent()).used_at === null; polls++) {
      if (polls > 400) throw new Error('the winner never spent the token');
      await sleep(5);
    }
    const loser = await rotate(pair.refreshToken);
    expect(tokensOf(loser)).toEqual(tokensOf(await winner));
    expect(await isActive(tokensOf(loser).accessToken)).toBe(true);
  });

  it('revokes everything when the spent token comes back after the grace', async () => {
    const pair = await freshPair();
    const next = tokensOf(await rotate(pair.refreshToken));
    expect(tokensOf(await rotate(pair.refreshToken))).toEqual(next);
    f.clock.advance(GRACE_MS);
    expect((await rotate(pair.refreshToken)).status).toBe('reused');
    expect(await isActive(next.accessToken)).toBe(false);
    expect((await rotate(next.refreshToken)).status).toBe('invalid');
  });

  it('applies the strict rule at once with no grace: one use wins, and the others revoke it', async () => {
    const pair = await freshPair();
    const results = await Promise.all(Array.from({ length: 3 }, () => rotate(pair.refreshToken, strict)));
    expect(results.map((r) => r.status).sort()).toEqual(['reused', 'reused', 'rotated']);
    const winner = tokensOf(results.find((r) => r.status === 'rotated') as RotateResult);
    expect(await isActive(winner.accessToken)).toBe(false);

    const sequential = await freshPair();
    const next = tokensOf(await rotate(sequential.refreshToken, strict));
    expect((await rotate(sequential.refreshToken, strict)).status).toBe('reused');
    expect(await isActive(next.accessToken)).toBe(false);
  });

  it('refuses the spent token from another client, without revoking anything', async () => {
    const pair = await freshPair();
    const next = tokensOf(await rotate(pair.refreshToken));
    expect(await rotate(pair.refreshToken, grace, f.other.clientId)).toEqual({ status: 'invalid' });
    expect(await isActive(next.accessToken)).toBe(true);
    expect(tokensOf(await rotate(pair.refreshToken))).toEqual(next);
  });

  it('does not hand the remembered pair out once the authorization is revoked', async () => {
    const pair = await freshPair();
    const next = tokensOf(await rotate(pair.refreshToken));
    const row = await f.deps.db
      .selectFrom('refresh_tokens')
      .select('authorization_id')
      .where('token_hash', '=', timedTokenKey(pair.refreshToken))
      .executeTakeFirstOrThrow();
    await revokeAuthorization(f.deps, row.authorization_id);
    expect(await rotate(pair.refreshToken)).toEqual({ status: 'invalid' });
    expect(await isActive(next.accessToken)).toBe(false);
  });

  it('counts a retry that asks for other scopes as reuse', async () => {
    const pair = await freshPair();
    const next = tokensOf(await rotate(pair.refreshToken, grace, f.confidential.clientId, ['PROFILE:READ']));
    expect(tokensOf(await rotate(pair.refreshToken, grace, f.confidential.clientId, ['PROFILE:READ']))).toEqual(next);
    expect((await rotate(pair.refreshToken)).status).toBe('reused');
    expect(await isActive(next.accessToken)).toBe(false);
  });

  it('never gives the kv a new token in clear: the answer is sealed under a key only the old token opens', async () => {
    const pair = await freshPair();
    const results = await Promise.all([rotate(pair.refreshToken), rotate(pair.refreshToken)]);
    const next = tokensOf(results[0] as RotateResult);
    const raw = await store.kv.get(`refresh-grace:${timedTokenKey(pair.refreshToken)}`);
    expect(raw).not.toBeNull();
    expect(written).toContain(raw);
    const secrets = [pair.refreshToken, next.refreshToken, next.accessToken];
    for (const value of written) {
      for (const form of [value, Buffer.from(value, 'base64url').toString('latin1')]) {
        for (const secret of secrets) expect(form).not.toContain(secret);
      }
    }
  });

  it('still answers the rotation when its answer cannot be remembered (a retry then counts as reuse)', async () => {
    const pair = await freshPair();
    const broken: Kv = Object.create(store.kv) as Kv;
    broken.set = async () => {
      throw new Error('kv down');
    };
    const errors: object[] = [];
    const log = { error: (details: object) => void errors.push(details) };
    const result = await rotateRefreshToken(
      { ...deps, kv: broken },
      { refreshToken: pair.refreshToken, clientId: f.confidential.clientId },
      { graceMs: GRACE_MS, log },
    );
    expect(await isActive(tokensOf(result).accessToken)).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('refuses an unknown token without side effects', async () => {
    expect(await rotate(randomUUID())).toEqual({ status: 'invalid' });
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
    await expect(authorizeCode(f.deps, first.row, undefined, issueTokenPair)).rejects.toMatchObject({
      oauthError: 'invalid_grant',
    });
    const authorization = await f.deps.db
      .selectFrom('authorizations')
      .selectAll()
      .where('authorization_id', '=', first.row.authorization_id)
      .executeTakeFirstOrThrow();
    expect(authorization.revoked_at).not.toBeNull();
    expect(
      await f.deps.db
        .selectFrom('access_tokens')
        .selectAll()
        .where('authorization_id', '=', first.row.authorization_id)
        .execute(),
    ).toEqual([]);
  });
});

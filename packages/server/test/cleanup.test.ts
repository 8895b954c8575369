import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifetimes } from '../src/context.js';
import { consumeCode } from '../src/oauth/codes.js';
import { type CleanupReport, cleanUpExpired } from '../src/storage/cleanup.js';
import { SqlKv } from '../src/storage/kv/sql.js';
import { authorizeCode } from '../src/oauth/token/authorization-code.js';
import { issueTokenPair } from '../src/tokens/service.js';
import { cli, json } from './cli-harness.js';
import { type TokenFixture, tokenFixture } from './token-fixture.js';
import { CLEANUP_BACKLOG_PAUSE_MS, nextCleanupDelay } from '../src/main.js';

const DAY = 24 * 60 * 60 * 1000;

describe('clean-up of expired rows', () => {
  let f: TokenFixture;
  const deps = () => ({ ...f.deps, config: { auditRetentionDays: 90 } });
  const count = async (table: 'authorization_codes' | 'access_tokens' | 'refresh_tokens' | 'authorizations' | 'kv') =>
    Number(
      (
        await f.deps.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    f = await tokenFixture();
  });
  afterAll(async () => f?.close());

  async function redeemedCode() {
    const { code } = await f.code(f.confidential);
    const consumed = await consumeCode(f.deps, code);
    if (consumed.status !== 'consumed') throw new Error('not consumed');
    return authorizeCode(f.deps, consumed.row, undefined, issueTokenPair);
  }

  it('deletes what expired more than a day ago, keeps what is live or only just expired', async () => {
    await redeemedCode();
    const kv = new SqlKv(f.database.storage, f.clock);
    await kv.set('old', 'x', 1000);
    // past the code's and the access token's life, but within the day they are kept for replays
    f.clock.advance(2 * 60 * 60 * 1000);
    const early = await cleanUpExpired(deps());
    expect(early.deleted).toMatchObject({ authorization_codes: 0, access_tokens: 0, kv: 1 });

    // past the refresh token's and the authorization's lives plus a day
    f.clock.advance(lifetimes.authorizationMs + DAY);
    const live = await redeemedCode();
    const report = await cleanUpExpired(deps());
    expect(report.complete).toBe(true);
    expect(report.deleted).toMatchObject({ authorization_codes: 1, authorizations: 1 });
    // the fresh authorization, its code and its tokens are untouched
    expect(await count('authorizations')).toBe(1);
    expect(await count('authorization_codes')).toBe(1);
    expect(await count('access_tokens')).toBe(1);
    expect(await count('refresh_tokens')).toBe(1);
    expect(live.authorization.authorization_id).toEqual(expect.any(String));
  });

  it('works in batches and stops when its time budget is spent', async () => {
    const kv = new SqlKv(f.database.storage, f.clock);
    for (let i = 0; i < 7; i++) await kv.set(`batch-${i}`, 'x', 10);
    f.clock.advance(1000);
    expect((await cleanUpExpired(deps(), { budgetMs: -1 })).complete).toBe(false);
    expect(await count('kv')).toBe(7);
    const report = await cleanUpExpired(deps(), { batch: 2 });
    expect(report.deleted.kv).toBe(7);
    expect(await count('kv')).toBe(0);
  });

  it('runs from the CLI', async () => {
    const database = f.database;
    expect(json(await cli(database.env, 'cleanup', '--json'))).toMatchObject({
      authorization_codes: expect.any(Number),
      kv: expect.any(Number),
    });
  });
});

describe('the server’s clean-up schedule', () => {
  const report = (complete: boolean) => ({ complete, deleted: {} as CleanupReport['deleted'] });
  it('runs again soon after a pass whose budget ran out, and a minute after one that finished', () => {
    expect(nextCleanupDelay(report(false))).toBe(CLEANUP_BACKLOG_PAUSE_MS);
    expect(nextCleanupDelay(report(true))).toBe(60_000);
    // a failed pass is not a backlog: it waits the minute
    expect(nextCleanupDelay(undefined)).toBe(60_000);
  });
});

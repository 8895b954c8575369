import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, databaseBackends } from '../../test/backends.js';
import { TestClock } from '../../test/clock.js';
import { createUser } from '../accounts/service.js';
import { SignetError } from '../errors/signet-error.js';
import type { Db } from '../storage/tables.js';
import { formatUnits, parseUnits } from './decimal.js';
import { createAsset, credit, transfer } from './service.js';

/** A small deterministic generator, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Many transfers at once between a few users (on PostgreSQL through a pool of
 * connections, so they truly overlap): money is neither made nor lost, nothing goes
 * negative, and every balance is the end of an unbroken chain of snapshots.
 */
describe.each(databaseBackends)('concurrent transfers on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new TestClock();
  let users: string[];
  let assetId: string;

  beforeAll(async () => {
    database = await backend.open();
    db = database.storage.db;
    const deps = { db, clock };
    users = [];
    for (let i = 0; i < 4; i++)
      users.push(
        (await createUser(deps, { username: `racer${i}${randomUUID().slice(0, 6)}`, password: 'long enough pw' }))
          .user_id,
      );
    assetId = (await createAsset(deps, { symbol: 'RACE', name: 'Race', precision: 4 })).asset_id;
    for (const userId of users) await credit(deps, { userId, assetId, amount: '10' });
  });
  afterAll(async () => database?.cleanup());

  it('keeps the total, never goes negative, and each chain of snapshots is unbroken', async () => {
    const next = random(20261123);
    const pick = () => users[Math.floor(next() * users.length)] ?? '';
    const jobs: { userId: string; opponentId: string; amount: string; traceId: string }[] = [];
    for (let i = 0; i < 160; i++) {
      const userId = pick();
      let opponentId = pick();
      while (opponentId === userId) opponentId = pick();
      // up to 8, so some exceed what the sender holds by the time they run
      jobs.push({
        userId,
        opponentId,
        amount: formatUnits(BigInt(1 + Math.floor(next() * 80_000)), 4),
        traceId: randomUUID(),
      });
    }
    // a few requests sent twice at once: exactly one of each pair may move money
    const doubled = jobs.slice(0, 10);
    const outcomes = await Promise.allSettled(
      [...jobs, ...doubled].map((job) => transfer({ db, clock }, { ...job, assetId, memo: '' })),
    );

    const unexpected = outcomes.flatMap((o) =>
      o.status === 'rejected' && !(o.reason instanceof SignetError && o.reason.code === 20117) ? [o.reason] : [],
    );
    expect(unexpected).toEqual([]);
    const succeeded = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(succeeded).toBeGreaterThan(20);
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThan(0);

    const balances = await db.selectFrom('balances').selectAll().where('asset_id', '=', assetId).execute();
    const units = balances.map((b) => parseUnits(b.amount, 4));
    expect(units.reduce((a, b) => a + b, 0n)).toBe(parseUnits('40', 4));
    expect(units.every((u) => u >= 0n)).toBe(true);

    const snapshots = await db
      .selectFrom('snapshots')
      .selectAll()
      .where('asset_id', '=', assetId)
      .orderBy('seq')
      .execute();
    // every trace moved money once: one sent and one received snapshot each
    const traces = new Map<string, number>();
    for (const s of snapshots) if (s.type === 'transfer') traces.set(s.trace_id, (traces.get(s.trace_id) ?? 0) + 1);
    expect([...traces.values()].every((n) => n === 2)).toBe(true);
    expect(traces.size).toBe(
      succeeded -
        outcomes.slice(jobs.length).filter((o, i) => o.status === 'fulfilled' && outcomes[i]?.status === 'fulfilled')
          .length,
    );

    for (const balance of balances) {
      const chain = snapshots.filter((s) => s.user_id === balance.user_id);
      let running = 0n;
      for (const s of chain) {
        expect(s.opening_balance).toBe(formatUnits(running, 4));
        running += parseUnits(s.amount, 4);
        expect(s.closing_balance).toBe(formatUnits(running, 4));
      }
      expect(formatUnits(running, 4)).toBe(balance.amount);
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, databaseBackends } from '../../test/backends.js';
import { TestClock } from '../../test/clock.js';
import { createUser } from '../accounts/service.js';
import type { Db } from '../storage/tables.js';
import { addDecimal } from './decimal.js';
import {
  type SnapshotView,
  assetWithBalance,
  createAsset,
  credit,
  findAsset,
  listBalances,
  listSnapshots,
  transfer,
} from './service.js';

describe.each(databaseBackends)('ledger on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new TestClock();
  let deps: { db: Db; clock: TestClock };
  let alice: string;
  let bob: string;
  let btc: string;

  const person = async (name: string) =>
    (await createUser(deps, { username: `${name}${randomUUID().slice(0, 6)}`, password: 'long enough pw' })).user_id;
  const balances = async () =>
    db
      .selectFrom('balances')
      .select(['user_id', 'asset_id', 'amount'])
      .orderBy('user_id')
      .orderBy('asset_id')
      .execute();
  const snapshotCount = async () =>
    Number(
      (
        await db
          .selectFrom('snapshots')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const send = (amount: unknown, extra: Partial<Parameters<typeof transfer>[1]> = {}) =>
    transfer(deps, {
      userId: alice,
      assetId: btc,
      opponentId: bob,
      amount,
      traceId: randomUUID(),
      memo: 'hi',
      ...extra,
    });

  beforeAll(async () => {
    database = await backend.open();
    db = database.storage.db;
    deps = { db, clock };
    alice = await person('alice');
    bob = await person('bob');
    btc = (await createAsset(deps, { symbol: 'BTC', name: 'Bitcoin' })).asset_id;
  });
  afterAll(async () => database?.cleanup());

  it('creates assets with a case-insensitive unique symbol and finds them by id or symbol', async () => {
    expect((await findAsset(deps, 'btc')).asset_id).toBe(btc);
    expect((await findAsset(deps, btc.toUpperCase())).symbol).toBe('BTC');
    await expect(createAsset(deps, { symbol: 'Btc', name: 'Again' })).rejects.toMatchObject({
      code: 10002,
      extra: { field: 'symbol' },
    });
    await expect(createAsset(deps, { symbol: 'XX', name: 'X', precision: 19 })).rejects.toMatchObject({
      code: 10002,
      extra: { field: 'precision' },
    });
    await expect(findAsset(deps, 'NOPE')).rejects.toMatchObject({ code: 404 });
  });

  it('credits a deposit: balance and a deposit snapshot', async () => {
    const deposit = await credit(deps, { userId: alice, assetId: btc, amount: '10.5', memo: 'welcome' });
    expect(deposit).toMatchObject({
      type: 'snapshot',
      user_id: alice,
      amount: '10.5',
      opening_balance: '0',
      closing_balance: '10.5',
      opponent_id: '',
      memo: 'welcome',
      source: 'DEPOSIT_CONFIRMED',
    });
    expect(await listBalances(deps, alice)).toEqual([
      expect.objectContaining({
        type: 'asset',
        asset_id: btc,
        symbol: 'BTC',
        balance: '10.5',
        precision: 8,
        chain_id: btc,
      }),
    ]);
    expect(await listBalances(deps, bob)).toEqual([]);
    expect((await assetWithBalance(deps, bob, btc)).balance).toBe('0');
    await expect(assetWithBalance(deps, bob, randomUUID())).rejects.toMatchObject({ code: 404 });
    await expect(credit(deps, { userId: randomUUID(), assetId: btc, amount: '1' })).rejects.toMatchObject({
      code: 404,
    });
  });

  it('transfers exactly: two snapshots, opening + amount = closing on each side', async () => {
    clock.advance(1000);
    const sent = await send('0.1');
    expect(sent).toMatchObject({
      user_id: alice,
      opponent_id: bob,
      amount: '-0.1',
      opening_balance: '10.5',
      closing_balance: '10.4',
      memo: 'hi',
      source: 'TRANSFER_INITIALIZED',
    });
    const [received] = await listSnapshots(deps, bob, {});
    expect(received).toMatchObject({
      opponent_id: alice,
      amount: '0.1',
      opening_balance: '0',
      closing_balance: '0.1',
      trace_id: sent.trace_id,
    });
    await send('0.2');
    expect((await assetWithBalance(deps, bob, btc)).balance).toBe('0.3');
    expect((await assetWithBalance(deps, alice, btc)).balance).toBe('10.2');
  });

  it('is idempotent on trace_id: a replay answers the original snapshot and moves nothing', async () => {
    const traceId = randomUUID();
    const first = await send('1', { traceId, memo: 'once' });
    const before = [await balances(), await snapshotCount()];
    const again = await send('1.00', { traceId, memo: 'twice' });
    expect(again).toEqual(first);
    expect([await balances(), await snapshotCount()]).toEqual(before);

    for (const change of [
      { amount: '2' },
      { opponentId: alice, userId: bob },
      { assetId: (await createAsset(deps, { symbol: 'ETH', name: 'Ether' })).asset_id },
    ]) {
      await expect(send(change.amount ?? '1', { traceId, ...change })).rejects.toMatchObject({
        code: 10002,
        extra: { field: 'trace_id' },
      });
    }
    expect([await balances(), await snapshotCount()]).toEqual(before);
  });

  it('never goes negative: beyond the balance is 20117 and nothing changes', async () => {
    const before = [await balances(), await snapshotCount()];
    const all = (await assetWithBalance(deps, alice, btc)).balance;
    await expect(send('1000')).rejects.toMatchObject({ code: 20117 });
    const justOver = addDecimal((await assetWithBalance(deps, bob, btc)).balance, '0.00000001');
    await expect(
      transfer(deps, { userId: bob, assetId: btc, opponentId: alice, amount: justOver, traceId: randomUUID() }),
    ).rejects.toMatchObject({ code: 20117 });
    expect([await balances(), await snapshotCount()]).toEqual(before);
    // the whole balance may go
    expect((await send(all)).closing_balance).toBe('0');
    await send((await assetWithBalance(deps, bob, btc)).balance, { userId: bob, opponentId: alice });
    expect(await listBalances(deps, bob)).toEqual([]);
  });

  it('refuses non-positive or malformed amounts with 10002 naming amount, and nothing changes', async () => {
    const before = [await balances(), await snapshotCount()];
    for (const amount of ['0', '-1', '0.000000001', '1e-7', 0.1, 1, '', ' 1', null, undefined, 'abc']) {
      await expect(send(amount), String(amount)).rejects.toMatchObject({ code: 10002, extra: { field: 'amount' } });
    }
    await expect(send('1', { opponentId: alice })).rejects.toMatchObject({
      code: 10002,
      extra: { field: 'opponent_id' },
    });
    await expect(send('1', { opponentId: randomUUID() })).rejects.toMatchObject({
      code: 10002,
      extra: { field: 'opponent_id' },
    });
    await expect(send('1', { opponentId: 'bob' })).rejects.toMatchObject({
      code: 10002,
      extra: { field: 'opponent_id' },
    });
    await expect(send('1', { assetId: randomUUID() })).rejects.toMatchObject({
      code: 10002,
      extra: { field: 'asset_id' },
    });
    await expect(send('1', { traceId: 'x' })).rejects.toMatchObject({ code: 10002, extra: { field: 'trace_id' } });
    await expect(send('1', { memo: 'm'.repeat(141) })).rejects.toMatchObject({ code: 10002, extra: { field: 'memo' } });
    expect([await balances(), await snapshotCount()]).toEqual(before);
  });

  describe('paging', () => {
    let carol: string;
    let dave: string;
    let eth: string;
    let made: SnapshotView[];

    beforeAll(async () => {
      carol = await person('carol');
      dave = await person('dave');
      eth = (await createAsset(deps, { symbol: 'DOGE', name: 'Doge', precision: 2 })).asset_id;
      made = [];
      // two snapshots share each timestamp: the sequence keeps their order stable
      for (let i = 0; i < 6; i++) {
        clock.advance(1000);
        made.push(await credit(deps, { userId: carol, assetId: i % 2 === 0 ? btc : eth, amount: String(i + 1) }));
        made.push(
          await transfer(deps, { userId: carol, assetId: btc, opponentId: dave, amount: '0.5', traceId: randomUUID() }),
        );
      }
    });
    const ids = (list: SnapshotView[]) => list.map((s) => s.snapshot_id);

    it('answers newest first with a limit, and the offset cursor walks older pages', async () => {
      const newest = [...made].reverse();
      expect(ids(await listSnapshots(deps, carol, {}))).toEqual(ids(newest));
      const page = await listSnapshots(deps, carol, { limit: '3' });
      expect(ids(page)).toEqual(ids(newest.slice(0, 3)));
      // strictly older than the cursor: the page's last timestamp is left behind entirely
      const next = await listSnapshots(deps, carol, { limit: '3', offset: page[2]?.created_at });
      expect(ids(next)).toEqual(ids(newest.slice(4, 7)));
    });

    it('ASC walks forward, strictly newer than the cursor; sub-millisecond cursors stay exact', async () => {
      expect(ids(await listSnapshots(deps, carol, { order: 'ASC', limit: '2' }))).toEqual(ids(made.slice(0, 2)));
      const cursor = made[1]?.created_at ?? '';
      expect(ids(await listSnapshots(deps, carol, { order: 'asc', offset: cursor, limit: '2' }))).toEqual(
        ids(made.slice(2, 4)),
      );
      const nanos = cursor.replace('Z', '123456Z');
      expect(ids(await listSnapshots(deps, carol, { order: 'ASC', offset: nanos, limit: '2' }))).toEqual(
        ids(made.slice(2, 4)),
      );
      expect(ids(await listSnapshots(deps, carol, { order: 'DESC', offset: nanos }))).toEqual(
        ids(made.slice(0, 2).reverse()),
      );
      const shifted = new Date(Date.parse(cursor) + 8 * 3600_000)
        .toISOString()
        .replace('Z', '+08:00')
        .replace('.000', '');
      expect(ids(await listSnapshots(deps, carol, { order: 'ASC', offset: shifted, limit: '1' }))).toEqual(
        ids(made.slice(2, 3)),
      );
    });

    it('filters by asset', async () => {
      const doge = await listSnapshots(deps, carol, { asset: eth });
      expect(doge.map((s) => s.amount)).toEqual(['6', '4', '2']);
      expect(await listSnapshots(deps, dave, { asset: eth })).toEqual([]);
    });

    it('refuses limits outside 1..500 and malformed cursors with 10002 naming the parameter', async () => {
      expect(await listSnapshots(deps, carol, { limit: '500' })).toHaveLength(made.length);
      for (const [params, field] of [
        [{ limit: '501' }, 'limit'],
        [{ limit: '0' }, 'limit'],
        [{ limit: '1.5' }, 'limit'],
        [{ offset: 'yesterday' }, 'offset'],
        [{ offset: '2026-13-45T00:00:00Z' }, 'offset'],
        [{ order: 'sideways' }, 'order'],
        [{ asset: 'BTC' }, 'asset'],
      ] as const) {
        await expect(listSnapshots(deps, carol, params)).rejects.toMatchObject({ code: 10002, extra: { field } });
      }
    });
  });
});

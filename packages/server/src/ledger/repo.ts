import { type Insertable, type Selectable, sql } from 'kysely';
import { dialectOf } from '../storage/dialect.js';
import type { AssetsTable, BalancesTable, Db, SnapshotsTable } from '../storage/tables.js';

export type AssetRow = Selectable<AssetsTable>;
export type BalanceRow = Selectable<BalancesTable>;
export type SnapshotRow = Selectable<SnapshotsTable>;
export type NewSnapshot = Omit<Insertable<SnapshotsTable>, 'seq'>;

export async function insertAsset(db: Db, row: AssetRow): Promise<void> {
  await db.insertInto('assets').values(row).execute();
}

export function findAssetById(db: Db, assetId: string): Promise<AssetRow | undefined> {
  return db.selectFrom('assets').selectAll().where('asset_id', '=', assetId).executeTakeFirst();
}

export function findAssetBySymbol(db: Db, symbol: string): Promise<AssetRow | undefined> {
  return db.selectFrom('assets').selectAll().where('symbol_key', '=', symbol.toUpperCase()).executeTakeFirst();
}

/** The assets a user holds (balance not zero; balances are never negative), oldest asset first. */
export function listHeldAssets(db: Db, userId: string): Promise<(AssetRow & { balance: string })[]> {
  return db
    .selectFrom('balances')
    .innerJoin('assets', 'assets.asset_id', 'balances.asset_id')
    .selectAll('assets')
    .select('balances.amount as balance')
    .where('balances.user_id', '=', userId)
    .where('balances.amount', '<>', '0')
    .orderBy('assets.created_at')
    .orderBy('assets.asset_id')
    .execute();
}

export async function findBalance(db: Db, userId: string, assetId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('balances')
    .select('amount')
    .where('user_id', '=', userId)
    .where('asset_id', '=', assetId)
    .executeTakeFirst();
  return row?.amount;
}

/**
 * Creates the balance row if missing, then locks it until the transaction ends
 * (PostgreSQL: SELECT ... FOR UPDATE). On SQLite the insert is the transaction's first
 * statement and a write, so it takes the database's one write lock before anything is
 * read: a deferred transaction that read first could not upgrade once another
 * connection (the CLI, another process) had committed.
 */
export async function lockBalance(trx: Db, userId: string, assetId: string, now: string): Promise<string> {
  await trx
    .insertInto('balances')
    .values({ user_id: userId, asset_id: assetId, amount: '0', updated_at: now })
    .onConflict((conflict) => conflict.columns(['user_id', 'asset_id']).doNothing())
    .execute();
  let query = trx.selectFrom('balances').select('amount').where('user_id', '=', userId).where('asset_id', '=', assetId);
  if (dialectOf(trx) === 'postgres') query = query.forUpdate();
  return (await query.executeTakeFirstOrThrow()).amount;
}

export async function setBalance(trx: Db, userId: string, assetId: string, amount: string, now: string): Promise<void> {
  await trx
    .updateTable('balances')
    .set({ amount, updated_at: now })
    .where('user_id', '=', userId)
    .where('asset_id', '=', assetId)
    .execute();
}

/** Snapshots of these users carrying the trace id (at most one each: unique (user_id, trace_id)). */
export function findSnapshotsByTrace(db: Db, userIds: string[], traceId: string): Promise<SnapshotRow[]> {
  return db
    .selectFrom('snapshots')
    .selectAll()
    .where('trace_id', '=', traceId)
    .where('user_id', 'in', userIds)
    .execute();
}

export async function insertSnapshot(trx: Db, row: NewSnapshot): Promise<SnapshotRow> {
  const insert = trx.insertInto('snapshots');
  const query =
    dialectOf(trx) === 'postgres'
      ? insert.values(row)
      : insert.values({ ...row, seq: sql<number>`(select coalesce(max(seq), 0) + 1 from snapshots)` });
  return query.returningAll().executeTakeFirstOrThrow();
}

export interface SnapshotQuery {
  userId: string;
  assetId?: string | undefined;
  /** exclusive bound on created_at (ISO text): older than it for DESC, newer for ASC */
  after?: string | undefined;
  order: 'DESC' | 'ASC';
  limit: number;
}

export function querySnapshots(db: Db, query: SnapshotQuery): Promise<SnapshotRow[]> {
  const direction = query.order === 'DESC' ? 'desc' : 'asc';
  let select = db.selectFrom('snapshots').selectAll().where('user_id', '=', query.userId);
  if (query.assetId) select = select.where('asset_id', '=', query.assetId);
  if (query.after) select = select.where('created_at', query.order === 'DESC' ? '<' : '>', query.after);
  return select.orderBy('created_at', direction).orderBy('seq', direction).limit(query.limit).execute();
}

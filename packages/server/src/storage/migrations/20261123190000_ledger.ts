import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

// Amounts are canonical decimal strings (text): both dialects keep them exactly and the
// server does all arithmetic in BigInt, so no float or driver numeric type ever touches money.
export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';

  await db.schema
    .createTable('assets')
    .addColumn('asset_id', 'text', (c) => c.primaryKey())
    .addColumn('symbol', 'text', (c) => c.notNull())
    // upper-cased symbol: uniqueness ignores case
    .addColumn('symbol_key', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('icon_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('chain_id', 'text', (c) => c.notNull())
    .addColumn('precision', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('balances')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.asset_id').onDelete('cascade'))
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('balances_pk', ['user_id', 'asset_id'])
    .execute();

  await db.schema
    .createTable('snapshots')
    .addColumn('snapshot_id', 'text', (c) => c.primaryKey())
    // newest-first order among equal timestamps: PostgreSQL numbers rows itself; SQLite's
    // writers are serialized, so the insert takes MAX(seq) + 1 in the same statement
    .addColumn('seq', postgres ? 'bigserial' : 'integer', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.asset_id').onDelete('cascade'))
    .addColumn('amount', 'text', (c) => c.notNull())
    .addColumn('opening_balance', 'text', (c) => c.notNull())
    .addColumn('closing_balance', 'text', (c) => c.notNull())
    // the other party of a transfer; null for a deposit (no user_id reference: history outlives accounts)
    .addColumn('opponent_id', 'text')
    .addColumn('trace_id', 'text', (c) => c.notNull())
    .addColumn('memo', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('snapshots_user_trace', ['user_id', 'trace_id'])
    .execute();
  await db.schema
    .createIndex('snapshots_user_created')
    .on('snapshots')
    .columns(['user_id', 'created_at', 'seq'])
    .execute();
  await db.schema
    .createIndex('snapshots_user_asset_created')
    .on('snapshots')
    .columns(['user_id', 'asset_id', 'created_at', 'seq'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['snapshots', 'balances', 'assets']) {
    await db.schema.dropTable(table).execute();
  }
}

import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

/*
 * The replay cache of request-signed tokens: one row per spent `jti`, written on every signed
 * API call. In the kv table each was a 40-character text key ("jti:" and the UUID) in a rowid
 * table with two indexes; a 16-byte key in a table clustered on it (SQLite's WITHOUT ROWID)
 * cost ~8 µs less a request on SQLite. The index on expires_at serves the clean-up.
 */
export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('spent_request_ids')
    .addColumn('id', postgres ? 'bytea' : 'blob', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .$call((table) => (postgres ? table : table.modifyEnd(sql`without rowid`)))
    .execute();
  await db.schema.createIndex('spent_request_ids_expires_at').on('spent_request_ids').column('expires_at').execute();

  // the ids spent before this version stay spent
  const idFromKey = postgres
    ? sql`decode(replace(substr(key, 5), '-', ''), 'hex')`
    : sql`unhex(replace(substr(key, 5), '-', ''))`;
  await sql`insert into spent_request_ids (id, expires_at) select ${idFromKey}, expires_at from kv where key like 'jti:%'`.execute(
    db,
  );
  await db.deleteFrom('kv').where('key', 'like', 'jti:%').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('spent_request_ids').execute();
}

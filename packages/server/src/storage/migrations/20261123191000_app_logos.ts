import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

// Uploaded app logos live in the database, not on disk: every instance serves the same
// bytes, and a backup of the database is a backup of the logos.
export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('app_logos')
    .addColumn('client_id', 'text', (c) => c.primaryKey().references('apps.client_id').onDelete('cascade'))
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('bytes', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('app_logos').execute();
}

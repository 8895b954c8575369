import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

// Security events (sign-ins, consent, revocations, secret rotation, reuse detection).
// No foreign keys: the record of what happened outlives the users, apps and
// authorizations it names. The time is epoch milliseconds, as for every instant that
// code compares (`signet audit --since`, retention).
export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('audit_events')
    // insertion order: breaks ties between events of the same millisecond
    .addColumn('event_id', postgres ? 'bigserial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('client_id', 'text')
    .addColumn('authorization_id', 'text')
    .addColumn('ip', 'text')
    // a small JSON object; never a secret
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('audit_events_created').on('audit_events').columns(['created_at', 'event_id']).execute();
  await db.schema
    .createIndex('audit_events_user_created')
    .on('audit_events')
    .columns(['user_id', 'created_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
}

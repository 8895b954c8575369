import type { Kysely } from 'kysely';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

/*
 * A service login (PROTOCOL.md §11) is an authorization too, and it must end with the
 * keystore session whose token the service exchanged: this names that session (null for
 * code redemptions). No foreign key: a key session is never deleted but with its user, who
 * takes the authorization along, and SQLite cannot drop a column a foreign key names.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('authorizations').addColumn('key_session_id', 'text').execute();
  await db.schema.createIndex('authorizations_key_session_id').on('authorizations').column('key_session_id').execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('authorizations_key_session_id').execute();
  await db.schema.alterTable('authorizations').dropColumn('key_session_id').execute();
}

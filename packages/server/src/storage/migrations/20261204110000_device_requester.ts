import type { Kysely } from 'kysely';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

const COLUMNS = ['requester_ip', 'requester_device', 'match_code'] as const;

/*
 * Where a pending device request was opened (the waiting browser's address and a short
 * description of its User-Agent) and the code both screens show, so the approving device
 * can tell whose request it is (PROTOCOL.md §6). Nullable: a request opened before this
 * version has none, and the approval page warns that it cannot say where it came from.
 * SQLite adds one column per ALTER TABLE.
 */
export async function up(db: AnyDb): Promise<void> {
  for (const column of COLUMNS) await db.schema.alterTable('device_requests').addColumn(column, 'text').execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const column of [...COLUMNS].reverse())
    await db.schema.alterTable('device_requests').dropColumn(column).execute();
}

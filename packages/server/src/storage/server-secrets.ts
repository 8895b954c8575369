import { randomBytes } from 'node:crypto';
import type { Db } from './tables.js';

/**
 * A secret shared by every instance, made on first use. Concurrent first uses race on
 * the insert; the loser's value is discarded and everyone reads the winner's.
 */
export async function serverSecret(db: Db, name: string, make: () => string = () => randomBytes(32).toString('hex')): Promise<string> {
  await db
    .insertInto('server_secrets')
    .values({ name, value: make(), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}

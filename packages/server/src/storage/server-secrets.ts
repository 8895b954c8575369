import { randomBytes } from 'node:crypto';
import { isSealed } from '../keys/sealer.js';
import type { Storage } from './database.js';

/** What reading a server secret needs: the database and the sealer that keeps its rows encrypted. */
export type SecretStore = Pick<Storage, 'db' | 'sealer'>;

/** The associated data of a row's seal: a value sealed for one name cannot be moved to another. */
const slotOf = (name: string) => `server_secrets:${name}`;

/**
 * A secret shared by every instance, made on first use and stored sealed with KEYS_SECRET.
 * Concurrent first uses race on the insert; the loser's value is discarded and everyone
 * reads the winner's. A row from before sealing (plaintext) is sealed in place by a
 * conditional write, so instances doing it at once agree, and its value stays the same.
 */
export async function serverSecret(
  store: SecretStore,
  name: string,
  make: () => string = () => randomBytes(32).toString('hex'),
): Promise<string> {
  const { db, sealer } = store;
  const slot = slotOf(name);
  await db
    .insertInto('server_secrets')
    .values({ name, value: sealer.seal(slot, make()), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('server_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  if (isSealed(row.value)) return sealer.open(slot, row.value);
  await db
    .updateTable('server_secrets')
    .set({ value: sealer.seal(slot, row.value) })
    .where('name', '=', name)
    .where('value', '=', row.value)
    .execute();
  return row.value;
}

/**
 * Opens every stored secret once: at start-up a wrong KEYS_SECRET stops the process with one
 * clear line (UnsealError) before anything is served, and plaintext rows get sealed.
 */
export async function openServerSecrets(store: SecretStore): Promise<void> {
  const rows = await store.db.selectFrom('server_secrets').select('name').execute();
  for (const { name } of rows) await serverSecret(store, name);
}

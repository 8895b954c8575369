import { precompiledFirst } from '../storage/precompiled.js';
import type { AppsTable, Db } from '../storage/tables.js';

export type AppRow = AppsTable;

export async function insertApp(trx: Db, row: AppRow): Promise<void> {
  await trx.insertInto('apps').values(row).execute();
}

export function findApp(db: Db, clientId: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

/**
 * The lookup of client authentication, on every token and introspection request: compiled
 * once and cached (storage/precompiled.ts). Every change to an app announces itself
 * (apps/service.ts), so a rotated secret or a deleted app stops working at once here, and
 * within CACHE_TTL_MS anywhere else even if the announcement is lost.
 */
export const findAppForClientAuth = precompiledFirst(
  1,
  (db, clientId: string) => db.selectFrom('apps').selectAll().where('client_id', '=', clientId),
  { cache: true },
);

export function listApps(db: Db, ownerId?: string): Promise<AppRow[]> {
  let query = db.selectFrom('apps').selectAll();
  if (ownerId) query = query.where('owner_id', '=', ownerId);
  return query.orderBy('created_at', 'desc').orderBy('client_id').execute();
}

export async function updateApp(db: Db, clientId: string, changes: Partial<Omit<AppRow, 'client_id'>>): Promise<boolean> {
  const result = await db.updateTable('apps').set(changes).where('client_id', '=', clientId).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes the app; answers what it was (for the audit log), or undefined when there was none. */
export function deleteApp(trx: Db, clientId: string): Promise<Pick<AppRow, 'owner_id' | 'name'> | undefined> {
  return trx.deleteFrom('apps').where('client_id', '=', clientId).returning(['owner_id', 'name']).executeTakeFirst();
}

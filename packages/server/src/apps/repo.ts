import type { HotReads } from '../storage/hot-reads.js';
import { precompiledFirst } from '../storage/precompiled.js';
import type { AppLogosTable, AppsTable, Db } from '../storage/tables.js';
import type { ChangeTx } from '../storage/transaction.js';

/*
 * The owner of the apps and app_logos tables. Cached reads of an app are tagged
 * `app:<client id>`; every write to one announces it (storage/hot-reads.ts).
 */

export type AppRow = AppsTable;

export async function insertApp(trx: Db, row: AppRow): Promise<void> {
  await trx.insertInto('apps').values(row).execute();
}

export function findApp(db: Db, clientId: string): Promise<AppRow | undefined> {
  return db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst();
}

const appForClientAuth = precompiledFirst(
  1,
  (db, clientId: string) => db.selectFrom('apps').selectAll().where('client_id', '=', clientId),
  { cache: (_row, [clientId]) => [`app:${clientId}`] },
);

/**
 * The lookup of client authentication, on every token and introspection request: compiled
 * once and cached (storage/hot-reads.ts). Every write to an app below announces it, so a
 * rotated secret or a deleted app stops working at once here, and within CACHE_TTL_MS
 * anywhere else even if the announcement is lost.
 */
export function findAppForClientAuth(hot: HotReads, clientId: string): Promise<AppRow | undefined> {
  return hot.first(appForClientAuth, clientId);
}

export function listApps(db: Db, ownerId?: string): Promise<AppRow[]> {
  let query = db.selectFrom('apps').selectAll();
  if (ownerId) query = query.where('owner_id', '=', ownerId);
  return query.orderBy('created_at', 'desc').orderBy('client_id').execute();
}

export async function updateApp(
  tx: ChangeTx,
  clientId: string,
  changes: Partial<Omit<AppRow, 'client_id'>>,
): Promise<boolean> {
  const result = await tx.db.updateTable('apps').set(changes).where('client_id', '=', clientId).executeTakeFirst();
  tx.changed.push(`app:${clientId}`);
  return Number(result.numUpdatedRows) > 0;
}

/** Deletes the app (its authorizations and tokens go with it); answers what it was (for the audit log), or undefined when there was none. */
export async function deleteApp(
  tx: ChangeTx,
  clientId: string,
): Promise<Pick<AppRow, 'owner_id' | 'name'> | undefined> {
  const deleted = await tx.db
    .deleteFrom('apps')
    .where('client_id', '=', clientId)
    .returning(['owner_id', 'name'])
    .executeTakeFirst();
  tx.changed.push(`app:${clientId}`);
  return deleted;
}

/**
 * Stores (or replaces) the logo and points the app's icon_url at it, in one transaction.
 * Not announced: client authentication, the one cached read of apps, never reads the icon.
 */
export async function saveLogoRows(
  db: Db,
  clientId: string,
  logo: Pick<AppLogosTable, 'content_type' | 'bytes' | 'updated_at'>,
  iconUrl: string,
): Promise<void> {
  const { content_type: type, bytes, updated_at: now } = logo;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('app_logos')
      .values({ client_id: clientId, content_type: type, bytes, updated_at: now })
      .onConflict((oc) => oc.column('client_id').doUpdateSet({ content_type: type, bytes, updated_at: now }))
      .execute();
    await trx
      .updateTable('apps')
      .set({ icon_url: iconUrl, updated_at: now })
      .where('client_id', '=', clientId)
      .execute();
  });
}

export function findLogo(db: Db, clientId: string): Promise<Pick<AppLogosTable, 'content_type' | 'bytes'> | undefined> {
  return db
    .selectFrom('app_logos')
    .select(['content_type', 'bytes'])
    .where('client_id', '=', clientId)
    .executeTakeFirst();
}

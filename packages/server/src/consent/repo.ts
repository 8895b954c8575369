import type { Db, GrantsTable } from '../storage/tables.js';

/* The owner of the grants table: what each user has let each app do. */

export type GrantRow = GrantsTable;

export async function findGrantScopes(db: Db, userId: string, clientId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('grants')
    .select('scopes')
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row?.scopes;
}

/** Stores the grant's scopes, replacing what it held (the caller merges). */
export async function upsertGrant(
  db: Db,
  userId: string,
  clientId: string,
  scopes: string,
  now: string,
): Promise<void> {
  await db
    .insertInto('grants')
    .values({ user_id: userId, client_id: clientId, scopes, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scopes, updated_at: now }))
    .execute();
}

export async function deleteGrant(db: Db, userId: string, clientId: string): Promise<void> {
  await db.deleteFrom('grants').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
}

/** The user's grants with their apps, by app name. */
export function listGrantsWithApps(db: Db, userId: string) {
  return db
    .selectFrom('grants')
    .innerJoin('apps', 'apps.client_id', 'grants.client_id')
    .select(['grants.client_id', 'grants.scopes', 'grants.created_at', 'apps.name', 'apps.icon_url', 'apps.website'])
    .where('grants.user_id', '=', userId)
    .orderBy('apps.name')
    .orderBy('grants.client_id')
    .execute();
}

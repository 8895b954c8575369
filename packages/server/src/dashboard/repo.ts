import type { AppRow } from '../apps/repo.js';
import type { Db } from '../storage/tables.js';

export interface OwnedApp {
  client_id: string;
  name: string;
  type: AppRow['type'];
  icon_url: string;
  /** distinct users holding a consent grant for the app */
  users: number;
}

/** The owner's apps, newest first, each with how many users authorized it. */
export async function listOwnedApps(db: Db, ownerId: string): Promise<OwnedApp[]> {
  const rows = await db
    .selectFrom('apps')
    .leftJoin('grants', 'grants.client_id', 'apps.client_id')
    .select([
      'apps.client_id',
      'apps.name',
      'apps.type',
      'apps.icon_url',
      (eb) => eb.fn.count<number | string>('grants.user_id').distinct().as('users'),
    ])
    .where('apps.owner_id', '=', ownerId)
    .groupBy(['apps.client_id', 'apps.name', 'apps.type', 'apps.icon_url', 'apps.created_at'])
    .orderBy('apps.created_at', 'desc')
    .orderBy('apps.client_id')
    .execute();
  // PostgreSQL answers count() as a bigint string
  return rows.map((row) => ({ ...row, users: Number(row.users) }));
}

export async function countAppUsers(db: Db, clientId: string): Promise<number> {
  const row = await db
    .selectFrom('grants')
    .select((eb) => eb.fn.count<number | string>('user_id').distinct().as('users'))
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return Number(row?.users ?? 0);
}

import type { AppRow } from '../apps/repo.js';
import { findApp } from '../apps/repo.js';
import type { Db } from '../storage/tables.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The app when the signed-in user owns it; someone else's app looks exactly like a missing one. */
export async function ownedApp(db: Db, userId: string, clientId: string): Promise<AppRow | null> {
  if (!UUID.test(clientId)) return null;
  const app = await findApp(db, clientId);
  return app && app.owner_id === userId ? app : null;
}

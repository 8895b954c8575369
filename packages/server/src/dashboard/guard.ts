import { isUuid } from '@signet/protocol';
import type { AppRow } from '../apps/repo.js';
import { findApp } from '../apps/repo.js';
import type { Db } from '../storage/tables.js';

/** The app when the signed-in user owns it; someone else's app looks exactly like a missing one. */
export async function ownedApp(db: Db, userId: string, clientId: string): Promise<AppRow | null> {
  if (!isUuid(clientId)) return null;
  const app = await findApp(db, clientId.toLowerCase());
  return app && app.owner_id === userId ? app : null;
}

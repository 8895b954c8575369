import { type AuthorizationView, parseScopes } from '@signet/protocol';
import { redirectUrisOf } from '../apps/service.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { listLiveAuthorizations } from '../tokens/repo.js';

export type { AuthorizationView };

/** The user's live authorizations, one per code redemption (per device), newest first. */
export async function listAuthorizations(
  deps: { db: Db; clock: Clock },
  userId: string,
  clientId?: string,
): Promise<AuthorizationView[]> {
  const rows = await listLiveAuthorizations(deps.db, userId, deps.clock.now(), clientId);
  return rows.map((row) => ({
    type: 'authorization',
    authorization_id: row.authorization_id,
    scopes: parseScopes(row.grant_scopes ?? row.authorization_scopes),
    app: {
      app_id: row.client_id,
      name: row.name,
      icon_url: row.icon_url,
      home_uri: row.website,
      redirect_uri: redirectUrisOf(row)[0] ?? '',
    },
    created_at: row.created_at,
    accessed_at: row.accessed_at ?? row.created_at,
  }));
}

import { type AuthorizationView, parseScopes } from '@signet/protocol';
import { redirectUrisOf } from '../apps/service.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';

export type { AuthorizationView };

/** The user's live authorizations, one per code redemption (per device), newest first. */
export async function listAuthorizations(deps: { db: Db; clock: Clock }, userId: string, clientId?: string): Promise<AuthorizationView[]> {
  let query = deps.db
    .selectFrom('authorizations')
    .innerJoin('apps', 'apps.client_id', 'authorizations.client_id')
    .leftJoin('grants', (join) =>
      join.onRef('grants.user_id', '=', 'authorizations.user_id').onRef('grants.client_id', '=', 'authorizations.client_id'),
    )
    .select([
      'authorizations.authorization_id',
      'authorizations.client_id',
      'authorizations.scopes as authorization_scopes',
      'authorizations.created_at',
      'authorizations.accessed_at',
      'grants.scopes as grant_scopes',
      'apps.name',
      'apps.icon_url',
      'apps.website',
      'apps.redirect_uris',
    ])
    .where('authorizations.user_id', '=', userId)
    .where('authorizations.revoked_at', 'is', null)
    .where('authorizations.expires_at', '>', deps.clock.now());
  if (clientId) query = query.where('authorizations.client_id', '=', clientId);
  const rows = await query.orderBy('authorizations.created_at', 'desc').orderBy('authorizations.authorization_id').execute();
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

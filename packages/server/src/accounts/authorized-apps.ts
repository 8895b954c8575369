import { parseScopes } from '@signet/protocol';
import { listAuthorizations } from '../consent/authorizations.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { listGrantsWithApps } from '../consent/repo.js';

/** One app on the account page: what the user granted it and when it last acted. */
export interface AuthorizedApp {
  client_id: string;
  name: string;
  icon_url: string;
  website: string;
  scopes: string[];
  granted_at: string;
  /** newest `accessed_at` of its live authorizations; null when no code was redeemed yet */
  last_used_at: string | null;
  /** live authorizations (one per device that redeemed a code) */
  devices: number;
}

/**
 * Every app holding a grant from the user. Listed by grant, not by authorization: a
 * grant with no redeemed code yet still lets the app skip consent, so the user must
 * see it to take it back.
 */
export async function listAuthorizedApps(deps: { db: Db; clock: Clock }, userId: string): Promise<AuthorizedApp[]> {
  const grants = await listGrantsWithApps(deps.db, userId);
  const authorizations = await listAuthorizations(deps, userId);
  return grants.map((grant) => {
    const mine = authorizations.filter((a) => a.app.app_id === grant.client_id);
    const lastUsed =
      mine
        .map((a) => a.accessed_at)
        .sort()
        .at(-1) ?? null;
    return {
      client_id: grant.client_id,
      name: grant.name,
      icon_url: grant.icon_url,
      website: grant.website,
      scopes: parseScopes(grant.scopes),
      granted_at: grant.created_at,
      last_used_at: lastUsed,
      devices: mine.length,
    };
  });
}

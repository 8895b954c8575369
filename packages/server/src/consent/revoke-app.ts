import { type AuditSource, recordAuditEventAfter } from '../audit/service.js';
import type { TokensDeps } from '../tokens/service.js';
import { revokeGrant } from '../tokens/service.js';
import { grantedScopes } from './grants.js';

/**
 * A user takes an app's access away (the account page, or POST /oauth/cancel): the grant,
 * its authorizations and their tokens end at once, and the audit log says what ended. A
 * revoke that found nothing granted and nothing live changed nothing, and is not recorded.
 */
export async function revokeAppForUser(deps: TokensDeps, source: AuditSource, userId: string, clientId: string, via: 'account' | 'api'): Promise<void> {
  // read first only for the record: the revocation itself does not depend on it
  const scopes = await grantedScopes(deps.db, userId, clientId);
  const ended = await revokeGrant(deps, userId, clientId);
  if (scopes.length === 0 && ended.length === 0) return;
  await recordAuditEventAfter(deps, source, {
    type: 'authorization.revoked',
    userId,
    clientId,
    detail: { via, scopes, authorization_ids: ended },
  });
}

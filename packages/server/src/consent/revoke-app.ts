import { type AuditSource, recordAuditEventAfter } from '../audit/service.js';
import { spendPendingCodes } from '../oauth/codes-repo.js';
import { runInTransaction } from '../storage/transaction.js';
import { authorizationIdsOf, revokeAuthorizationRows } from '../tokens/repo.js';
import type { TokensDeps } from '../tokens/service.js';
import { grantedScopes } from './grants.js';
import { deleteGrant } from './repo.js';

/**
 * Revokes the app for the user (PROTOCOL.md §8): the grant goes, and every authorization,
 * token and not-yet-redeemed code under it ends at once. Returns the authorizations it ended.
 */
export async function revokeGrant(deps: TokensDeps, userId: string, clientId: string): Promise<string[]> {
  const now = deps.clock.now();
  return runInTransaction(deps, async (tx) => {
    await deleteGrant(tx.db, userId, clientId);
    await spendPendingCodes(tx.db, userId, clientId, now);
    const all = await authorizationIdsOf(tx.db, userId, clientId);
    return revokeAuthorizationRows(tx, all, now);
  });
}

/**
 * A user takes an app's access away (the account page, or POST /oauth/cancel): the grant,
 * its authorizations and their tokens end at once, and the audit log says what ended. A
 * revoke that found nothing granted and nothing live changed nothing, and is not recorded.
 */
export async function revokeAppForUser(
  deps: TokensDeps,
  source: AuditSource,
  userId: string,
  clientId: string,
  via: 'account' | 'api',
): Promise<void> {
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

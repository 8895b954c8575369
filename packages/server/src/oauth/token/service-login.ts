import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import { randomUUID } from 'node:crypto';
import type { AuditOrigin } from '../../audit/service.js';
import { grantCovers, writeGrant } from '../../consent/grants.js';
import { lifetimes } from '../../context.js';
import { InvalidGrant } from '../../errors/oauth.js';
import { lockLiveKeySession } from '../../tokens/key-sessions-repo.js';
import * as repo from '../../tokens/repo.js';
import {
  type AuthorizationRow,
  type IssuedAccessToken,
  type WriteDeps,
  issueAccessToken,
} from '../../tokens/service.js';

/** Who logs in to which service, and with which keystore session's token (PROTOCOL.md §11). */
export interface ServiceLogin {
  userId: string;
  clientId: string;
  sessionId: string;
}

/**
 * A service login as an authorization, so that revoking the app, or the keystore that
 * signed the subject token, ends it: under the user's grant to the service (made with
 * PROFILE:READ if it lacks it), naming the keystore session, holding the one access token
 * issued. It lasts as long as that token: once the token has expired nothing is left to
 * list or revoke. All in one transaction: a refusal leaves no grant or authorization behind.
 */
export async function authorizeServiceLogin(
  deps: WriteDeps,
  login: ServiceLogin,
  origin: AuditOrigin,
): Promise<{ authorization: AuthorizationRow; issued: IssuedAccessToken }> {
  const now = deps.clock.now();
  const authorization: AuthorizationRow = {
    authorization_id: randomUUID(),
    user_id: login.userId,
    client_id: login.clientId,
    scopes: ALWAYS_GRANTED_SCOPE,
    ed25519_public_key: null,
    created_at: new Date(now).toISOString(),
    accessed_at: null,
    expires_at: now + lifetimes.accessTokenMs,
    revoked_at: null,
    key_session_id: login.sessionId,
  };
  return deps.db.transaction().execute(async (trx) => {
    const inTransaction = { db: trx, clock: deps.clock };
    // written first: on SQLite the first write takes the write lock, so the check below sees every revocation committed before it
    await repo.insertAuthorization(trx, authorization);
    // the subject token's check may have read a cached session: this read decides
    if (!(await lockLiveKeySession(trx, login.sessionId)))
      throw new InvalidGrant('The subject token’s keystore session was revoked.');
    if (!(await grantCovers(trx, login.userId, login.clientId, [ALWAYS_GRANTED_SCOPE]))) {
      await writeGrant(inTransaction, login.userId, login.clientId, [ALWAYS_GRANTED_SCOPE], {
        ...origin,
        via: 'token_exchange',
      });
    }
    return { authorization, issued: await issueAccessToken(inTransaction, authorization) };
  });
}

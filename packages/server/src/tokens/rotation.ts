import { parseScopes } from '@signet/protocol';
import type { ErrorLog } from '../audit/service.js';
import { timedTokenKey } from './opaque.js';
import { type SpentRefreshToken, recallRotation, rememberRotation } from './refresh-grace.js';
import * as repo from './repo.js';
import type { RefreshTokenRow } from './repo.js';
import {
  type AuthorizationRow,
  type IssuedTokenPair,
  type TokensDeps,
  isAuthorizationActive,
  issueTokenPair,
  revokeAuthorization,
} from './service.js';

export type RotateResult =
  /** a new pair; or, for a retry within the grace, the pair the rotation gave before */
  | { status: 'rotated'; authorization: AuthorizationRow; tokens: IssuedTokenPair }
  /** unknown, expired, another client's, or its authorization has ended: refused, nothing changed */
  | { status: 'invalid' }
  /** the token was spent before, and this is no retry within the grace: its whole authorization is now revoked */
  | { status: 'reused'; authorizationId: string }
  /** asks for scopes beyond its authorization: refused, nothing changed */
  | { status: 'invalid_scope' };

/** What a spent refresh token presented again gets (REFRESH_REUSE_GRACE). */
export interface RotationPolicy {
  /** how long after its rotation a spent token's identical retry gets the same answer; 0: never (every reuse revokes) */
  graceMs: number;
  /** where a rotation whose answer could not be remembered is reported (it stands, without its grace) */
  log?: ErrorLog | undefined;
}

export interface RotateRequest {
  refreshToken: string;
  clientId: string;
  scopes?: readonly string[] | undefined;
}

/**
 * Trades a refresh token for a new pair. The conditional write that spends the old token
 * decides who rotates. A token found already spent is, within the grace, a retry (two
 * tabs, a resent request) that gets the same answer; otherwise a copy is in someone
 * else's hands, and the whole authorization ends, as RFC 9700 §4.14.2 recommends.
 */
export async function rotateRefreshToken(
  deps: TokensDeps,
  request: RotateRequest,
  policy: RotationPolicy,
): Promise<RotateResult> {
  const now = deps.clock.now();
  const tokenHash = timedTokenKey(request.refreshToken);
  const row = await repo.findRefreshToken(deps.db, tokenHash);
  // another client's token is refused without touching it: that client cannot spend it
  if (!row || row.client_id !== request.clientId) return { status: 'invalid' };
  const spent: SpentRefreshToken = { refreshToken: request.refreshToken, tokenHash, clientId: request.clientId };
  if (row.used_at !== null) return answerSpentToken(deps, request, spent, row, row.used_at, policy);
  const authorization = await repo.findAuthorization(deps.db, row.authorization_id);
  if (row.expires_at <= now || !isAuthorizationActive(authorization, now)) return { status: 'invalid' };
  const allowed = new Set(parseScopes(authorization.scopes));
  if (request.scopes && !request.scopes.every((scope) => allowed.has(scope))) return { status: 'invalid_scope' };

  const tokens = await deps.db.transaction().execute(async (trx) => {
    if (!(await repo.spendRefreshToken(trx, tokenHash, now))) return undefined;
    return issueTokenPair({ db: trx, clock: deps.clock }, authorization, request.scopes);
  });
  // a concurrent request spent it between our read and our write: a retry, or a reuse
  if (!tokens) return answerSpentToken(deps, request, spent, row, now, policy);
  if (policy.graceMs > 0) {
    try {
      await rememberRotation(deps.kv, spent, { tokens, requested: requestedScopes(request) }, policy.graceMs);
    } catch (error) {
      // the rotation has happened: its client must get its pair; only a retry loses its grace
      policy.log?.error(
        { err: error },
        'refresh rotation not remembered: a retry within the grace will count as reuse',
      );
    }
  }
  return { status: 'rotated', authorization, tokens };
}

/** The scopes a request names, in one order, so that a retry compares equal to its original. */
function requestedScopes(request: RotateRequest): string[] | null {
  return request.scopes ? [...new Set(request.scopes)].sort() : null;
}

function sameScopes(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === null || b === null ? a === b : a.length === b.length && a.every((scope, i) => scope === b[i]);
}

/**
 * A spent token came back. Within the grace of its rotation, while the authorization
 * lives, the same request by the same client gets the rotation's answer again (waiting
 * briefly for it when the winner of a concurrent rotation has not written it yet).
 * Anything else is reuse, and ends the authorization.
 */
async function answerSpentToken(
  deps: TokensDeps,
  request: RotateRequest,
  spent: SpentRefreshToken,
  row: RefreshTokenRow,
  spentAt: number,
  policy: RotationPolicy,
): Promise<RotateResult> {
  if (policy.graceMs > 0 && deps.clock.now() - spentAt < policy.graceMs) {
    // revoked meanwhile (by its user, a reuse, or a revocation that spent this token itself): nothing to hand out, nothing left to end
    if (!isAuthorizationActive(await repo.findAuthorization(deps.db, row.authorization_id), deps.clock.now()))
      return { status: 'invalid' };
    const remembered = await recallRotation(deps.kv, spent);
    if (remembered && sameScopes(remembered.requested, requestedScopes(request))) {
      // read again after the wait: an answer is never handed out past a revocation
      const authorization = await repo.findAuthorization(deps.db, row.authorization_id);
      if (!isAuthorizationActive(authorization, deps.clock.now())) return { status: 'invalid' };
      return { status: 'rotated', authorization, tokens: remembered.tokens };
    }
  }
  await revokeAuthorization(deps, row.authorization_id);
  return { status: 'reused', authorizationId: row.authorization_id };
}

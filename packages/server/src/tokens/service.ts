import { formatScopes, parseScopes } from '@signet/protocol';
import { lifetimes } from '../context.js';
import type { CodeRow } from '../oauth/codes.js';
import { InvalidGrant } from '../errors/oauth.js';
import { isUniqueViolation } from '../storage/dialect.js';
import { announceChange } from '../storage/precompiled.js';
import type { Clock, Kv } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { newTimedToken, timedTokenKey } from './opaque.js';
import * as repo from './repo.js';
import type { AuthorizationRow } from './repo.js';

export type { AuthorizationRow } from './repo.js';

export interface TokensDeps {
  db: Db;
  kv: Kv;
  clock: Clock;
}

/** What writing rows needs (a transaction may stand in for `db`). */
export type WriteDeps = Omit<TokensDeps, 'kv'>;

export interface IssuedAccessToken {
  accessToken: string;
  /** epoch milliseconds */
  expiresAt: number;
  scopes: string[];
}

export interface IssuedTokenPair extends IssuedAccessToken {
  refreshToken: string;
}

/** Creates the authorization a redeemed code stands for, with the client's key if one was bound. */
export async function createAuthorization(deps: WriteDeps, code: CodeRow, clientPublicKeyHex?: string): Promise<AuthorizationRow> {
  const now = deps.clock.now();
  const row: AuthorizationRow = {
    authorization_id: code.authorization_id,
    user_id: code.user_id,
    client_id: code.client_id,
    scopes: code.scopes,
    ed25519_public_key: clientPublicKeyHex ?? null,
    created_at: new Date(now).toISOString(),
    accessed_at: null,
    expires_at: now + lifetimes.authorizationMs,
    revoked_at: null,
    key_session_id: null,
  };
  await repo.insertAuthorization(deps.db, row);
  return row;
}

/** An access token under an authorization; it never outlives the authorization. */
export async function issueAccessToken(deps: WriteDeps, authorization: AuthorizationRow, scopes?: readonly string[]): Promise<IssuedAccessToken> {
  const now = deps.clock.now();
  const { token: accessToken, key } = newTimedToken(now);
  const expiresAt = Math.min(now + lifetimes.accessTokenMs, authorization.expires_at);
  const granted = scopes ? [...scopes] : parseScopes(authorization.scopes);
  await repo.insertAccessToken(deps.db, {
    token_hash: key,
    client_id: authorization.client_id,
    user_id: authorization.user_id,
    authorization_id: authorization.authorization_id,
    scopes: formatScopes(granted),
    created_at: now,
    expires_at: expiresAt,
    revoked_at: null,
  });
  return { accessToken, expiresAt, scopes: granted };
}

/** An access token and a refresh token (pass a transaction as `db` to write them together). */
export async function issueTokenPair(deps: WriteDeps, authorization: AuthorizationRow, scopes?: readonly string[]): Promise<IssuedTokenPair> {
  const access = await issueAccessToken(deps, authorization, scopes);
  const refreshToken = await insertRefreshToken(deps.db, deps.clock.now(), authorization);
  return { ...access, refreshToken };
}

/**
 * Creates the authorization of a redeemed code and what `issue` issues under it, in one
 * transaction: a failure leaves no authorization without its tokens.
 */
export async function authorizeCode<T>(
  deps: WriteDeps,
  code: CodeRow,
  clientPublicKeyHex: string | undefined,
  issue: (deps: WriteDeps, authorization: AuthorizationRow) => Promise<T>,
): Promise<{ authorization: AuthorizationRow; issued: T }> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const inTransaction = { db: trx, clock: deps.clock };
      const authorization = await createAuthorization(inTransaction, code, clientPublicKeyHex);
      return { authorization, issued: await issue(inTransaction, authorization) };
    });
  } catch (error) {
    // a replay got here first and left a revoked authorization in this one's place
    if (isUniqueViolation(error)) throw new InvalidGrant('The authorization code was used twice.');
    throw error;
  }
}

/**
 * Revokes what a replayed code gave. The first redemption may still be on its way to
 * writing its authorization: a revoked row put in that place first makes its insert
 * fail, so nothing issued from a replayed code survives, whatever the interleaving.
 */
export async function revokeCodeAuthorization(deps: TokensDeps, code: CodeRow): Promise<void> {
  const now = deps.clock.now();
  await deps.db
    .insertInto('authorizations')
    .values({
      authorization_id: code.authorization_id,
      user_id: code.user_id,
      client_id: code.client_id,
      scopes: code.scopes,
      ed25519_public_key: null,
      created_at: new Date(now).toISOString(),
      accessed_at: null,
      expires_at: now,
      revoked_at: now,
    })
    .onConflict((oc) => oc.column('authorization_id').doNothing())
    .execute();
  await revokeAuthorization(deps, code.authorization_id);
}

async function insertRefreshToken(db: Db, now: number, authorization: AuthorizationRow): Promise<string> {
  const { token: refreshToken, key } = newTimedToken(now);
  await repo.insertRefreshToken(db, {
    token_hash: key,
    authorization_id: authorization.authorization_id,
    client_id: authorization.client_id,
    created_at: now,
    expires_at: Math.min(now + lifetimes.refreshTokenMs, authorization.expires_at),
    used_at: null,
  });
  return refreshToken;
}

/** A token under no authorization: client credentials, the app acting as its own bot user (user_id = client_id). */
export async function issueClientToken(deps: WriteDeps, clientId: string, scopes: readonly string[]): Promise<IssuedAccessToken> {
  const now = deps.clock.now();
  const { token: accessToken, key } = newTimedToken(now);
  const expiresAt = now + lifetimes.accessTokenMs;
  await repo.insertAccessTokenGrouped(deps.db, {
    token_hash: key,
    client_id: clientId,
    user_id: clientId,
    authorization_id: null,
    scopes: formatScopes(scopes),
    created_at: now,
    expires_at: expiresAt,
    revoked_at: null,
  });
  return { accessToken, expiresAt, scopes: [...scopes] };
}

export function isAuthorizationActive(authorization: AuthorizationRow | undefined, now: number): authorization is AuthorizationRow {
  return authorization !== undefined && authorization.revoked_at === null && authorization.expires_at > now;
}

/** Tells every instance (their caches) which authorizations this call ended; already-revoked ones were announced before. */
export async function announceRevocations(deps: Pick<TokensDeps, 'db' | 'kv'>, authorizationIds: readonly string[]): Promise<void> {
  for (const id of authorizationIds) await announceChange(deps, id);
}

async function revokeAuthorizations(deps: TokensDeps, authorizationIds: readonly string[]): Promise<void> {
  const now = deps.clock.now();
  const revoked = await deps.db.transaction().execute((trx) => repo.revokeAuthorizationRows(trx, authorizationIds, now));
  await announceRevocations(deps, revoked);
}

/** Ends one authorization and every token under it. Unknown or already revoked: nothing happens. */
export async function revokeAuthorization(deps: TokensDeps, authorizationId: string): Promise<void> {
  await revokeAuthorizations(deps, [authorizationId]);
}

/**
 * Revokes the app for the user (PROTOCOL.md §8): the grant goes, and every authorization,
 * token and not-yet-redeemed code under it ends at once. Returns the authorizations it ended.
 */
export async function revokeGrant(deps: TokensDeps, userId: string, clientId: string): Promise<string[]> {
  const now = deps.clock.now();
  const ids = await deps.db.transaction().execute(async (trx) => {
    await repo.deleteGrant(trx, userId, clientId);
    await repo.spendPendingCodes(trx, userId, clientId, now);
    const all = await repo.authorizationIdsOf(trx, userId, clientId);
    return repo.revokeAuthorizationRows(trx, all, now);
  });
  await announceRevocations(deps, ids);
  return ids;
}

/** What a stored access token says about itself (introspection, bearer authentication). */
export interface AccessTokenInfo {
  active: boolean;
  clientId: string;
  /** the user the token acts for; the app's bot user (= clientId) for client credentials */
  userId: string;
  /** null for client-credentials tokens */
  authorizationId: string | null;
  scopes: string[];
  /** epoch milliseconds */
  issuedAt: number;
  expiresAt: number;
}

/** Looks an access token up by its value; undefined when it was never issued. */
export async function lookupAccessToken(deps: Pick<TokensDeps, 'db' | 'clock'>, accessToken: string): Promise<AccessTokenInfo | undefined> {
  const row = await repo.findAccessToken(deps.db, timedTokenKey(accessToken));
  if (!row) return undefined;
  const now = deps.clock.now();
  const authorizationLive =
    row.authorization_id === null ||
    (row.authorization_revoked_at === null && row.authorization_expires_at !== null && row.authorization_expires_at > now);
  return {
    active: row.revoked_at === null && row.expires_at > now && authorizationLive,
    clientId: row.client_id,
    userId: row.user_id,
    authorizationId: row.authorization_id,
    scopes: parseScopes(row.scopes),
    issuedAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** For bearer authentication: the token's facts only while it is active. */
export async function findActiveAccessToken(deps: Pick<TokensDeps, 'db' | 'clock'>, accessToken: string): Promise<AccessTokenInfo | undefined> {
  const info = await lookupAccessToken(deps, accessToken);
  return info?.active ? info : undefined;
}

/** RFC 7009 for an access token: ends that token only. Returns false when it is not this client's. */
export async function revokeAccessToken(deps: Pick<TokensDeps, 'db' | 'clock' | 'kv'>, accessToken: string, clientId: string): Promise<boolean> {
  const tokenHash = timedTokenKey(accessToken);
  const row = await repo.findAccessToken(deps.db, tokenHash);
  if (!row || row.client_id !== clientId) return false;
  await repo.revokeAccessTokenRow(deps.db, tokenHash, deps.clock.now());
  await announceChange(deps, `access-token:${tokenHash}`);
  return true;
}

/** RFC 7009 for a refresh token: ends its authorization, and answers its id; undefined when it is not this client's. */
export async function revokeByRefreshToken(deps: TokensDeps, refreshToken: string, clientId: string): Promise<string | undefined> {
  const row = await repo.findRefreshToken(deps.db, timedTokenKey(refreshToken));
  if (!row || row.client_id !== clientId) return undefined;
  await revokeAuthorization(deps, row.authorization_id);
  return row.authorization_id;
}

import { formatScopes, parseScopes } from '@signet/protocol';
import { lifetimes } from '../context.js';
import { isUniqueViolation } from '../storage/dialect.js';
import type { HotReads } from '../storage/hot-reads.js';
import type { Clock, Kv } from '../storage/kv/types.js';
import type { AuthorizationCodesTable, Db } from '../storage/tables.js';
import { runInTransaction } from '../storage/transaction.js';
import { newTimedToken, timedTokenKey } from './opaque.js';
import * as repo from './repo.js';
import type { AuthorizationRow } from './repo.js';

export type { AuthorizationRow } from './repo.js';

export interface TokensDeps {
  db: Db;
  /** the storage's hot reads (storage.hot): token lookups, and what a revocation forgets */
  hot: HotReads;
  kv: Kv;
  clock: Clock;
}

/** What writing rows needs (a transaction may stand in for `db`). */
export type WriteDeps = Pick<TokensDeps, 'db' | 'clock'>;

/** A redeemed code: what its authorization is made of. */
export type RedeemedCode = AuthorizationCodesTable;

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
export async function createAuthorization(
  deps: WriteDeps,
  code: RedeemedCode,
  clientPublicKeyHex?: string,
): Promise<AuthorizationRow> {
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
export async function issueAccessToken(
  deps: WriteDeps,
  authorization: AuthorizationRow,
  scopes?: readonly string[],
): Promise<IssuedAccessToken> {
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
export async function issueTokenPair(
  deps: WriteDeps,
  authorization: AuthorizationRow,
  scopes?: readonly string[],
): Promise<IssuedTokenPair> {
  const access = await issueAccessToken(deps, authorization, scopes);
  const refreshToken = await insertRefreshToken(deps.db, deps.clock.now(), authorization);
  return { ...access, refreshToken };
}

/**
 * Creates the authorization of a redeemed code and what `issue` issues under it, in one
 * transaction: a failure leaves no authorization without its tokens. `replayed`: a replay got
 * here first and left a revoked authorization in this one's place.
 */
export async function createCodeAuthorization<T>(
  deps: WriteDeps,
  code: RedeemedCode,
  clientPublicKeyHex: string | undefined,
  issue: (deps: WriteDeps, authorization: AuthorizationRow) => Promise<T>,
): Promise<{ status: 'authorized'; authorization: AuthorizationRow; issued: T } | { status: 'replayed' }> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const inTransaction = { db: trx, clock: deps.clock };
      const authorization = await createAuthorization(inTransaction, code, clientPublicKeyHex);
      return { status: 'authorized' as const, authorization, issued: await issue(inTransaction, authorization) };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: 'replayed' };
    throw error;
  }
}

/**
 * Revokes what a replayed code gave. The first redemption may still be on its way to
 * writing its authorization: a revoked row put in that place first makes its insert
 * fail, so nothing issued from a replayed code survives, whatever the interleaving.
 */
export async function revokeCodeAuthorization(deps: TokensDeps, code: RedeemedCode): Promise<void> {
  await repo.insertRevokedAuthorization(deps.db, code, deps.clock.now());
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
export async function issueClientToken(
  deps: Pick<TokensDeps, 'db' | 'hot' | 'clock'>,
  clientId: string,
  scopes: readonly string[],
): Promise<IssuedAccessToken> {
  const now = deps.clock.now();
  const { token: accessToken, key } = newTimedToken(now);
  const expiresAt = now + lifetimes.accessTokenMs;
  await repo.insertAccessTokenGrouped(deps, {
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

export function isAuthorizationActive(
  authorization: AuthorizationRow | undefined,
  now: number,
): authorization is AuthorizationRow {
  return authorization !== undefined && authorization.revoked_at === null && authorization.expires_at > now;
}

async function revokeAuthorizations(deps: TokensDeps, authorizationIds: readonly string[]): Promise<void> {
  const now = deps.clock.now();
  await runInTransaction(deps, (tx) => repo.revokeAuthorizationRows(tx, authorizationIds, now));
}

/** Ends one authorization and every token under it. Unknown or already revoked: nothing happens. */
export async function revokeAuthorization(deps: TokensDeps, authorizationId: string): Promise<void> {
  await revokeAuthorizations(deps, [authorizationId]);
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
export async function lookupAccessToken(
  deps: Pick<TokensDeps, 'hot' | 'clock'>,
  accessToken: string,
): Promise<AccessTokenInfo | undefined> {
  const row = await repo.findAccessToken(deps.hot, timedTokenKey(accessToken));
  if (!row) return undefined;
  const now = deps.clock.now();
  const authorizationLive =
    row.authorization_id === null ||
    (row.authorization_revoked_at === null &&
      row.authorization_expires_at !== null &&
      row.authorization_expires_at > now);
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
export async function findActiveAccessToken(
  deps: Pick<TokensDeps, 'hot' | 'clock'>,
  accessToken: string,
): Promise<AccessTokenInfo | undefined> {
  const info = await lookupAccessToken(deps, accessToken);
  return info?.active ? info : undefined;
}

/** RFC 7009 for an access token: ends that token only. Returns false when it is not this client's. */
export async function revokeAccessToken(deps: TokensDeps, accessToken: string, clientId: string): Promise<boolean> {
  const tokenHash = timedTokenKey(accessToken);
  const row = await repo.findAccessToken(deps.hot, tokenHash);
  if (!row || row.client_id !== clientId) return false;
  await repo.revokeAccessTokenRow(deps, tokenHash, deps.clock.now());
  return true;
}

/** RFC 7009 for a refresh token: ends its authorization, and answers its id; undefined when it is not this client's. */
export async function revokeByRefreshToken(
  deps: TokensDeps,
  refreshToken: string,
  clientId: string,
): Promise<string | undefined> {
  const row = await repo.findRefreshToken(deps.db, timedTokenKey(refreshToken));
  if (!row || row.client_id !== clientId) return undefined;
  await revokeAuthorization(deps, row.authorization_id);
  return row.authorization_id;
}

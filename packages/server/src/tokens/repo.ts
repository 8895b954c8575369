import { precompiledFirst, precompiledInsert } from '../storage/precompiled.js';
import type { AccessTokensTable, AuthorizationsTable, Db, RefreshTokensTable } from '../storage/tables.js';
import { TurnBatches } from '../storage/turn-batches.js';

export type AuthorizationRow = AuthorizationsTable;
export type AccessTokenRow = AccessTokensTable;
export type RefreshTokenRow = RefreshTokensTable;

export async function insertAuthorization(db: Db, row: AuthorizationRow): Promise<void> {
  await db.insertInto('authorizations').values(row).execute();
}

export function findAuthorization(db: Db, authorizationId: string): Promise<AuthorizationRow | undefined> {
  return db.selectFrom('authorizations').selectAll().where('authorization_id', '=', authorizationId).executeTakeFirst();
}

export async function insertAccessToken(db: Db, row: AccessTokenRow): Promise<void> {
  await db.insertInto('access_tokens').values(row).execute();
}

const accessTokenBatches = new WeakMap<Db, TurnBatches<AccessTokenRow, undefined | Error>>();

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const ACCESS_TOKEN_COLUMNS = ['token_hash', 'client_id', 'user_id', 'authorization_id', 'scopes', 'created_at', 'expires_at', 'revoked_at'] as const;
const insertAccessTokenRows = precompiledInsert<AccessTokenRow>(ACCESS_TOKEN_COLUMNS, (db, rows) => db.insertInto('access_tokens').values(rows));

/** Each row's outcome: the rows in one go (precompiledInsert: all or nothing), or, if that fails, each row alone. */
async function insertAccessTokens(db: Db, rows: AccessTokenRow[]): Promise<(undefined | Error)[]> {
  try {
    await insertAccessTokenRows(db, rows);
    return rows.map(() => undefined);
  } catch {
    // one bad row (its app deleted meanwhile, say) must not fail the others
    const outcomes: (undefined | Error)[] = [];
    for (const row of rows) outcomes.push(await insertAccessToken(db, row).then(() => undefined, asError));
    return outcomes;
  }
}

/**
 * insertAccessToken for the hot path of a token endpoint that writes nothing else (client
 * credentials): the rows of one event-loop turn go in one statement
 * (storage/turn-batches.ts). Not for a transaction: the batch runs on its own, later.
 */
export async function insertAccessTokenGrouped(db: Db, row: AccessTokenRow): Promise<void> {
  if (db.isTransaction) throw new Error('insertAccessTokenGrouped cannot join a transaction');
  let batches = accessTokenBatches.get(db);
  if (!batches) {
    batches = new TurnBatches((rows) => insertAccessTokens(db, rows));
    accessTokenBatches.set(db, batches);
  }
  const failure = await batches.add(row);
  if (failure) throw failure;
}

export async function insertRefreshToken(db: Db, row: RefreshTokenRow): Promise<void> {
  await db.insertInto('refresh_tokens').values(row).execute();
}

/** An access token with the state of the authorization it belongs to (none for client credentials). */
export interface AccessTokenWithAuthorization extends AccessTokenRow {
  authorization_revoked_at: number | null;
  authorization_expires_at: number | null;
}

/** Every API call with a bearer token runs this: compiled once (storage/precompiled.ts). */
export const findAccessToken = precompiledFirst(1, (db, tokenHash: string) =>
  db
    .selectFrom('access_tokens')
    .leftJoin('authorizations', 'authorizations.authorization_id', 'access_tokens.authorization_id')
    .selectAll('access_tokens')
    .select(['authorizations.revoked_at as authorization_revoked_at', 'authorizations.expires_at as authorization_expires_at'])
    .where('access_tokens.token_hash', '=', tokenHash),
  { cache: true },
);

export function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Spends a refresh token: true only for the one caller whose write found it unused. */
export async function spendRefreshToken(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeAccessTokenRow(db: Db, tokenHash: string, now: number): Promise<void> {
  await db.updateTable('access_tokens').set({ revoked_at: now }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}

/** Ends authorizations and everything issued under them; returns the ids that were still live. */
export async function revokeAuthorizationRows(db: Db, authorizationIds: readonly string[], now: number): Promise<string[]> {
  if (authorizationIds.length === 0) return [];
  const revoked = await db
    .updateTable('authorizations')
    .set({ revoked_at: now })
    .where('authorization_id', 'in', authorizationIds)
    .where('revoked_at', 'is', null)
    .returning('authorization_id')
    .execute();
  await db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('authorization_id', 'in', authorizationIds)
    .where('revoked_at', 'is', null)
    .execute();
  await db
    .updateTable('refresh_tokens')
    .set({ used_at: now })
    .where('authorization_id', 'in', authorizationIds)
    .where('used_at', 'is', null)
    .execute();
  return revoked.map((row) => row.authorization_id);
}

export async function authorizationIdsOf(db: Db, userId: string, clientId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('authorizations')
    .select('authorization_id')
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .execute();
  return rows.map((row) => row.authorization_id);
}

/** The service logins a keystore session signed (live or not). */
export async function authorizationIdsOfKeySession(db: Db, sessionId: string): Promise<string[]> {
  const rows = await db.selectFrom('authorizations').select('authorization_id').where('key_session_id', '=', sessionId).execute();
  return rows.map((row) => row.authorization_id);
}

export async function deleteGrant(db: Db, userId: string, clientId: string): Promise<void> {
  await db.deleteFrom('grants').where('user_id', '=', userId).where('client_id', '=', clientId).execute();
}

/** Spends the codes not yet redeemed, so none can create an authorization after the grant is gone. */
export async function spendPendingCodes(db: Db, userId: string, clientId: string, now: number): Promise<void> {
  await db
    .updateTable('authorization_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .where('used_at', 'is', null)
    .execute();
}

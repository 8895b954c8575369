import { type HotReads, announceChanges, turnBatched } from '../storage/hot-reads.js';
import { precompiledFirst, precompiledInsert } from '../storage/precompiled.js';
import type {
  AccessTokensTable,
  AuthorizationCodesTable,
  AuthorizationsTable,
  Db,
  RefreshTokensTable,
} from '../storage/tables.js';
import type { ChangeStores, ChangeTx } from '../storage/transaction.js';

/*
 * The owner of the authorizations, access_tokens and refresh_tokens tables. Cached reads of
 * them are tagged `authorization:<id>` and `access-token:<hash>`; a write that ends a row
 * announces those tags (storage/hot-reads.ts).
 */

export type AuthorizationRow = AuthorizationsTable;
export type AccessTokenRow = AccessTokensTable;
export type RefreshTokenRow = RefreshTokensTable;

export async function insertAuthorization(db: Db, row: AuthorizationRow): Promise<void> {
  await db.insertInto('authorizations').values(row).execute();
}

/**
 * Puts a revoked authorization in the place of a replayed code's, unless its first redemption
 * wrote one already (tokens/service.ts revokeCodeAuthorization).
 */
export async function insertRevokedAuthorization(db: Db, code: AuthorizationCodesTable, now: number): Promise<void> {
  await db
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
}

export function findAuthorization(db: Db, authorizationId: string): Promise<AuthorizationRow | undefined> {
  return db.selectFrom('authorizations').selectAll().where('authorization_id', '=', authorizationId).executeTakeFirst();
}

export async function insertAccessToken(db: Db, row: AccessTokenRow): Promise<void> {
  await db.insertInto('access_tokens').values(row).execute();
}

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

const ACCESS_TOKEN_COLUMNS = [
  'token_hash',
  'client_id',
  'user_id',
  'authorization_id',
  'scopes',
  'created_at',
  'expires_at',
  'revoked_at',
] as const;
const insertAccessTokenRows = precompiledInsert<AccessTokenRow>(ACCESS_TOKEN_COLUMNS, (db, rows) =>
  db.insertInto('access_tokens').values(rows),
);

/** Each row's outcome: the rows in one go (precompiled: all or nothing), or, if that fails, each row alone. */
const accessTokenBatches = turnBatched<AccessTokenRow, undefined | Error>(async (hot, rows) => {
  try {
    await hot.insert(insertAccessTokenRows, hot.db, rows);
    return rows.map(() => undefined);
  } catch {
    // one bad row (its app deleted meanwhile, say) must not fail the others
    const outcomes: (undefined | Error)[] = [];
    for (const row of rows) outcomes.push(await insertAccessToken(hot.db, row).then(() => undefined, asError));
    return outcomes;
  }
});

/**
 * insertAccessToken for the hot path of a token endpoint that writes nothing else (client
 * credentials): the rows of one event-loop turn go in one statement
 * (storage/turn-batches.ts). Not for a transaction: the batch runs on its own, later.
 */
export async function insertAccessTokenGrouped(stores: { db: Db; hot: HotReads }, row: AccessTokenRow): Promise<void> {
  if (stores.db.isTransaction) throw new Error('insertAccessTokenGrouped cannot join a transaction');
  const failure = await stores.hot.batch(accessTokenBatches, row);
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

// every API call with a bearer token runs this: compiled once (storage/precompiled.ts); an
// app's or user's deletion takes its tokens with it
const accessTokenByHash = precompiledFirst(
  1,
  (db, tokenHash: string) =>
    db
      .selectFrom('access_tokens')
      .leftJoin('authorizations', 'authorizations.authorization_id', 'access_tokens.authorization_id')
      .selectAll('access_tokens')
      .select([
        'authorizations.revoked_at as authorization_revoked_at',
        'authorizations.expires_at as authorization_expires_at',
      ])
      .where('access_tokens.token_hash', '=', tokenHash),
  {
    cache: (row, [tokenHash]) => [
      `access-token:${tokenHash}`,
      `app:${row.client_id}`,
      `user:${row.user_id}`,
      ...(row.authorization_id === null ? [] : [`authorization:${row.authorization_id}`]),
    ],
  },
);

export function findAccessToken(hot: HotReads, tokenHash: string): Promise<AccessTokenWithAuthorization | undefined> {
  return hot.first(accessTokenByHash, tokenHash);
}

// every API call signed under an authorization runs this
const signingAuthorizationById = precompiledFirst(
  1,
  (db, authorizationId: string) =>
    db
      .selectFrom('authorizations')
      .select(['client_id', 'user_id', 'scopes', 'ed25519_public_key', 'revoked_at', 'expires_at'])
      .where('authorization_id', '=', authorizationId),
  {
    cache: (row, [authorizationId]) => [
      `authorization:${authorizationId}`,
      `app:${row.client_id}`,
      `user:${row.user_id}`,
    ],
  },
);

export function findSigningAuthorization(hot: HotReads, authorizationId: string) {
  return hot.first(signingAuthorizationById, authorizationId);
}

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

/** Ends one access token, here at once and on every instance. */
export async function revokeAccessTokenRow(stores: ChangeStores, tokenHash: string, now: number): Promise<void> {
  await stores.db
    .updateTable('access_tokens')
    .set({ revoked_at: now })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
  await announceChanges(stores, [`access-token:${tokenHash}`]);
}

/** Ends authorizations and everything issued under them; returns the ids that were still live (announced once committed). */
export async function revokeAuthorizationRows(
  tx: ChangeTx,
  authorizationIds: readonly string[],
  now: number,
): Promise<string[]> {
  if (authorizationIds.length === 0) return [];
  const { db } = tx;
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
  const ids = revoked.map((row) => row.authorization_id);
  // already-revoked ones were announced when they were revoked
  for (const id of ids) tx.changed.push(`authorization:${id}`);
  return ids;
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

/** Inside a keystore's revocation: ends the service logins its session signed (live or not). */
export async function revokeServiceLoginRows(tx: ChangeTx, sessionId: string, now: number): Promise<string[]> {
  const rows = await tx.db
    .selectFrom('authorizations')
    .select('authorization_id')
    .where('key_session_id', '=', sessionId)
    .execute();
  return revokeAuthorizationRows(
    tx,
    rows.map((row) => row.authorization_id),
    now,
  );
}

// `accessed_at` is for people ("last used"), so minute precision is plenty and spares
// the hot path a write on every request.
const ACCESS_PRECISION_MS = 60_000;
const accessNotes = { windowMs: ACCESS_PRECISION_MS };

/**
 * Records that an authorization was used, at most once a minute per authorization and
 * process, without making the request wait for the write.
 */
export function noteAuthorizationAccess(hot: HotReads, authorizationId: string, now: number): void {
  if (!hot.due(accessNotes, authorizationId, now)) return;
  const nowIso = new Date(now).toISOString();
  const staleBefore = new Date(now - ACCESS_PRECISION_MS).toISOString();
  hot.db
    .updateTable('authorizations')
    .set({ accessed_at: nowIso })
    .where('authorization_id', '=', authorizationId)
    .where((eb) => eb.or([eb('accessed_at', 'is', null), eb('accessed_at', '<', staleBefore)]))
    .execute()
    .catch(() => hot.undue(accessNotes, authorizationId));
}

/** The user's live authorizations with their app and grant, newest first (consent/authorizations.ts shows them). */
export function listLiveAuthorizations(db: Db, userId: string, now: number, clientId?: string) {
  let query = db
    .selectFrom('authorizations')
    .innerJoin('apps', 'apps.client_id', 'authorizations.client_id')
    .leftJoin('grants', (join) =>
      join
        .onRef('grants.user_id', '=', 'authorizations.user_id')
        .onRef('grants.client_id', '=', 'authorizations.client_id'),
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
    .where('authorizations.expires_at', '>', now);
  if (clientId) query = query.where('authorizations.client_id', '=', clientId);
  return query.orderBy('authorizations.created_at', 'desc').orderBy('authorizations.authorization_id').execute();
}

import type { HotReads } from '../storage/hot-reads.js';
import { dialectOf } from '../storage/dialect.js';
import { precompiledFirst } from '../storage/precompiled.js';
import type { Db, KeySessionsTable } from '../storage/tables.js';
import type { ChangeTx } from '../storage/transaction.js';

/*
 * The owner of the key_sessions table: the public halves of session keystores, which sign
 * request-signed tokens (tokens/signed.ts). Cached reads are tagged `key-session:<id>`.
 */

export type KeySessionRow = KeySessionsTable;

export async function insertKeySession(db: Db, row: KeySessionRow): Promise<void> {
  await db.insertInto('key_sessions').values(row).execute();
}

// every API call signed with a session keystore runs this: compiled once (storage/precompiled.ts)
const keySessionById = precompiledFirst(
  1,
  (db, sessionId: string) =>
    db.selectFrom('key_sessions').select(['public_key', 'user_id', 'revoked_at']).where('session_id', '=', sessionId),
  { cache: (row, [sessionId]) => [`key-session:${sessionId}`, `user:${row.user_id}`] },
);

export function findKeySession(hot: HotReads, sessionId: string) {
  return hot.first(keySessionById, sessionId);
}

/** Ends the user's live session; false when there was none to end. Announced once `tx` commits. */
export async function revokeKeySessionRow(
  tx: ChangeTx,
  userId: string,
  sessionId: string,
  now: number,
): Promise<boolean> {
  const result = await tx.db
    .updateTable('key_sessions')
    .set({ revoked_at: now })
    .where('session_id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  tx.changed.push(`key-session:${sessionId}`);
  return true;
}

/** The user's live sessions, newest first: never their keys. */
export function listLiveKeySessions(
  db: Db,
  userId: string,
): Promise<Pick<KeySessionRow, 'session_id' | 'created_at'>[]> {
  return db
    .selectFrom('key_sessions')
    .select(['session_id', 'created_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('session_id')
    .execute();
}

/**
 * Inside a transaction that writes under this session: is it still live? On PostgreSQL the
 * row stays share-locked until the transaction ends, so a revocation either waits for it
 * (and then finds what it wrote) or was committed first and is seen here; on SQLite
 * writers take turns anyway.
 */
export async function lockLiveKeySession(trx: Db, sessionId: string): Promise<boolean> {
  const query = trx
    .selectFrom('key_sessions')
    .select('session_id')
    .where('session_id', '=', sessionId)
    .where('revoked_at', 'is', null);
  const row = await (dialectOf(trx) === 'postgres' ? query.forShare() : query).executeTakeFirst();
  return row !== undefined;
}

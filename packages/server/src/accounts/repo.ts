import { sql } from 'kysely';
import { type HotReads, announceChanges } from '../storage/hot-reads.js';
import { precompiledFirst } from '../storage/precompiled.js';
import type { Db, UsersTable, WebSessionsTable } from '../storage/tables.js';
import type { ChangeStores, ChangeTx } from '../storage/transaction.js';

/*
 * The owner of the users, counters and web_sessions tables. Cached reads of a user (the
 * profile) are tagged `user:<user id>`; every write to one announces it (storage/hot-reads.ts).
 */

export type UserRow = UsersTable;

/**
 * Takes the next identity number inside the caller's transaction. The counter row is
 * locked until commit, and a rolled-back transaction gives its number back: no gaps,
 * no duplicates, under any concurrency.
 */
export async function nextIdentityNumber(trx: Db): Promise<string> {
  const row = await trx
    .updateTable('counters')
    .set({ value: sql<number>`value + 1` })
    .where('name', '=', 'identity_number')
    .returning('value')
    .executeTakeFirstOrThrow();
  return String(row.value);
}

export async function insertUser(trx: Db, row: UserRow): Promise<void> {
  await trx.insertInto('users').values(row).execute();
}

export function findUserById(db: Db, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

export function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
}

export async function deleteUser(tx: ChangeTx, userId: string): Promise<void> {
  await tx.db.deleteFrom('users').where('user_id', '=', userId).execute();
  tx.changed.push(`user:${userId}`);
}

export async function setFullName(tx: ChangeTx, userId: string, fullName: string): Promise<void> {
  await tx.db.updateTable('users').set({ full_name: fullName }).where('user_id', '=', userId).execute();
  tx.changed.push(`user:${userId}`);
}

/** The columns a profile shows; never the password hash or username key. */
export type ProfileRow = Pick<
  UsersTable,
  'user_id' | 'kind' | 'identity_number' | 'full_name' | 'phone' | 'avatar_url' | 'biography' | 'created_at'
>;
export type ProfileFields = Pick<UsersTable, 'full_name' | 'avatar_url' | 'biography' | 'phone'>;

const profileColumns = [
  'user_id',
  'kind',
  'identity_number',
  'full_name',
  'phone',
  'avatar_url',
  'biography',
  'created_at',
] as const;

// every GET /me runs this: compiled once (storage/precompiled.ts)
const profileById = precompiledFirst(
  1,
  (db, userId: string) => db.selectFrom('users').select(profileColumns).where('user_id', '=', userId),
  {
    cache: (_row, [userId]) => [`user:${userId}`],
  },
);

/** `userId` in lower case, as user ids are stored. */
export function findProfileRowById(hot: HotReads, userId: string): Promise<ProfileRow | undefined> {
  return hot.first(profileById, userId);
}

export function findProfileRowByNumber(db: Db, identityNumber: string): Promise<ProfileRow | undefined> {
  return db.selectFrom('users').select(profileColumns).where('identity_number', '=', identityNumber).executeTakeFirst();
}

/** A profile edit, here at once and on every instance (GET /me caches profiles briefly). */
export async function updateProfileRow(stores: ChangeStores, userId: string, fields: ProfileFields): Promise<void> {
  await stores.db.updateTable('users').set(fields).where('user_id', '=', userId).execute();
  await announceChanges(stores, [`user:${userId}`]);
}

export type WebSessionRow = WebSessionsTable;

/** The user a live web session (by its id's hash) is signed in as. */
export function findWebSessionUser(db: Db, sessionHash: string, now: number): Promise<UserRow | undefined> {
  return db
    .selectFrom('web_sessions')
    .innerJoin('users', 'users.user_id', 'web_sessions.user_id')
    .selectAll('users')
    .where('web_sessions.session_hash', '=', sessionHash)
    .where('web_sessions.expires_at', '>', now)
    .executeTakeFirst();
}

export async function insertWebSession(db: Db, row: WebSessionRow): Promise<void> {
  await db.insertInto('web_sessions').values(row).execute();
}

export async function deleteWebSession(db: Db, sessionHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('session_hash', '=', sessionHash).execute();
}

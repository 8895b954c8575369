import { sql } from 'kysely';
import type { Db, UsersTable } from '../storage/tables.js';

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

export async function deleteUser(trx: Db, userId: string): Promise<void> {
  await trx.deleteFrom('users').where('user_id', '=', userId).execute();
}

export async function setFullName(db: Db, userId: string, fullName: string): Promise<void> {
  await db.updateTable('users').set({ full_name: fullName }).where('user_id', '=', userId).execute();
}

import type { AuthorizationCodesTable, Db } from '../storage/tables.js';

/* The owner of the authorization_codes table (oauth/codes.ts issues and redeems them). */

export type CodeRow = AuthorizationCodesTable;

export async function insertCode(db: Db, row: CodeRow): Promise<void> {
  await db.insertInto('authorization_codes').values(row).execute();
}

/** Marks the code used with one conditional write: answers the row only to the caller that spent it. */
export function spendCode(db: Db, codeHash: string, now: number): Promise<CodeRow | undefined> {
  return db
    .updateTable('authorization_codes')
    .set({ used_at: now })
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export function findCode(db: Db, codeHash: string): Promise<CodeRow | undefined> {
  return db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
}

/** Spends the user's codes for the app not yet redeemed, so none can create an authorization after its grant is gone. */
export async function spendPendingCodes(db: Db, userId: string, clientId: string, now: number): Promise<void> {
  await db
    .updateTable('authorization_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('client_id', '=', clientId)
    .where('used_at', 'is', null)
    .execute();
}

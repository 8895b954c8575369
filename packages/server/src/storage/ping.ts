import { sql } from 'kysely';
import type { Db } from './tables.js';

/** Whether the database answers a trivial query now (for /readyz). */
export async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

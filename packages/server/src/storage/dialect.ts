import { type Kysely, PostgresAdapter } from 'kysely';

export type DatabaseDialect = 'sqlite' | 'postgres';

/** Which SQL dialect a Kysely instance speaks (migrations branch on it for column types). */
export function dialectOf<T>(db: Kysely<T>): DatabaseDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** A unique-constraint violation in either dialect (SQLite or PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

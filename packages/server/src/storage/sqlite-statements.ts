import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_CACHED = 500;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running
 * most of ours. Statements are reused by SQL text (better-sqlite3 runs them synchronously,
 * one at a time, so sharing one is safe). The cache is bounded: queries with an IN list
 * of varying length have many texts.
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare: (sql) => {
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

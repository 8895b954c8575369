import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_CACHED = 500;
/**
 * Longer texts are the ones whose length varies with their data: multi-row INSERTs (the
 * grouped token and `jti` writes) and long IN lists. Each variant held tens of KiB of native
 * memory once prepared, and new batch sizes kept appearing: RSS crept up over a 5-minute
 * bench run. Preparing them per call costs under 1 µs a row.
 */
const MAX_CACHED_SQL_LENGTH = 1000;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running
 * most of ours. Statements are reused by SQL text (better-sqlite3 runs them synchronously,
 * one at a time, so sharing one is safe). The cache is bounded, and skips long texts.
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      database.close();
    },
    prepare: (sql) => {
      if (sql.length > MAX_CACHED_SQL_LENGTH) return database.prepare(sql);
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

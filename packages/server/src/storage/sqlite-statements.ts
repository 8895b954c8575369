import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_CACHED = 500;
/**
 * Longer texts are the ones whose length varies with their data: multi-row INSERTs and long
 * IN lists. Each variant holds tens of KiB of native memory once prepared; when every batch
 * size was its own INSERT, new ones kept appearing and RSS crept up over a 5-minute bench run.
 * (The hot INSERTs now come in at most ten sizes each: storage/precompiled.ts.) They get a
 * small cache of their own, most recently used first, and preparing a rare one again costs
 * under 1 µs a row.
 */
const LONG_SQL = 1000;
const MAX_CACHED_LONG = 32;

/**
 * Kysely's SQLite driver prepares every query afresh; preparing costs more than running
 * most of ours. Statements are reused by SQL text (better-sqlite3 runs them synchronously,
 * one at a time, so sharing one is safe). Both caches are bounded.
 */
export function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const short = new Map<string, SqliteStatement>();
  const long = new Map<string, SqliteStatement>();
  return {
    close: () => {
      short.clear();
      long.clear();
      database.close();
    },
    prepare: (sql) => {
      const isLong = sql.length > LONG_SQL;
      const cache = isLong ? long : short;
      let statement = cache.get(sql);
      if (statement) {
        // a Map keeps insertion order: re-inserting makes it the most recently used
        if (isLong) {
          cache.delete(sql);
          cache.set(sql, statement);
        }
        return statement;
      }
      statement = database.prepare(sql);
      if (cache.size >= (isLong ? MAX_CACHED_LONG : MAX_CACHED)) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

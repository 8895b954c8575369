import type BetterSqlite3 from 'better-sqlite3';
import { type Compilable, CompiledQuery } from 'kysely';
import type { Kv } from './kv/types.js';
import type { Db } from './tables.js';

/*
 * The request hot path (token and key lookups, the profile) runs a handful of fixed
 * SELECTs on every API call. Building and compiling them through Kysely's query builder
 * each time cost more than running them, so they are compiled once, by Kysely, from
 * placeholder arguments, and each call only binds its values.
 *
 * On SQLite they run on a second, read-only connection: synchronous, and outside the
 * main connection's transactions, so they only ever see committed rows (WAL lets a
 * reader run beside the writer). Raw statements on the main connection could not be
 * used safely: they would run inside whatever transaction another request has open.
 *
 * A read may also be cached, per process, for at most CACHE_TTL_MS. ARCHITECTURE.md allows
 * a cache of keys and authorizations only if a revocation reaches every instance within
 * one second: the short lifetime guarantees that on its own, whatever path made the change
 * (even another process's CLI command), and `announceChange` makes it immediate, here at
 * once and elsewhere through the kv's publish/subscribe.
 */

const sqliteReaders = new WeakMap<Db, BetterSqlite3.Database>();

/** Lets precompiled reads of `db` use this read-only connection to the same SQLite file. */
export function useSqliteReader(db: Db, reader: BetterSqlite3.Database): void {
  sqliteReaders.set(db, reader);
}

const PLACEHOLDER = '\u0000signet-argument-';

type Binding = { argument: number } | { constant: unknown };

interface Compiled {
  query: CompiledQuery;
  bindings: Binding[];
  statement: BetterSqlite3.Statement | undefined;
  cache: ReadCache | undefined;
}

/** How long a cached read may be served; well under the one second a revocation may take. */
export const CACHE_TTL_MS = 500;
const CACHE_MAX_ENTRIES = 10_000;

type ReadCache = Map<string, { row: unknown; until: number }>;
const cachesOfDb = new WeakMap<Db, Set<ReadCache>>();

/** Forgets every cached read of `db` in this process. */
export function forgetCachedReads(db: Db): void {
  for (const cache of cachesOfDb.get(db) ?? []) cache.clear();
}

function newCache(db: Db): ReadCache {
  const cache: ReadCache = new Map();
  let caches = cachesOfDb.get(db);
  if (!caches) {
    caches = new Set();
    cachesOfDb.set(db, caches);
  }
  caches.add(cache);
  return cache;
}

function bindingOf(value: unknown): Binding {
  if (typeof value === 'string' && value.startsWith(PLACEHOLDER)) return { argument: Number(value.slice(PLACEHOLDER.length)) };
  return { constant: value };
}

/**
 * A SELECT built once per database by `build`, which receives placeholders in place of
 * its string arguments; the returned function runs it with real values and answers the
 * first row. Only string arguments are supported: every hot-path key is a string.
 * With `cache`, a found row is kept for CACHE_TTL_MS (a miss is never kept).
 */
export function precompiledFirst<A extends string[], R>(
  arity: A['length'],
  build: (db: Db, ...args: A) => Compilable<R>,
  options: { cache?: boolean } = {},
): (db: Db, ...args: A) => Promise<R | undefined> {
  const perDb = new WeakMap<Db, Compiled>();
  const placeholders = Array.from({ length: arity }, (_, i) => `${PLACEHOLDER}${i}`) as A;

  function compiledFor(db: Db): Compiled {
    let compiled = perDb.get(db);
    if (!compiled) {
      const query = build(db, ...placeholders).compile();
      const reader = sqliteReaders.get(db);
      compiled = { query, bindings: query.parameters.map(bindingOf), statement: reader?.prepare(query.sql), cache: options.cache ? newCache(db) : undefined };
      perDb.set(db, compiled);
    }
    return compiled;
  }

  async function run(compiled: Compiled, db: Db, args: A): Promise<R | undefined> {
    const parameters = compiled.bindings.map((binding) => ('argument' in binding ? args[binding.argument] : binding.constant));
    if (compiled.statement) return compiled.statement.get(parameters) as R | undefined;
    const result = await db.executeQuery<R>({ ...compiled.query, parameters });
    return result.rows[0];
  }

  return async (db, ...args) => {
    const compiled = compiledFor(db);
    const { cache } = compiled;
    if (!cache) return run(compiled, db, args);
    const key = args.join('\u0000');
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.row as R;
    const row = await run(compiled, db, args);
    if (row !== undefined) {
      if (cache.size >= CACHE_MAX_ENTRIES) cache.clear();
      cache.set(key, { row, until: now + CACHE_TTL_MS });
    }
    return row;
  };
}

// the largest statement: 512 rows (4,096 values at eight a row, under SQLite's 32,766 and
// PostgreSQL's 65,535 bound values)
const LARGEST_CHUNK = 512;

/**
 * A multi-row INSERT for a write hot path, built by `build` (conflict clause, RETURNING and all)
 * and compiled by Kysely from placeholders; each call only binds the rows' values, read in
 * `columns` order, then `extras` (values the statement uses outside the rows). Building each
 * batch's INSERT through the query builder was 5% of a client-credentials grant's CPU (a third
 * of what SQLite took to run it); bound to a kept text, it is under 1%.
 *
 * Rows go in chunks of powers of two (37 rows: 32, 4 and 1), so a statement type has at most ten
 * texts, compiled once each: one per batch size would keep a new text, and SQLite statement,
 * for every size a load happens to produce, and memory grew for minutes. The chunks of one call
 * go in one transaction: if one fails, none is stored.
 */
export function precompiledInsert<Row, Extras extends unknown[] = []>(
  columns: readonly (keyof Row & string)[],
  build: (db: Db, rows: Row[], ...extras: Extras) => Compilable<unknown>,
  extraArity: Extras['length'] = 0,
): <R = unknown>(db: Db, rows: readonly Row[], ...extras: Extras) => Promise<R[]> {
  const perDb = new WeakMap<Db, Map<number, string>>();

  function sqlFor(db: Db, rowCount: number): string {
    let bySize = perDb.get(db);
    if (!bySize) {
      bySize = new Map();
      perDb.set(db, bySize);
    }
    let sql = bySize.get(rowCount);
    if (sql === undefined) {
      let next = 0;
      const placeholder = () => `${PLACEHOLDER}${next++}`;
      const rows = Array.from({ length: rowCount }, () => Object.fromEntries(columns.map((column) => [column, placeholder()])) as Row);
      const extras = Array.from({ length: extraArity }, placeholder) as Extras;
      const query = build(db, rows, ...extras).compile();
      // the values are bound in the order they were handed out; anything else is a bug here
      if (query.parameters.some((parameter, i) => parameter !== `${PLACEHOLDER}${i}`) || query.parameters.length !== next) {
        throw new Error('precompiledInsert: the statement binds values other than its rows and extras, or out of order');
      }
      sql = query.sql;
      bySize.set(rowCount, sql);
    }
    return sql;
  }

  /** Runs on `target`, the database or a transaction of it; texts are kept per database (a transaction is new each time). */
  async function insertChunk<R>(db: Db, target: Db, rows: readonly Row[], extras: Extras): Promise<R[]> {
    const values: unknown[] = [];
    for (const row of rows) for (const column of columns) values.push(row[column]);
    values.push(...extras);
    const result = await target.executeQuery<R>(CompiledQuery.raw(sqlFor(db, rows.length), values));
    return result.rows;
  }

  return async <R>(db: Db, rows: readonly Row[], ...extras: Extras): Promise<R[]> => {
    const chunks = powerOfTwoChunks(rows);
    const insertAll = async (target: Db): Promise<R[]> => {
      const answered: R[] = [];
      for (const chunk of chunks) answered.push(...(await insertChunk<R>(db, target, chunk, extras)));
      return answered;
    };
    if (chunks.length <= 1 || db.isTransaction) return insertAll(db);
    // One commit for the batch, and all or nothing. Committed chunk by chunk, each commit wrote
    // the same last pages of the table and its indexes to the WAL again (37 rows: three commits).
    return db.transaction().execute(insertAll);
  };
}

/**
 * `items` cut into runs of 512, 256, ... 1 (at most one of each below 512): the statements
 * precompiledInsert runs. A batch that is one run already comes back as it is, uncopied.
 */
export function powerOfTwoChunks<T>(items: readonly T[]): (readonly T[])[] {
  const chunks: (readonly T[])[] = [];
  let start = 0;
  for (let size = LARGEST_CHUNK; size >= 1; size /= 2) {
    while (items.length - start >= size) {
      chunks.push(size === items.length ? items : items.slice(start, start + size));
      start += size;
    }
  }
  return chunks;
}

/** The kv channel on which a change to cached rows is announced (revocations among them). */
export const CHANGES_CHANNEL = 'revocations';

/**
 * After a committed change to rows that hot reads may have cached (a revocation, a
 * profile edit): forgets them here, then tells the other instances. Pass the database
 * the change was made on, not a transaction.
 */
export async function announceChange(deps: { db: Db; kv: Kv }, message: string): Promise<void> {
  forgetCachedReads(deps.db);
  await deps.kv.publish(CHANGES_CHANNEL, message);
}

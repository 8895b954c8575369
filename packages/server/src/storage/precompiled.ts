import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, CompiledQuery } from 'kysely';
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
}

function bindingOf(value: unknown): Binding {
  if (typeof value === 'string' && value.startsWith(PLACEHOLDER)) return { argument: Number(value.slice(PLACEHOLDER.length)) };
  return { constant: value };
}

/**
 * A SELECT built once per database by `build`, which receives placeholders in place of
 * its string arguments; the returned function runs it with real values and answers the
 * first row. Only string arguments are supported: every hot-path key is a string.
 */
export function precompiledFirst<A extends string[], R>(arity: A['length'], build: (db: Db, ...args: A) => Compilable<R>): (db: Db, ...args: A) => Promise<R | undefined> {
  const perDb = new WeakMap<Db, Compiled>();
  const placeholders = Array.from({ length: arity }, (_, i) => `${PLACEHOLDER}${i}`) as A;

  function compiledFor(db: Db): Compiled {
    let compiled = perDb.get(db);
    if (!compiled) {
      const query = build(db, ...placeholders).compile();
      const reader = sqliteReaders.get(db);
      compiled = { query, bindings: query.parameters.map(bindingOf), statement: reader?.prepare(query.sql) };
      perDb.set(db, compiled);
    }
    return compiled;
  }

  return async (db, ...args) => {
    const { query, bindings, statement } = compiledFor(db);
    const parameters = bindings.map((binding) => ('argument' in binding ? args[binding.argument] : binding.constant));
    if (statement) return statement.get(parameters) as R | undefined;
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows[0];
  };
}

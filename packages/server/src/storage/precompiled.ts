import type { Compilable, CompiledQuery } from 'kysely';
import type { Db } from './tables.js';

/*
 * Definitions of the fixed statements of the request hot path (token and key lookups, the
 * profile, client authentication, the grouped inserts). Building and compiling them through
 * Kysely's query builder each time cost more than running them, so each is defined once, at
 * module level in its repo, and compiled by Kysely from placeholder arguments; each call only
 * binds its values. What a definition compiles to, and what it read, is kept per database by
 * that storage's HotReads (storage/hot-reads.ts), which runs it.
 */

export const PLACEHOLDER = '\u0000signet-argument-';

type Binding = { argument: number } | { constant: unknown };

/** A statement compiled from placeholders, and where each bound value comes from. */
export interface CompiledFirst {
  query: CompiledQuery;
  bindings: Binding[];
}

/**
 * A SELECT answering its first row, built by `build`, which receives placeholders in place of
 * its string arguments (every hot-path key is a string). With `tagsOf`, a found row is cached
 * (a miss never is) under the tags it returns, `<what>:<id>` strings such as `app:<client id>`:
 * a change announced under one of them forgets the row (storage/hot-reads.ts).
 */
export interface PrecompiledFirst<A extends string[], R> {
  readonly arity: A['length'];
  readonly build: (db: Db, ...args: A) => Compilable<R>;
  readonly tagsOf: ((row: R, args: A) => string[]) | undefined;
}

export function precompiledFirst<A extends string[], R>(
  arity: A['length'],
  build: (db: Db, ...args: A) => Compilable<R>,
  options: { cache?: (row: R, args: A) => string[] } = {},
): PrecompiledFirst<A, R> {
  return { arity, build, tagsOf: options.cache };
}

function bindingOf(value: unknown): Binding {
  if (typeof value === 'string' && value.startsWith(PLACEHOLDER))
    return { argument: Number(value.slice(PLACEHOLDER.length)) };
  return { constant: value };
}

export function compileFirst<A extends string[], R>(definition: PrecompiledFirst<A, R>, db: Db): CompiledFirst {
  const placeholders = Array.from({ length: definition.arity }, (_, i) => `${PLACEHOLDER}${i}`) as A;
  const query = definition.build(db, ...placeholders).compile();
  return { query, bindings: query.parameters.map(bindingOf) };
}

/** The values to bind for `args`, in the statement's order. */
export function parametersOf(compiled: CompiledFirst, args: readonly string[]): unknown[] {
  return compiled.bindings.map((binding) => ('argument' in binding ? args[binding.argument] : binding.constant));
}

/**
 * A multi-row INSERT for a write hot path, built by `build` (conflict clause, RETURNING and all)
 * and compiled by Kysely from placeholders; each call only binds the rows' values, read in
 * `columns` order, then `extras` (values the statement uses outside the rows). Building each
 * batch's INSERT through the query builder was 5% of a client-credentials grant's CPU (a third
 * of what SQLite took to run it); bound to a kept text, it is under 1%. Run by HotReads.insert.
 */
export interface PrecompiledInsert<Row, Extras extends unknown[], Answer> {
  readonly columns: readonly (keyof Row & string)[];
  readonly build: (db: Db, rows: Row[], ...extras: Extras) => Compilable<unknown>;
  readonly extraArity: Extras['length'];
  /** never set: carries the type of the RETURNING rows */
  readonly answer?: Answer;
}

export function precompiledInsert<Row, Extras extends unknown[] = [], Answer = unknown>(
  columns: readonly (keyof Row & string)[],
  build: (db: Db, rows: Row[], ...extras: Extras) => Compilable<unknown>,
  extraArity: Extras['length'] = 0,
): PrecompiledInsert<Row, Extras, Answer> {
  return { columns, build, extraArity };
}

/** The SQL text of `definition` for `rowCount` rows, compiled on `db`. */
export function compileInsert<Row, Extras extends unknown[]>(
  definition: PrecompiledInsert<Row, Extras, unknown>,
  db: Db,
  rowCount: number,
): string {
  let next = 0;
  const placeholder = () => `${PLACEHOLDER}${next++}`;
  const rows = Array.from(
    { length: rowCount },
    () => Object.fromEntries(definition.columns.map((column) => [column, placeholder()])) as Row,
  );
  const extras = Array.from({ length: definition.extraArity }, placeholder) as Extras;
  const query = definition.build(db, rows, ...extras).compile();
  // the values are bound in the order they were handed out; anything else is a bug here
  if (query.parameters.some((parameter, i) => parameter !== `${PLACEHOLDER}${i}`) || query.parameters.length !== next) {
    throw new Error('precompiledInsert: the statement binds values other than its rows and extras, or out of order');
  }
  return query.sql;
}

/** One chunk's values: each row's in `columns` order, then the extras. */
export function insertValues<Row>(
  columns: readonly (keyof Row & string)[],
  rows: readonly Row[],
  extras: readonly unknown[],
): unknown[] {
  const values: unknown[] = [];
  for (const row of rows) for (const column of columns) values.push(row[column]);
  values.push(...extras);
  return values;
}

// the largest statement: 512 rows (4,096 values at eight a row, under SQLite's 32,766 and
// PostgreSQL's 65,535 bound values)
const LARGEST_CHUNK = 512;

/**
 * `items` cut into runs of 512, 256, ... 1 (at most one of each below 512): the statements
 * HotReads.insert runs. Powers of two (37 rows: 32, 4 and 1) give a statement type at most ten
 * texts, compiled once each: one per batch size would keep a new text, and SQLite statement,
 * for every size a load happens to produce, and memory grew for minutes. A batch that is one
 * run already comes back as it is, uncopied.
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

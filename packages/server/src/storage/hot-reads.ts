import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import type { Clock, Kv, Unsubscribe } from './kv/types.js';
import {
  type CompiledFirst,
  type PrecompiledFirst,
  type PrecompiledInsert,
  compileFirst,
  compileInsert,
  insertValues,
  parametersOf,
  powerOfTwoChunks,
} from './precompiled.js';
import type { Db } from './tables.js';
import { TurnBatches } from './turn-batches.js';

/*
 * One storage's hot-path state, made with it by openDatabase and handed out as `storage.hot`:
 * the compiled form of each precompiled statement (storage/precompiled.ts), the SQLite read
 * connection they run on, a short-lived cache of their rows and the turn batches of grouped
 * inserts. Kept on an object, not in module maps keyed by the database, so that its lifetime
 * and clock are the storage's, and tests see one storage's state only.
 *
 * On SQLite the reads run on a second, read-only connection: synchronous, and outside the
 * main connection's transactions, so they only ever see committed rows (WAL lets a reader run
 * beside the writer). Raw statements on the main connection would run inside whatever
 * transaction another request has open.
 *
 * A cached read is served for at most CACHE_TTL_MS. ARCHITECTURE.md allows a cache of keys and
 * authorizations only if a revocation reaches every instance within one second: the short
 * lifetime guarantees that on its own, whatever made the change (even another process's CLI
 * command). The owner repo of a changed row also forgets it at once, here, and announces its
 * tags on CHANGES_CHANNEL (announceChanges) so every other instance forgets it too.
 */

/** How long a cached read may be served; well under the one second a revocation may take. */
export const CACHE_TTL_MS = 500;
const CACHE_MAX_ENTRIES = 10_000;
// tag references kept for forgetting by tag; past this everything is forgotten at once
const INDEX_MAX_ENTRIES = 4 * CACHE_MAX_ENTRIES;

const THROTTLE_MAX_KEYS = 100_000;

/** The kv channel on which changes to cached rows are announced (revocations among them). */
export const CHANGES_CHANNEL = 'revocations';

type ReadCache = Map<string, { row: unknown; until: number }>;

interface FirstState {
  compiled: CompiledFirst;
  statement: BetterSqlite3.Statement | undefined;
  cache: ReadCache | undefined;
}

/** A turn-batched write, defined once in its repo; its batches are kept per storage. */
export interface TurnBatched<Item, Answer> {
  readonly flush: (hot: HotReads, items: Item[]) => Promise<Answer[]>;
}

export function turnBatched<Item, Answer>(
  flush: (hot: HotReads, items: Item[]) => Promise<Answer[]>,
): TurnBatched<Item, Answer> {
  return { flush };
}

export class HotReads {
  private readonly firsts = new Map<object, FirstState>();
  private readonly insertTexts = new Map<object, Map<number, string>>();
  private readonly batches = new Map<object, TurnBatches<unknown, unknown>>();
  private readonly caches = new Set<ReadCache>();
  /** tag -> the cache entries stored under it */
  private readonly tagged = new Map<string, [ReadCache, string][]>();
  private indexed = 0;
  private readonly lastDone = new Map<object, Map<string, number>>();

  /** `reader`: a read-only connection to the same SQLite file, for the precompiled reads; none on PostgreSQL or `:memory:`. */
  constructor(
    readonly db: Db,
    private readonly reader: BetterSqlite3.Database | undefined,
    private readonly clock: Clock,
  ) {}

  /** Runs a precompiled SELECT with real values and answers its first row, from the cache if it has one. */
  async first<A extends string[], R>(definition: PrecompiledFirst<A, R>, ...args: A): Promise<R | undefined> {
    const state = this.firsts.get(definition) ?? this.prepare(definition);
    const { cache } = state;
    if (!cache) return this.run<R>(state, args);
    const key = args.join('\u0000');
    const now = this.clock.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.row as R;
    const row = await this.run<R>(state, args);
    if (row !== undefined) {
      if (cache.size >= CACHE_MAX_ENTRIES || this.indexed >= INDEX_MAX_ENTRIES) this.forgetAll();
      cache.set(key, { row, until: now + CACHE_TTL_MS });
      for (const tag of (definition.tagsOf as (row: R, args: A) => string[])(row, args)) this.index(tag, cache, key);
    }
    return row;
  }

  private prepare<A extends string[], R>(definition: PrecompiledFirst<A, R>): FirstState {
    const compiled = compileFirst(definition, this.db);
    const cache: ReadCache | undefined = definition.tagsOf ? new Map() : undefined;
    if (cache) this.caches.add(cache);
    const state = { compiled, statement: this.reader?.prepare(compiled.query.sql), cache };
    this.firsts.set(definition, state);
    return state;
  }

  private async run<R>(state: FirstState, args: readonly string[]): Promise<R | undefined> {
    const parameters = parametersOf(state.compiled, args);
    if (state.statement) return state.statement.get(parameters) as R | undefined;
    const result = await this.db.executeQuery<R>({ ...state.compiled.query, parameters });
    return result.rows[0];
  }

  private index(tag: string, cache: ReadCache, key: string): void {
    const entries = this.tagged.get(tag);
    if (entries) entries.push([cache, key]);
    else this.tagged.set(tag, [[cache, key]]);
    this.indexed++;
  }

  /** Forgets, in this process, every cached row stored under one of `tags`. */
  forget(tags: readonly string[]): void {
    for (const tag of tags) {
      for (const [cache, key] of this.tagged.get(tag) ?? []) cache.delete(key);
      this.tagged.delete(tag);
    }
  }

  /** Forgets every cached row in this process. */
  forgetAll(): void {
    for (const cache of this.caches) cache.clear();
    this.tagged.clear();
    this.indexed = 0;
  }

  /** Another instance's announcement: a JSON array of tags; anything else forgets everything, which is always safe. */
  forgetAnnounced(message: string): void {
    let tags: unknown;
    try {
      tags = JSON.parse(message);
    } catch {
      tags = undefined;
    }
    if (Array.isArray(tags) && tags.every((tag) => typeof tag === 'string')) this.forget(tags);
    else this.forgetAll();
  }

  /** Hears the changes other instances announce on `kv`. */
  listen(kv: Kv): Promise<Unsubscribe> {
    return kv.subscribe(CHANGES_CHANNEL, (message) => this.forgetAnnounced(message));
  }

  /**
   * Runs a precompiled INSERT of `rows` on `target`, this storage's database or a transaction of
   * it, in power-of-two chunks (powerOfTwoChunks). The chunks of one call go in one transaction:
   * if one fails, none is stored. One commit for the batch: committed chunk by chunk, each commit
   * wrote the same last pages of the table and its indexes to the WAL again.
   */
  async insert<Row, Extras extends unknown[], Answer>(
    definition: PrecompiledInsert<Row, Extras, Answer>,
    target: Db,
    rows: readonly Row[],
    ...extras: Extras
  ): Promise<Answer[]> {
    const chunks = powerOfTwoChunks(rows);
    const insertAll = async (into: Db): Promise<Answer[]> => {
      const answered: Answer[] = [];
      for (const chunk of chunks) {
        const query = CompiledQuery.raw(
          this.insertText(definition, chunk.length),
          insertValues(definition.columns, chunk, extras),
        );
        answered.push(...(await into.executeQuery<Answer>(query)).rows);
      }
      return answered;
    };
    if (chunks.length <= 1 || target.isTransaction) return insertAll(target);
    return target.transaction().execute(insertAll);
  }

  /** Texts are kept per database, compiled on it (a transaction is new each time). */
  private insertText<Row, Extras extends unknown[], Answer>(
    definition: PrecompiledInsert<Row, Extras, Answer>,
    rowCount: number,
  ): string {
    let bySize = this.insertTexts.get(definition);
    if (!bySize) {
      bySize = new Map();
      this.insertTexts.set(definition, bySize);
    }
    let sql = bySize.get(rowCount);
    if (sql === undefined) {
      sql = compileInsert(definition as PrecompiledInsert<Row, Extras, unknown>, this.db, rowCount);
      bySize.set(rowCount, sql);
    }
    return sql;
  }

  /** Adds `item` to this turn's batch of `definition` (storage/turn-batches.ts). */
  batch<Item, Answer>(definition: TurnBatched<Item, Answer>, item: Item): Promise<Answer> {
    let batches = this.batches.get(definition) as TurnBatches<Item, Answer> | undefined;
    if (!batches) {
      batches = new TurnBatches((items: Item[]) => definition.flush(this, items));
      this.batches.set(definition, batches as TurnBatches<unknown, unknown>);
    }
    return batches.add(item);
  }

  /**
   * For a write that may be skipped while a recent one stands (`accessed_at`): true when
   * `key` of `throttle` was not done within its window in this process, and marks it done.
   */
  due(throttle: { readonly windowMs: number }, key: string, now: number): boolean {
    let done = this.lastDone.get(throttle);
    if (!done) {
      done = new Map();
      this.lastDone.set(throttle, done);
    }
    const last = done.get(key);
    if (last !== undefined && now - last < throttle.windowMs) return false;
    if (done.size > THROTTLE_MAX_KEYS) done.clear();
    done.set(key, now);
    return true;
  }

  /** The write `due` allowed failed: the next call may try again. */
  undue(throttle: { readonly windowMs: number }, key: string): void {
    this.lastDone.get(throttle)?.delete(key);
  }

  /** Closes the SQLite read connection, if any. */
  close(): void {
    this.reader?.close();
  }
}

/**
 * After a committed change to rows hot reads may have cached: forgets them here, then tells
 * the other instances. Called by the tables' owner repos (and runInTransaction), never by services.
 */
export async function announceChanges(stores: { hot: HotReads; kv: Kv }, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  stores.hot.forget(tags);
  await stores.kv.publish(CHANGES_CHANNEL, JSON.stringify(tags));
}

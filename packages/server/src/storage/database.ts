import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Sealer } from '../keys/sealer.js';
import type { DatabaseDialect } from './dialect.js';
import { type StorageLog, reasonOf, silentLog } from './log.js';
import { HotReads } from './hot-reads.js';
import { type Clock, systemClock } from './kv/types.js';
import { checkpointInBackground } from './sqlite-checkpoints.js';
import { withStatementCache } from './sqlite-statements.js';
import type { Database, Db } from './tables.js';

export interface DatabaseOptions {
  /** Encrypts the secrets stored at rest (server_secrets); built from KEYS_SECRET (keys/keys-secret.ts). */
  sealer: Sealer;
  /** PostgreSQL schema to use (created if missing). */
  schema?: string | undefined;
  /** Base directory for relative SQLite paths. */
  cwd?: string;
  /** SQLite file: a worker thread runs the WAL checkpoints (a server's; see sqlite-checkpoints.ts). */
  backgroundCheckpoints?: boolean;
  /** Where a lost PostgreSQL connection is reported (the app's logger); the kv opened on this storage uses it too. */
  log?: StorageLog;
  /** What the hot-read cache measures its lifetimes by; the system clock by default. */
  clock?: Clock;
}

export interface Storage {
  db: Db;
  /** This database's precompiled reads, their cache and turn batches (storage/hot-reads.ts). */
  hot: HotReads;
  dialect: DatabaseDialect;
  /** Seals and opens what this database keeps encrypted: it travels with the database it belongs to. */
  sealer: Sealer;
  /** A fresh PostgreSQL client on the same database and schema (for LISTEN); postgres only. */
  newPgClient?: () => pg.Client;
  /** The PostgreSQL schema in use, if one was chosen. */
  schema?: string | undefined;
  /** The SQLite file (absolute), when the database is one; not for `:memory:`. */
  sqlitePath?: string | undefined;
  /** The logger it was opened with (a silent one if none). */
  log: StorageLog;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message || cause.name : String(cause);
    super(`cannot open the database ${redactUrl(url)}: ${reason}`);
    this.name = 'DatabaseUnreachableError';
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

// pg returns int8 as strings by default; our bigints (epoch ms, counters) fit in a double.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

// SQLite's default page cache is 2 MiB; with a million authorizations stored, lookups and
// inserts at random keys missed it on nearly every page (the bench's growth part).
// Negative means KiB: 16 MiB per connection holds the inner pages of every index the API touches.
const PAGE_CACHE = -16 * 1024;

/** A `file:` URL's absolute path (relative ones from `cwd`); undefined for `:memory:`. */
export function sqliteFile(url: string, cwd = process.cwd()): string | undefined {
  const location = url.slice('file:'.length);
  return location === ':memory:' ? undefined : resolve(cwd, location);
}

async function openSqlite(url: string, options: DatabaseOptions): Promise<Storage> {
  const location = url.slice('file:'.length);
  const file = sqliteFile(url, options.cwd);
  try {
    if (file) mkdirSync(dirname(file), { recursive: true });
    const sqlite = new BetterSqlite3(file ?? location);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma(`cache_size = ${PAGE_CACHE}`);
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    // an in-memory database cannot be opened twice: its precompiled reads go through Kysely
    const reader = file ? new BetterSqlite3(file, { readonly: true }) : undefined;
    if (reader) {
      reader.pragma('busy_timeout = 10000');
      reader.pragma(`cache_size = ${PAGE_CACHE}`);
    }
    const hot = new HotReads(db, reader, options.clock ?? systemClock);
    const stopCheckpoints =
      options.backgroundCheckpoints && file ? await checkpointInBackground(sqlite, file) : undefined;
    return {
      db,
      hot,
      dialect: 'sqlite',
      sealer: options.sealer,
      sqlitePath: file,
      log: options.log ?? silentLog,
      close: async () => {
        await stopCheckpoints?.();
        hot.close();
        await db.destroy();
      },
    };
  } catch (error) {
    throw new DatabaseUnreachableError(url, error);
  }
}

/**
 * PostgreSQL ends sessions on a restart, a failover or `pg_terminate_backend`, and the
 * client of each one then emits 'error': with no listener, Node ends the whole process.
 * The pool re-emits it for an idle client and drops that client; a client lent to a query
 * emits it itself (the query also fails) and is dropped when given back. Either way the
 * pool opens fresh connections on demand, so the server serves again once the database
 * is back. A client emits twice (the error, then "terminated unexpectedly"): noted once.
 */
function survivePoolDisconnects(pool: pg.Pool, log: StorageLog): void {
  pool.on('connect', (client) => {
    let lost = false;
    client.on('error', (error) => {
      if (!lost)
        log.warn({ reason: reasonOf(error) }, 'a PostgreSQL connection was lost; the pool will open a new one');
      lost = true;
    });
  });
  // already noted by the client's own listener above, which every pooled client has
  pool.on('error', () => undefined);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Storage> {
  const { schema } = options;
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    connectionTimeoutMillis: 5000,
    types: pgTypes,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  const probe = new pg.Client(clientConfig);
  // a connection lost meanwhile fails the awaited call below; the event must not also end the process
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    if (schema) await probe.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (error) {
    throw new DatabaseUnreachableError(url, error);
  } finally {
    await probe.end().catch(() => undefined);
  }
  const log = options.log ?? silentLog;
  const pool = new pg.Pool({ ...clientConfig, max: 10 });
  survivePoolDisconnects(pool, log);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    hot: new HotReads(db, undefined, options.clock ?? systemClock),
    dialect: 'postgres',
    sealer: options.sealer,
    schema,
    log,
    newPgClient: () => new pg.Client(clientConfig),
    close: () => db.destroy(),
  };
}

/** Opens SQLite (`file:<path>`) or PostgreSQL (`postgres://...`). Fails with one clear line. */
export async function openDatabase(url: string, options: DatabaseOptions): Promise<Storage> {
  if (url.startsWith('file:')) return openSqlite(url, options);
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new DatabaseUnreachableError(url, new Error('unsupported URL scheme'));
}

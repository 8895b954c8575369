import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import pg from 'pg';
import { createSealer } from '../src/keys/sealer.js';
import { type DatabaseOptions, type Storage, openDatabase } from '../src/storage/database.js';
import { type Clock, type Kv, MemoryKv, RedisKv, SqlKv } from '../src/storage/kv/index.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { migrations } from '../src/storage/migrations/index.js';

/**
 * The backends a run tests against: SQLite always; PostgreSQL and Redis when
 * DATABASE_URL / REDIS_URL are set. Each opened store is private to its caller
 * (own SQLite file, own PostgreSQL schema, own Redis prefix) and removed by cleanup().
 */
export const postgresUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;
export const redisUrl = process.env.REDIS_URL || undefined;

/** Every test database's KEYS_SECRET; its `env` carries it, so a CLI or server on it can open its secrets. */
export const TEST_KEYS_SECRET = 'signet-test-keys-secret-not-for-production';
const testSealer = createSealer(TEST_KEYS_SECRET);

/** Opens the test database at `url` (again: a second instance's connection) with the test KEYS_SECRET. */
export function openTestStorage(url: string, options: Omit<DatabaseOptions, 'sealer'> = {}): Promise<Storage> {
  return openDatabase(url, { ...options, sealer: testSealer });
}

export interface TestDatabase {
  storage: Storage;
  /** Environment that points a CLI or server at this same database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function openSqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'signet-test-'));
  const url = `file:${join(dir, 'signet.db')}`;
  const storage = await openTestStorage(url);
  await migrateToLatest(storage);
  return {
    storage,
    env: { DATABASE_URL: url, DATABASE_SCHEMA: '', KEYS_SECRET: TEST_KEYS_SECRET },
    cleanup: async () => {
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function openPostgresTestDatabase(url: string): Promise<TestDatabase> {
  const schema = uniqueName('test');
  const storage = await openTestStorage(url, { schema });
  await migrateToLatest(storage);
  return {
    storage,
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema, KEYS_SECRET: TEST_KEYS_SECRET },
    cleanup: async () => {
      await storage.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface DatabaseBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<TestDatabase>;
}

export const databaseBackends: DatabaseBackend[] = [
  { name: 'sqlite', open: openSqliteTestDatabase },
  ...(postgresUrl ? [{ name: 'postgres' as const, open: () => openPostgresTestDatabase(postgresUrl) }] : []),
];

/** The one database that cross-domain tests use: PostgreSQL when configured, else SQLite. */
export function openTestDatabase(): Promise<TestDatabase> {
  return postgresUrl ? openPostgresTestDatabase(postgresUrl) : openSqliteTestDatabase();
}

export interface TestKv {
  kv: Kv;
  /** A second instance on the same store, as another server process would have. */
  openPeer?: () => Promise<Kv>;
  cleanup(): Promise<void>;
}

export interface KvBackend {
  name: string;
  /** The store keeps its own time (Redis): tests wait for real instead of moving the clock. */
  realTime?: boolean;
  open(clock: Clock): Promise<TestKv>;
}

function sqlKvBackend(name: string, openDb: () => Promise<TestDatabase>): KvBackend {
  return {
    name,
    open: async (clock) => {
      const database = await openDb();
      const kv = new SqlKv(database.storage, clock);
      const peers: { kv: Kv; storage: Storage }[] = [];
      return {
        kv,
        openPeer: async () => {
          const storage = await openTestStorage(database.env.DATABASE_URL ?? '', {
            schema: database.env.DATABASE_SCHEMA || undefined,
          });
          const peer = new SqlKv(storage, clock);
          peers.push({ kv: peer, storage });
          return peer;
        },
        cleanup: async () => {
          for (const peer of peers) {
            await peer.kv.close();
            await peer.storage.close();
          }
          await kv.close();
          await database.cleanup();
        },
      };
    },
  };
}

export async function openRedisTestKv(url: string): Promise<TestKv & { kv: RedisKv; prefix: string }> {
  const prefix = `${uniqueName('signet-test')}:`;
  const kv = new RedisKv(url, prefix);
  await kv.connect();
  const peers: RedisKv[] = [];
  return {
    kv,
    prefix,
    openPeer: async () => {
      const peer = new RedisKv(url, prefix);
      await peer.connect();
      peers.push(peer);
      return peer;
    },
    cleanup: async () => {
      await Promise.all(peers.map((peer) => peer.close()));
      await kv.deleteAllWithPrefix();
      await kv.close();
    },
  };
}

/** Redis has its own clock, so its suite cannot move time: it gets real sleeps. */
export const kvBackends: KvBackend[] = [
  { name: 'memory', open: async (clock) => ({ kv: new MemoryKv(clock), cleanup: async () => undefined }) },
  sqlKvBackend('sql (sqlite)', openSqliteTestDatabase),
  ...(postgresUrl ? [sqlKvBackend('sql (postgres)', () => openPostgresTestDatabase(postgresUrl))] : []),
  ...(redisUrl ? [{ name: 'redis', realTime: true, open: () => openRedisTestKv(redisUrl) }] : []),
];

/** A Migrator over every migration, for tests that take a database down to an earlier version and up again. */
export function migratorFor(database: TestDatabase): Migrator {
  return new Migrator({
    db: database.storage.db,
    provider: { getMigrations: async () => migrations },
    ...(database.storage.dialect === 'postgres' ? { migrationTableSchema: database.storage.schema ?? 'public' } : {}),
  });
}

import BetterSqlite3 from 'better-sqlite3';
import { type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Storage } from './database.js';
import { migrations } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/**
 * True when exactly the known migrations have run, read from Kysely's own table. Every
 * CLI command and every start asks, and the answer is nearly always yes; Kysely's
 * migrator would first introspect the catalog, which on PostgreSQL reads every schema
 * in the database and fails when another schema is dropped meanwhile.
 */
async function upToDate(storage: Storage): Promise<boolean> {
  const table = storage.dialect === 'postgres' ? `${storage.schema ?? 'public'}.kysely_migration` : 'kysely_migration';
  try {
    const { rows } = await sql<{ name: string }>`select name from ${sql.table(table)}`.execute(storage.db);
    const known = Object.keys(migrations);
    // anything else (pending, or run by a newer version) is the migrator's to judge
    return rows.length === known.length && rows.every((row) => Object.hasOwn(migrations, row.name));
  } catch {
    // no migration table: a new database
    return false;
  }
}

/**
 * Kysely takes no lock on SQLite (it counts on one connection per process), so processes
 * starting together on a new file ran the same migrations at once, and one of them failed
 * ("table users already exists"). An exclusive transaction on a lock file beside the
 * database serialises them; the operating system releases it if its holder dies.
 */
async function withSqliteMigrationLock<T>(databasePath: string, run: () => Promise<T>): Promise<T> {
  const lock = new BetterSqlite3(`${databasePath}.migrate-lock`);
  try {
    lock.pragma('busy_timeout = 60000');
    lock.exec('BEGIN EXCLUSIVE');
    try {
      return await run();
    } finally {
      lock.exec('COMMIT');
    }
  } finally {
    lock.close();
  }
}

async function runMigrator(storage: Storage): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations },
    // Kysely otherwise looks for its tables in every schema and may find another deployment's
    ...(storage.dialect === 'postgres' ? { migrationTableSchema: storage.schema ?? 'public' } : {}),
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed ?? '(lock)'} failed: ${reason}`);
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/**
 * Runs every pending migration; safe to call from several processes at once (Kysely's
 * lock on PostgreSQL, a lock file on SQLite).
 */
export async function migrateToLatest(storage: Storage): Promise<MigrationReport> {
  if (await upToDate(storage)) return { applied: [] };
  const path = storage.sqlitePath;
  if (!path) return runMigrator(storage);
  // another process may have finished them while this one waited for the lock
  return withSqliteMigrationLock(path, async () =>
    (await upToDate(storage)) ? { applied: [] } : runMigrator(storage),
  );
}

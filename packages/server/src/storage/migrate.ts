import { type MigrationResultSet, Migrator } from 'kysely';
import type { Storage } from './database.js';
import { migrations } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/** Runs every pending migration; safe to call from several processes at once (Kysely locks). */
export async function migrateToLatest(storage: Storage): Promise<MigrationReport> {
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

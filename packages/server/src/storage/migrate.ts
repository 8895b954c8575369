import { type MigrationResultSet, Migrator } from 'kysely';
import type { Db } from './tables.js';
import { migrations } from './migrations/index.js';

export interface MigrationReport {
  applied: string[];
}

/** Runs every pending migration; safe to call from several processes at once (Kysely locks). */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed ?? '(lock)'} failed: ${reason}`);
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { type Storage, openDatabase } from '../storage/database.js';
import { type Clock, systemClock } from '../storage/kv/index.js';
import { migrateToLatest } from '../storage/migrate.js';
import type { CliIo } from './io.js';

export interface CliContext {
  config: Config;
  storage: Storage;
  clock: Clock;
}

/**
 * Opens the configured database for one command, bringing its schema up to date first
 * (a CLI may be the first thing run against a new database), and closes it after.
 */
export async function withContext<T>(io: CliIo, run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const storage = await openDatabase(config.databaseUrl, { schema: config.databaseSchema });
  try {
    await migrateToLatest(storage);
    return await run({ config, storage, clock: systemClock });
  } finally {
    await storage.close();
  }
}

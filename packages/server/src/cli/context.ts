import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { openKeysSealer } from '../keys/keys-secret.js';
import { type Storage, openDatabase } from '../storage/database.js';
import { type Clock, type Kv, openKv, systemClock } from '../storage/kv/index.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openServerSecrets } from '../storage/server-secrets.js';
import type { CliIo } from './io.js';

export interface CliContext {
  config: Config;
  storage: Storage;
  clock: Clock;
}

/**
 * Opens the configured database for one command, bringing its schema up to date first
 * (a CLI may be the first thing run against a new database), and closes it after. With
 * another KEYS_SECRET than the stored secrets were sealed with it stops before running the
 * command, which could otherwise seal a new secret under the wrong key beside them.
 */
export async function withContext<T>(io: CliIo, run: (ctx: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env);
  const storage = await openDatabase(config.databaseUrl, {
    schema: config.databaseSchema,
    sealer: (await openKeysSealer(config)).sealer,
  });
  try {
    await migrateToLatest(storage);
    await openServerSecrets(storage);
    return await run({ config, storage, clock: systemClock });
  } finally {
    await storage.close();
  }
}

/**
 * withContext, plus the configured kv (Redis, or the database's): for commands whose change
 * running servers must hear about at once (their cached reads of it): the owner repos announce it on the kv.
 */
export async function withContextAndKv<T>(io: CliIo, run: (ctx: CliContext & { kv: Kv }) => Promise<T>): Promise<T> {
  return withContext(io, async (ctx) => {
    const kv = await openKv({
      redisUrl: ctx.config.redisUrl,
      redisPrefix: ctx.config.redisPrefix,
      storage: ctx.storage,
      clock: ctx.clock,
    });
    try {
      return await run({ ...ctx, kv });
    } finally {
      await kv.close();
    }
  });
}

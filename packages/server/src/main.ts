import { buildApp } from './app.js';
import type { Config } from './config/schema.js';
import { openDatabase } from './storage/database.js';
import { openKv, systemClock } from './storage/kv/index.js';
import { cleanUpExpired } from './storage/cleanup.js';
import { migrateToLatest } from './storage/migrate.js';

const CLEANUP_EVERY_MS = 60_000;

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** Opens storage, runs pending migrations, listens; the only place that listens. */
export async function startServer(config: Config): Promise<RunningServer> {
  const storage = await openDatabase(config.databaseUrl, { schema: config.databaseSchema });
  let stopped = false;
  try {
    await migrateToLatest(storage);
    const kv = await openKv({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, storage });
    const app = await buildApp(config, { storage, kv, clock: systemClock });
    const url = await app.listen({ port: config.port, host: config.host });
    // expired rows go in the background, a bounded batch at a time (storage/cleanup.ts)
    const cleanup = setInterval(() => {
      cleanUpExpired({ db: storage.db, clock: systemClock, config }).catch((error: unknown) => app.log.warn({ err: error }, 'clean-up failed'));
    }, CLEANUP_EVERY_MS);
    cleanup.unref();
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      clearInterval(cleanup);
      // stop taking requests and finish the ones in flight before the stores close
      await app.close();
      await kv.close();
      await storage.close();
    };
    return { url, stop };
  } catch (error) {
    await storage.close();
    throw error;
  }
}

/** Stops gracefully on SIGINT/SIGTERM. */
export function stopOnSignals(server: RunningServer): void {
  const onSignal = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

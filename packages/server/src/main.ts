import pino from 'pino';
import { buildApp } from './app.js';
import type { Config } from './config/schema.js';
import { openKeysSealer } from './keys/keys-secret.js';
import { joinGroupMetrics } from './metrics/group.js';
import { createMetrics } from './metrics/metrics.js';
import { openDatabase } from './storage/database.js';
import { openKv, systemClock } from './storage/kv/index.js';
import { type CleanupConfig, type CleanupReport, cleanUpExpired } from './storage/cleanup.js';
import type { StorageLog } from './storage/log.js';
import { migrateToLatest } from './storage/migrate.js';
import { openServerSecrets } from './storage/server-secrets.js';
import type { Db } from './storage/tables.js';

const CLEANUP_EVERY_MS = 60_000;
/** as long as the pass's own budget (storage/cleanup.ts): half the time cleaning while a backlog lasts */
export const CLEANUP_BACKLOG_PAUSE_MS = 2_000;

export interface RunningServer {
  url: string;
  /** Graceful; calling it again returns the same stop, so a second signal cannot cut the first short. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  /**
   * A cluster worker (`signet start --workers N`): its primary has run the migrations,
   * runs the clean-up, and sums every worker's metrics for GET /metrics.
   */
  worker?: boolean;
}

/**
 * When the next clean-up pass runs: a minute after one that finished, but soon after one whose
 * time budget ran out, so that a backlog (a sustained issuance rate) is worked off at about half
 * of one core instead of one budget a minute, with the server answering between passes.
 */
export function nextCleanupDelay(report: CleanupReport | undefined): number {
  return report && !report.complete ? CLEANUP_BACKLOG_PAUSE_MS : CLEANUP_EVERY_MS;
}

/** Expired rows go in the background, a bounded batch at a time (storage/cleanup.ts); returns the cancel. */
export function scheduleCleanup(deps: { db: Db; config: CleanupConfig }, log: StorageLog): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const pass = async () => {
    let report: CleanupReport | undefined;
    try {
      report = await cleanUpExpired({ ...deps, clock: systemClock });
    } catch (error) {
      log.warn({ err: error }, 'clean-up failed');
    }
    // one pass at a time: the next is planned when this one ends
    if (!stopped) timer = setTimeout(() => void pass(), nextCleanupDelay(report)).unref();
  };
  timer = setTimeout(() => void pass(), CLEANUP_EVERY_MS).unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

/** Opens storage, runs pending migrations, listens; the only place that listens. */
export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  // what is open so far, closed in reverse on failure: a worker that cannot start must be able to end
  const opened: (() => Promise<unknown>)[] = [];
  const closeAll = async () => {
    for (const close of opened.reverse()) await close();
  };
  // one logger for the app and its stores, made first: a lost database connection is reported, not fatal
  const log = pino({ level: config.logLevel });
  try {
    const keys = await openKeysSealer(config);
    const storage = await openDatabase(config.databaseUrl, {
      schema: config.databaseSchema,
      backgroundCheckpoints: true,
      sealer: keys.sealer,
      log,
    });
    opened.push(() => storage.close());
    if (!options.worker) await migrateToLatest(storage);
    // a wrong KEYS_SECRET stops start-up here, in one line, rather than at the first page that needs a secret
    await openServerSecrets(storage);
    const kv = await openKv({ redisUrl: config.redisUrl, redisPrefix: config.redisPrefix, storage });
    opened.push(() => kv.close());
    const metrics = createMetrics(config.metrics !== 'off');
    const scrapeMetrics = options.worker && config.metrics !== 'off' ? joinGroupMetrics(metrics) : undefined;
    const app = await buildApp(config, { storage, kv, clock: systemClock, metrics, scrapeMetrics, log });
    // a worker's primary has said it already
    if (keys.warning && !options.worker) app.log.warn(keys.warning);
    // stop taking requests and finish the ones in flight before the stores close
    opened.push(() => app.close());
    const url = await app.listen({ port: config.port, host: config.host });
    if (!options.worker) {
      const cancelCleanup = scheduleCleanup({ db: storage.db, config }, log);
      opened.push(async () => cancelCleanup());
    }
    let stopping: Promise<void> | undefined;
    return { url, stop: () => (stopping ??= closeAll()) };
  } catch (error) {
    await closeAll();
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

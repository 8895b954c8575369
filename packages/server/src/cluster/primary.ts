import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Config } from '../config/schema.js';
import { type RunningServer, scheduleCleanup } from '../main.js';
import { openKeysSealer } from '../keys/keys-secret.js';
import { GroupMetrics } from '../metrics/group.js';
import { openDatabase } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { openServerSecrets } from '../storage/server-secrets.js';
import { restartDelay } from './restart-delay.js';

/** How long stopping waits for workers to finish their requests before killing them. */
const STOP_GRACE_MS = 15_000;

// the built CLI (packages/server/bin), from src/cluster in tests and dist/cluster when installed
const SIGNET_BIN = fileURLToPath(new URL('../../bin/signet.js', import.meta.url));

/** One of the N places in the group; a worker that dies is replaced in the same slot. */
interface Slot {
  index: number;
  worker?: Worker;
  startedAt: number;
  delayMs?: number;
  restart?: NodeJS.Timeout;
  /** kills a worker that has not started listening in time (one stuck on its database or Redis) */
  deadline?: NodeJS.Timeout;
  timedOut?: boolean;
}

function urlOf(address: AddressInfo | { address: string; port: number }): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * `signet start --workers N`: this process migrates once, forks N workers that each build
 * the app and listen on the same port (node:cluster hands them the connections), replaces
 * a worker that dies, runs the periodic clean-up with its own database handle, and sums
 * the workers' metrics for GET /metrics. Resolves once every worker listens.
 */
export async function startWorkerGroup(config: Config, count: number, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const log = pino({ level: config.logLevel });
  // made here first, so the workers starting together find the key file (if any) already made
  const keys = await openKeysSealer(config);
  if (keys.warning) log.warn(keys.warning);
  const storage = await openDatabase(config.databaseUrl, { schema: config.databaseSchema, sealer: keys.sealer, log });
  try {
    await migrateToLatest(storage);
    // a wrong KEYS_SECRET stops the group in one line, not as N workers that exit before listening
    await openServerSecrets(storage);
  } catch (error) {
    await storage.close();
    throw error;
  }
  const metrics = new GroupMetrics();
  const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ index: index + 1, startedAt: 0 }));
  const slotOf = (worker: Worker) => slots.find((slot) => slot.worker === worker);
  let stopping: Promise<void> | undefined;
  let started = false;
  let cancelCleanup: () => void = () => undefined;

  const startTimeoutMs = config.workerStartTimeout * 1000;
  const fork = (slot: Slot) => {
    slot.restart = undefined;
    slot.startedAt = Date.now();
    slot.timedOut = false;
    const worker = cluster.fork(env);
    slot.worker = worker;
    slot.deadline = setTimeout(() => {
      slot.timedOut = true;
      log.error(
        { worker: slot.index, workerPid: worker.process.pid, timeoutSeconds: config.workerStartTimeout },
        'worker did not start listening in time; killing it',
      );
      worker.process.kill('SIGKILL');
    }, startTimeoutMs);
    log.info({ worker: slot.index, workerPid: worker.process.pid }, 'worker started');
  };

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      cancelCleanup();
      const exits: Promise<unknown>[] = [];
      for (const slot of slots) {
        clearTimeout(slot.restart);
        clearTimeout(slot.deadline);
        const worker = slot.worker;
        if (!worker || worker.isDead()) continue;
        exits.push(new Promise((resolve) => worker.once('exit', resolve)));
        // each worker stops as on its own SIGTERM: no new requests, the ones in flight finish
        worker.process.kill('SIGTERM');
      }
      let forced = false;
      const grace = setTimeout(() => {
        for (const slot of slots) {
          if (slot.worker && !slot.worker.isDead()) {
            forced = true;
            slot.worker.process.kill('SIGKILL');
          }
        }
      }, STOP_GRACE_MS);
      await Promise.all(exits);
      clearTimeout(grace);
      await storage.close();
      // the exit code says so: requests may have been cut off
      if (forced) throw new Error(`a worker did not stop within ${STOP_GRACE_MS / 1000} s and was killed`);
    })());

  const ready = new Promise<string>((resolve, reject) => {
    let listening = 0;
    cluster.on('listening', (worker, address) => {
      clearTimeout(slotOf(worker)?.deadline);
      metrics.add(worker);
      log.info({ worker: slotOf(worker)?.index, workerPid: worker.process.pid }, 'worker listening');
      if (started) return;
      listening += 1;
      if (listening === count) {
        started = true;
        resolve(urlOf(address));
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      metrics.remove(worker);
      const slot = slotOf(worker);
      if (slot) clearTimeout(slot.deadline);
      if (!slot || stopping) return;
      if (!started) {
        // a worker that cannot start (the database is down, the port taken) will not start on a retry either
        const why = slot.timedOut
          ? `did not listen within ${config.workerStartTimeout} s`
          : `exited before listening (${signal ?? `code ${code}`})`;
        stop().then(() => reject(new Error(`worker ${slot.index} ${why}`)), reject);
        return;
      }
      slot.delayMs = restartDelay(slot.delayMs, Date.now() - slot.startedAt);
      log.warn(
        { worker: slot.index, workerPid: worker.process.pid, code, signal, restartInMs: slot.delayMs },
        'worker died; replacing it',
      );
      slot.restart = setTimeout(() => fork(slot), slot.delayMs);
    });
  });

  cluster.on('message', (worker, message) => metrics.onMessage(worker, message));
  // 'advanced' (structured clone) carries the NaN and Infinity a metric may hold; JSON would not
  cluster.setupPrimary({ exec: SIGNET_BIN, args: ['start'], serialization: 'advanced' });
  for (const slot of slots) fork(slot);
  const url = await ready;
  cancelCleanup = scheduleCleanup({ db: storage.db, config }, log);
  log.info({ workers: count, url }, 'worker group listening');
  return { url, stop };
}

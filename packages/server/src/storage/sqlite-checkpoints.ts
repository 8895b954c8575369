import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** SQLite's own default: checkpoint once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_INTERVAL_MS = 100;
/**
 * SQLite starts the WAL over only after a checkpoint has copied every frame in it, and under a
 * steady write load a PASSIVE one never catches up with the writer: in a grant benchmark the
 * WAL grew by 90 MB a second, past 1.6 GB in 18 s, and every read searched its ever larger index
 * (the grant's cost rose by a quarter). Past this many frames (16 MiB of 4 KiB pages), the
 * worker follows its PASSIVE checkpoint with a RESTART: it takes the write lock (the server's
 * writes wait) for the few frames written since, and the next write starts the WAL from its beginning.
 * Under 39k grants a second that was about three RESTARTs a second, each holding the lock 0.4-3.8 ms.
 */
const RESTART_FRAMES = 4096;

// Plain JavaScript, evaluated in the worker: the same text runs from src (tests) and dist.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
// it reads nothing through the page cache worth keeping: a small one keeps the thread's memory flat
db.pragma('cache_size = -256');
const checkpoint = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    // see RESTART_FRAMES. A second PASSIVE first copies, without the lock, what came in during the
    // first, so the RESTART holds it for less (median 1.2 ms against 3.3 ms, measured under grants).
    // busy_timeout 0: if a write holds the lock, the RESTART is only a passive one again.
    if (result && result.log >= workerData.restartFrames) {
      db.pragma('wal_checkpoint(PASSIVE)');
      db.pragma('wal_checkpoint(RESTART)');
    }
  } catch (error) {
    // SQLITE_BUSY: another connection is checkpointing; the next tick tries again
    if (error && error.code !== 'SQLITE_BUSY' && error.code !== 'SQLITE_LOCKED') throw error;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.postMessage('closed');
});
parentPort.postMessage('ready');
`;

/**
 * Moves the WAL checkpoints of a server's SQLite connection to a worker thread. SQLite runs
 * them inside whichever commit crosses the threshold: on the event loop, with an fsync, every
 * few hundred requests under load. Measured on the client-credentials grant, they were 5 to 10 µs
 * of the event loop's 45 to 60 µs a request. PASSIVE checkpoints never block the server's
 * writes or reads. If the worker cannot start, or fails later, the connection checkpoints for itself.
 * Answers the function that stops the worker (after one last checkpoint).
 */
export async function checkpointInBackground(
  sqlite: BetterSqlite3.Database,
  path: string,
  intervalMs = DEFAULT_INTERVAL_MS,
  restartFrames = RESTART_FRAMES,
): Promise<() => Promise<void>> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path, intervalMs, restartFrames },
    // a timer and a pragma: a few MiB of V8 heap are plenty, and a bounded young generation keeps RSS flat
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 },
  });
  const selfCheckpoint = () => {
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  };
  const started = await new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(true));
    worker.once('error', () => resolve(false));
  });
  // a worker that cannot open the file leaves the checkpoints where SQLite puts them
  if (!started) {
    await worker.terminate();
    return async () => undefined;
  }
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  worker.on('error', selfCheckpoint);
  worker.on('exit', () => {
    if (!stopping) selfCheckpoint();
  });
  worker.unref();
  return async () => {
    if (stopping) return;
    stopping = true;
    selfCheckpoint();
    const closed = new Promise<void>((resolve) => {
      worker.once('message', () => resolve());
      worker.once('exit', () => resolve());
    });
    worker.postMessage('stop');
    await closed;
    await worker.terminate();
  };
}

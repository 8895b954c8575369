// Times one pass of the clean-up the server runs every minute (cleanUpExpired with its default
// budget, from the built server) on a database, with the server stopped. The server runs the
// same pass on its event loop, and better-sqlite3 is synchronous: for SQLite, this is how long
// the server stops answering once a minute. Run with DATABASE_URL set; prints { ms, deleted, complete }:
// the rows that pass deleted, and whether it finished before its budget ran out.
import { loadConfig } from '../../packages/server/dist/config/load.js';
import { cleanUpExpired } from '../../packages/server/dist/storage/cleanup.js';
import { openKeysSealer } from '../../packages/server/dist/keys/keys-secret.js';
import { openDatabase } from '../../packages/server/dist/storage/database.js';
import { systemClock as clock } from '../../packages/server/dist/storage/kv/types.js';

const config = loadConfig(process.env);
const storage = await openDatabase(config.databaseUrl, { sealer: (await openKeysSealer(config)).sealer });
try {
  const started = performance.now();
  const report = await cleanUpExpired({ db: storage.db, clock, config });
  const deleted = Object.values(report.deleted).reduce((sum, rows) => sum + rows, 0);
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, deleted, complete: report.complete }));
} finally {
  await storage.close();
}

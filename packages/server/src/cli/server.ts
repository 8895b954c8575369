import cluster from 'node:cluster';
import type { Command } from 'commander';
import { startWorkerGroup } from '../cluster/primary.js';
import { loadConfig } from '../config/load.js';
import { parseWorkers } from '../config/schema.js';
import { openKeysSealer } from '../keys/keys-secret.js';
import { startServer, stopOnSignals } from '../main.js';
import { openDatabase } from '../storage/database.js';
import { cleanUpExpired } from '../storage/cleanup.js';
import { migrateToLatest } from '../storage/migrate.js';
import { withContext } from './context.js';
import { type CliIo, print } from './io.js';

export function serverCommands(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('run pending migrations and start the server')
    .option('--workers <n>', 'processes serving the same port, kept alive by a primary (default: WORKERS, 1)')
    .action(async (options: { workers?: string }) => {
      const config = loadConfig(io.env);
      // a worker forked by startWorkerGroup runs this same command: it serves, the primary does the rest
      if (cluster.isWorker) {
        try {
          stopOnSignals(await startServer(config, { worker: true }));
        } catch (error) {
          // the IPC channel would keep a worker that failed alive: leave, so it ends and its primary hears
          cluster.worker?.disconnect();
          throw error;
        }
        return;
      }
      const workers = options.workers === undefined ? config.workers : parseWorkers(options.workers, '--workers');
      const server = workers === 1 ? await startServer(config) : await startWorkerGroup(config, workers, io.env);
      stopOnSignals(server);
      io.stderr(`signet listening on ${server.url}${workers === 1 ? '' : ` (${workers} workers)`}\n`);
    });

  program
    .command('cleanup')
    .description(
      'delete expired codes, tokens, sessions, device requests and kv entries, and audit events past AUDIT_RETENTION_DAYS (the server also does this every minute)',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withContext(io, async ({ config, storage, clock }) => {
        // no time budget from the command line: run until everything expired is gone
        const report = await cleanUpExpired({ db: storage.db, clock, config }, { budgetMs: Number.POSITIVE_INFINITY });
        const human = Object.entries(report.deleted)
          .map(([table, count]) => `${table}: ${count}`)
          .join('\n');
        print(io, options.json, report.deleted, human);
      });
    });

  program
    .command('migrate')
    .description('run pending database migrations')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const storage = await openDatabase(config.databaseUrl, {
        schema: config.databaseSchema,
        sealer: (await openKeysSealer(config)).sealer,
      });
      try {
        const report = await migrateToLatest(storage);
        const human = report.applied.length === 0 ? 'database is up to date' : `applied ${report.applied.join(', ')}`;
        print(io, options.json, report, human);
      } finally {
        await storage.close();
      }
    });
}

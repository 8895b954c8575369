import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { startServer, stopOnSignals } from '../main.js';
import { openDatabase } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { type CliIo, print } from './io.js';

export function serverCommands(program: Command, io: CliIo): void {
  program
    .command('start')
    .description('run pending migrations and start the server')
    .action(async () => {
      const server = await startServer(loadConfig(io.env));
      stopOnSignals(server);
      io.stderr(`signet listening on ${server.url}\n`);
    });

  program
    .command('migrate')
    .description('run pending database migrations')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig(io.env);
      const storage = await openDatabase(config.databaseUrl, { schema: config.databaseSchema });
      try {
        const report = await migrateToLatest(storage);
        const human = report.applied.length === 0 ? 'database is up to date' : `applied ${report.applied.join(', ')}`;
        print(io, options.json, report, human);
      } finally {
        await storage.close();
      }
    });
}

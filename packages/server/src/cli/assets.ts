import type { Command } from 'commander';
import { findUser } from '../accounts/service.js';
import { InvalidField } from '../errors/platform.js';
import { createAsset, credit, findAsset } from '../ledger/service.js';
import { withContext } from './context.js';
import { type CliIo, describe, print } from './io.js';

/** Whole numbers only: "8.5" or "8x" must not quietly become 8. */
function parsePrecision(value: string): number {
  if (!/^\d{1,2}$/.test(value)) throw new InvalidField('precision', 'must be an integer from 0 to 18');
  return Number(value);
}

export function assetCommands(program: Command, io: CliIo): void {
  const assets = program.command('assets').description('manage assets and credit balances (the ledger)');

  assets
    .command('create')
    .description('register an asset')
    .requiredOption('--symbol <symbol>', '1-16 letters or digits, unique ignoring case')
    .requiredOption('--name <name>', '1-64 characters')
    .option('--precision <digits>', 'decimal places an amount may have (0-18)', '8')
    .option('--icon-url <url>', 'URL of the icon')
    .option('--json', 'print JSON')
    .action(async (options: { symbol: string; name: string; precision: string; iconUrl?: string; json?: boolean }) => {
      await withContext(io, async ({ storage, clock }) => {
        const row = await createAsset(
          { db: storage.db, clock },
          {
            symbol: options.symbol,
            name: options.name,
            precision: parsePrecision(options.precision),
            iconUrl: options.iconUrl,
          },
        );
        const asset = { asset_id: row.asset_id, symbol: row.symbol, name: row.name, precision: row.precision };
        print(io, options.json, asset, describe(asset));
      });
    });

  assets
    .command('credit')
    .description('deposit into a user’s balance (an operator’s deposit, written as a snapshot)')
    .requiredOption('--user <user>', 'username or user_id')
    .requiredOption('--asset <asset>', 'symbol or asset_id')
    .requiredOption('--amount <amount>', 'a positive decimal, e.g. 1.5')
    .option('--memo <memo>', 'up to 140 characters')
    .option('--json', 'print JSON')
    .action(async (options: { user: string; asset: string; amount: string; memo?: string; json?: boolean }) => {
      await withContext(io, async ({ storage, clock }) => {
        const deps = { db: storage.db, clock };
        const user = await findUser(deps, options.user);
        const asset = await findAsset(deps, options.asset);
        const snapshot = await credit(deps, {
          userId: user.user_id,
          assetId: asset.asset_id,
          amount: options.amount,
          memo: options.memo,
        });
        print(io, options.json, snapshot, describe({ ...snapshot, symbol: asset.symbol }));
      });
    });
}

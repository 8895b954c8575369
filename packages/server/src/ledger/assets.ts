import { randomUUID } from 'node:crypto';
import { type AssetView, isUuid } from '@signet/protocol';
import { FieldConflict, NotFound } from '../errors/platform.js';
import { isUniqueViolation } from '../storage/dialect.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { DEFAULT_PRECISION } from './decimal.js';
import { type AssetRow, findAssetById, findAssetBySymbol, findBalance, insertAsset, listHeldAssets } from './repo.js';
import { validateAssetName, validatePrecision, validateSymbol } from './validation.js';

export interface LedgerDeps {
  db: Db;
  clock: Clock;
}

/** An asset as GET /assets answers it (Mixin's shape), with the caller's balance: its schema is in @signet/protocol. */
export type { AssetView };

export function toAssetView(row: AssetRow, balance: string): AssetView {
  return {
    type: 'asset',
    asset_id: row.asset_id,
    chain_id: row.chain_id,
    symbol: row.symbol,
    name: row.name,
    icon_url: row.icon_url,
    balance,
    precision: row.precision,
    created_at: row.created_at,
  };
}

export interface NewAsset {
  symbol: string;
  name: string;
  precision?: number | undefined;
  iconUrl?: string | undefined;
  /** default: the asset is its own chain, as Mixin's chain assets are */
  chainId?: string | undefined;
}

export async function createAsset(deps: LedgerDeps, input: NewAsset): Promise<AssetRow> {
  const assetId = randomUUID();
  const row: AssetRow = {
    asset_id: assetId,
    symbol: validateSymbol(input.symbol),
    symbol_key: input.symbol.toUpperCase(),
    name: validateAssetName(input.name),
    icon_url: input.iconUrl ?? '',
    chain_id: input.chainId ?? assetId,
    precision: validatePrecision(input.precision ?? DEFAULT_PRECISION),
    created_at: new Date(deps.clock.now()).toISOString(),
  };
  try {
    await insertAsset(deps.db, row);
  } catch (error) {
    if (isUniqueViolation(error)) throw new FieldConflict('symbol', 'is already taken');
    throw error;
  }
  return row;
}

/** An asset by its asset_id or its symbol (any case). */
export async function findAsset(deps: Pick<LedgerDeps, 'db'>, idOrSymbol: string): Promise<AssetRow> {
  const row = isUuid(idOrSymbol)
    ? await findAssetById(deps.db, idOrSymbol.toLowerCase())
    : await findAssetBySymbol(deps.db, idOrSymbol);
  if (!row) throw new NotFound(`Asset ${idOrSymbol} not found.`);
  return row;
}

/** GET /assets: only what the user holds (balance > 0). */
export async function listBalances(deps: Pick<LedgerDeps, 'db'>, userId: string): Promise<AssetView[]> {
  const rows = await listHeldAssets(deps.db, userId);
  return rows.filter((row) => !row.balance.startsWith('-')).map(({ balance, ...asset }) => toAssetView(asset, balance));
}

/** GET /assets/:id: an asset the user has never held answers balance "0"; an unknown one is 404. */
export async function assetWithBalance(
  deps: Pick<LedgerDeps, 'db'>,
  userId: string,
  assetId: string,
): Promise<AssetView> {
  if (!isUuid(assetId)) throw new NotFound(`Asset ${assetId} not found.`);
  const asset = await findAsset(deps, assetId);
  return toAssetView(asset, (await findBalance(deps.db, userId, asset.asset_id)) ?? '0');
}

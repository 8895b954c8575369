/**
 * The ledger (PROTOCOL.md §10): assets, balances, snapshots and transfers. Routes and the
 * CLI import from here; each concern lives in its own file.
 */
export {
  type AssetView,
  type LedgerDeps,
  type NewAsset,
  assetWithBalance,
  createAsset,
  findAsset,
  listBalances,
  toAssetView,
} from './assets.js';
export { type SnapshotParams, type SnapshotView, listSnapshots } from './snapshots.js';
export { type Deposit, type TransferRequest, credit, transfer } from './transfers.js';

import { randomUUID } from 'node:crypto';
import { findUserById } from '../accounts/repo.js';
import { InsufficientBalance, InvalidField, NotFound } from '../errors/platform.js';
import { isUniqueViolation } from '../storage/dialect.js';
import type { Db } from '../storage/tables.js';
import type { LedgerDeps } from './assets.js';
import { formatUnits, parseUnits } from './decimal.js';
import {
  type AssetRow,
  type SnapshotRow,
  findAssetById,
  findSnapshotsByTrace,
  insertSnapshot,
  lockBalance,
  setBalance,
} from './repo.js';
import { type SnapshotView, toSnapshotView } from './snapshots.js';
import { parsePositiveAmount, requireUuid, validateMemo } from './validation.js';

/** One side of a movement: the balance row is already locked by the caller's transaction. */
async function book(
  trx: Db,
  asset: AssetRow,
  entry: {
    userId: string;
    opening: bigint;
    amount: bigint;
    opponentId: string | null;
    traceId: string;
    memo: string;
    type: SnapshotRow['type'];
    now: string;
  },
): Promise<SnapshotRow> {
  const closing = formatUnits(entry.opening + entry.amount, asset.precision);
  await setBalance(trx, entry.userId, asset.asset_id, closing, entry.now);
  return insertSnapshot(trx, {
    snapshot_id: randomUUID(),
    user_id: entry.userId,
    asset_id: asset.asset_id,
    amount: formatUnits(entry.amount, asset.precision),
    opening_balance: formatUnits(entry.opening, asset.precision),
    closing_balance: closing,
    opponent_id: entry.opponentId,
    trace_id: entry.traceId,
    memo: entry.memo,
    type: entry.type,
    created_at: entry.now,
  });
}

export interface Deposit {
  userId: string;
  assetId: string;
  amount: string;
  memo?: string | undefined;
}

/** An operator's deposit (`signet assets credit`): adds to the balance and writes a 'deposit' snapshot. */
export async function credit(deps: LedgerDeps, input: Deposit): Promise<SnapshotView> {
  const asset = await findAssetById(deps.db, input.assetId);
  if (!asset) throw new NotFound(`Asset ${input.assetId} not found.`);
  if (!(await findUserById(deps.db, input.userId))) throw new NotFound(`User ${input.userId} not found.`);
  const amount = parsePositiveAmount(input.amount, asset.precision);
  const memo = validateMemo(input.memo);
  const now = new Date(deps.clock.now()).toISOString();
  const row = await deps.db.transaction().execute(async (trx) => {
    const opening = parseUnits(await lockBalance(trx, input.userId, asset.asset_id, now), asset.precision);
    return book(trx, asset, {
      userId: input.userId,
      opening,
      amount,
      opponentId: null,
      traceId: randomUUID(),
      memo,
      type: 'deposit',
      now,
    });
  });
  return toSnapshotView(row);
}

/** POST /transfers as received: fields are checked here, so every caller gets the same 10002s. */
export interface TransferRequest {
  userId: string;
  assetId: unknown;
  opponentId: unknown;
  amount: unknown;
  traceId: unknown;
  memo?: unknown;
}

const insufficient = () => new InsufficientBalance();
const traceTaken = () => new InvalidField('trace_id', 'was already used for a different transfer');

/**
 * Moves money between two users atomically and answers the sender's snapshot.
 *
 * Both balance rows are locked in user_id order (so two opposite transfers cannot
 * deadlock) before anything is decided; the trace_id check runs under the sender's lock,
 * so a replay, even a concurrent one, sees the original and moves nothing.
 * An unknown opponent is 10002 `opponent_id` (a field of the body, like every other
 * refusal here), not 404, which this API keeps for paths.
 */
export async function transfer(deps: LedgerDeps, input: TransferRequest): Promise<SnapshotView> {
  const assetId = requireUuid('asset_id', input.assetId);
  const opponentId = requireUuid('opponent_id', input.opponentId);
  const traceId = requireUuid('trace_id', input.traceId);
  const memo = validateMemo(input.memo);
  if (opponentId === input.userId.toLowerCase()) throw new InvalidField('opponent_id', 'cannot be yourself');
  const asset = await findAssetById(deps.db, assetId);
  if (!asset) throw new InvalidField('asset_id', 'no such asset');
  const amount = parsePositiveAmount(input.amount, asset.precision);
  if (!(await findUserById(deps.db, opponentId))) throw new InvalidField('opponent_id', 'no such user');
  const now = new Date(deps.clock.now()).toISOString();
  const userId = input.userId;

  try {
    const row = await deps.db.transaction().execute(async (trx) => {
      const opening = new Map<string, bigint>();
      for (const id of [userId, opponentId].sort()) {
        opening.set(id, parseUnits(await lockBalance(trx, id, asset.asset_id, now), asset.precision));
      }
      const earlier = await findSnapshotsByTrace(trx, [userId, opponentId], traceId);
      if (earlier.length > 0)
        return replayOf(earlier, { userId, assetId, opponentId, amount: formatUnits(-amount, asset.precision) });

      const senderOpening = opening.get(userId) ?? 0n;
      if (senderOpening < amount) throw insufficient();
      const common = { traceId, memo, type: 'transfer' as const, now };
      const sent = await book(trx, asset, { ...common, userId, opening: senderOpening, amount: -amount, opponentId });
      await book(trx, asset, {
        ...common,
        userId: opponentId,
        opening: opening.get(opponentId) ?? 0n,
        amount,
        opponentId: userId,
      });
      return sent;
    });
    return toSnapshotView(row);
  } catch (error) {
    // another user's concurrent transfer took this trace_id for one of the two parties first
    if (isUniqueViolation(error)) throw traceTaken();
    throw error;
  }
}

/** The original sender snapshot when the request is the same transfer again; otherwise the trace_id is taken. */
function replayOf(
  earlier: SnapshotRow[],
  request: { userId: string; assetId: string; opponentId: string; amount: string },
): SnapshotRow {
  const original = earlier.find(
    (row) => row.user_id === request.userId && row.type === 'transfer' && row.amount.startsWith('-'),
  );
  const same =
    original &&
    original.asset_id === request.assetId &&
    original.opponent_id === request.opponentId &&
    original.amount === request.amount;
  if (!same) throw traceTaken();
  return original;
}

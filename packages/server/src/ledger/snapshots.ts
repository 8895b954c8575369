import type { Received, SnapshotQuery, SnapshotView } from '@signet/protocol';
import { InvalidField } from '../errors/platform.js';
import type { Db } from '../storage/tables.js';
import { type SnapshotRow, querySnapshots } from './repo.js';
import { requireUuid } from './validation.js';

/** A snapshot as the API answers it (Mixin's shape): its schema is in @signet/protocol. */
export type { SnapshotView };

export function toSnapshotView(row: SnapshotRow): SnapshotView {
  return {
    type: 'snapshot',
    snapshot_id: row.snapshot_id,
    user_id: row.user_id,
    asset_id: row.asset_id,
    amount: row.amount,
    opening_balance: row.opening_balance,
    closing_balance: row.closing_balance,
    opponent_id: row.opponent_id ?? '',
    trace_id: row.trace_id,
    memo: row.memo,
    source: row.type === 'deposit' ? 'DEPOSIT_CONFIRMED' : 'TRANSFER_INITIALIZED',
    created_at: row.created_at,
  };
}

export const DEFAULT_SNAPSHOT_LIMIT = 100;
export const MAX_SNAPSHOT_LIMIT = 500;

/** The query string of GET /snapshots, as received (every part optional, none checked yet). */
export type SnapshotParams = Received<SnapshotQuery>;

const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * The offset cursor as a bound on the stored created_at (ISO, milliseconds). Mixin's
 * cursors carry nanoseconds: a bound between two milliseconds is moved to the one that
 * keeps "strictly older" (DESC) or "strictly newer" (ASC) exact.
 */
function cursorBound(offset: string, order: 'DESC' | 'ASC'): string {
  const match = RFC3339.exec(offset);
  const base = match ? Date.parse(`${match[1]}T${match[2]}${match[4]?.toUpperCase()}`) : Number.NaN;
  if (!match || Number.isNaN(base)) throw new InvalidField('offset', 'must be an RFC 3339 timestamp');
  const fraction = match[3] ?? '';
  const between = /[1-9]/.test(fraction.slice(3));
  const ms = base + Number(fraction.slice(0, 3).padEnd(3, '0')) + (between && order === 'DESC' ? 1 : 0);
  return new Date(ms).toISOString();
}

function parseLimit(value: unknown): number {
  if (value === undefined || value === '') return DEFAULT_SNAPSHOT_LIMIT;
  const limit = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SNAPSHOT_LIMIT) {
    throw new InvalidField('limit', `must be an integer from 1 to ${MAX_SNAPSHOT_LIMIT}`);
  }
  return limit;
}

function parseOrder(value: unknown): 'DESC' | 'ASC' {
  if (value === undefined || value === '') return 'DESC';
  const order = typeof value === 'string' ? value.toUpperCase() : '';
  if (order !== 'DESC' && order !== 'ASC') throw new InvalidField('order', 'must be DESC or ASC');
  return order;
}

/**
 * A user's snapshots, newest first by default. `offset` is a timestamp cursor: pass the
 * created_at of the last snapshot of a page to get the next one.
 */
export async function listSnapshots(deps: { db: Db }, userId: string, params: SnapshotParams): Promise<SnapshotView[]> {
  const order = parseOrder(params.order);
  const limit = parseLimit(params.limit);
  const after =
    params.offset === undefined || params.offset === '' ? undefined : cursorBound(String(params.offset), order);
  const assetId = params.asset === undefined || params.asset === '' ? undefined : requireUuid('asset', params.asset);
  const rows = await querySnapshots(deps.db, { userId, assetId, after, order, limit });
  return rows.map(toSnapshotView);
}

import { type Static, Type } from '@sinclair/typebox';
import { Exact, Timestamp, Uuid } from './formats.js';

/** An asset as `GET /assets` answers it (Mixin's shape), with the caller's balance (PROTOCOL.md §10). */
export const AssetView = Exact({
  type: Type.Literal('asset'),
  asset_id: Uuid,
  chain_id: Uuid,
  symbol: Type.String(),
  name: Type.String(),
  icon_url: Type.String(),
  balance: Type.String({ description: 'a decimal string: never parse it into a float' }),
  precision: Type.Integer(),
  created_at: Timestamp,
});
export type AssetView = Static<typeof AssetView>;

/** A snapshot (one movement of one user's balance) as the API answers it, and as a transfer returns it. */
export const SnapshotView = Exact({
  type: Type.Literal('snapshot'),
  snapshot_id: Uuid,
  user_id: Uuid,
  asset_id: Uuid,
  amount: Type.String({ description: 'a decimal string, negative for money leaving the account' }),
  opening_balance: Type.String(),
  closing_balance: Type.String(),
  opponent_id: Type.String({ description: '"" for a deposit, which has no other party' }),
  trace_id: Type.String(),
  memo: Type.String(),
  source: Type.Union([Type.Literal('DEPOSIT_CONFIRMED'), Type.Literal('TRANSFER_INITIALIZED')], {
    description: 'Mixin’s name for what made the snapshot',
  }),
  created_at: Timestamp,
});
export type SnapshotView = Static<typeof SnapshotView>;

/** The query of `GET /assets/:id/snapshots`. */
export const AssetSnapshotsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(
    Type.String({ format: 'date-time', description: 'a timestamp cursor: the created_at of the last snapshot seen' }),
  ),
  order: Type.Optional(Type.Union([Type.Literal('DESC'), Type.Literal('ASC')], { default: 'DESC' })),
});
export type AssetSnapshotsQuery = Static<typeof AssetSnapshotsQuery>;

/** The query of `GET /snapshots`: the same, optionally narrowed to one asset. */
export const SnapshotQuery = Type.Composite([
  AssetSnapshotsQuery,
  Type.Object({ asset: Type.Optional(Type.String({ format: 'uuid', description: 'only this asset' })) }),
]);
export type SnapshotQuery = Static<typeof SnapshotQuery>;

/** `POST /transfers`: moves money to another user; idempotent on trace_id. */
export const TransferRequest = Type.Object({
  asset_id: Uuid,
  opponent_id: Uuid,
  amount: Type.String({
    description: 'a positive decimal string (a JSON number is refused, 10002 amount)',
    examples: ['0.1'],
  }),
  trace_id: Type.String({
    format: 'uuid',
    description: 'a UUID you choose: sending the same one again never moves money twice',
  }),
  memo: Type.Optional(Type.String({ maxLength: 140 })),
});
export type TransferRequest = Static<typeof TransferRequest>;

/** The shapes the resource API answers (PROTOCOL.md §8, §10). */
import type { AuthorizationView, UserView } from '@signet/protocol';

/** A user as `me()` and `user(id)` answer it. */
export type User = UserView;

export interface Asset {
  type: 'asset';
  asset_id: string;
  symbol: string;
  name: string;
  icon_url: string;
  /** a decimal string: never parse it into a float */
  balance: string;
  chain_id: string;
  precision: number;
}

export interface Snapshot {
  type: 'snapshot';
  snapshot_id: string;
  asset_id: string;
  /** negative for money leaving the account */
  amount: string;
  opening_balance: string;
  closing_balance: string;
  opponent_id: string | null;
  trace_id: string;
  memo: string;
  created_at: string;
}

export interface SnapshotQuery {
  /** at most 500 */
  limit?: number;
  /** an RFC 3339 timestamp cursor: the created_at of the last snapshot seen */
  offset?: string;
  order?: 'ASC' | 'DESC';
  /** only this asset */
  asset?: string;
}

export interface TransferInput {
  asset_id: string;
  opponent_id: string;
  /** a positive decimal string */
  amount: string;
  /** a UUID you choose: sending the same one again never moves money twice */
  trace_id: string;
  memo?: string;
}

/** One of the user's authorizations, as `authorizations()` lists it. */
export type Authorization = AuthorizationView;

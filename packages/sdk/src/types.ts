/**
 * The shapes the resource API answers (PROTOCOL.md §8, §10), under the SDK's names. Each is
 * the type of the schema in @signet/protocol that the server builds its answers from.
 */
import type {
  AssetView,
  AuthorizationView,
  SnapshotQuery as SnapshotQueryShape,
  SnapshotView,
  TransferRequest,
  UserView,
} from '@signet/protocol';

/** A user as `me()` and `user(id)` answer it. */
export type User = UserView;

/** An asset with the caller's balance, a decimal string: never parse it into a float. */
export type Asset = AssetView;

/** One movement of the caller's balance: `amount` is negative for money leaving the account. */
export type Snapshot = SnapshotView;

/** `limit` is at most 500; `offset` is the created_at of the last snapshot seen; `asset` narrows to one asset. */
export type SnapshotQuery = SnapshotQueryShape;

/** `amount` is a positive decimal string; `trace_id` a UUID you choose: sending the same one again never moves money twice. */
export type TransferInput = TransferRequest;

/** One of the user's authorizations, as `authorizations()` lists it. */
export type Authorization = AuthorizationView;

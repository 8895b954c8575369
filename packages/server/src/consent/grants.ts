import { formatScopes, parseScopes } from '@signet/protocol';
import { type AuditOrigin, recordChange } from '../audit/service.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { findGrantScopes, upsertGrant } from './repo.js';

export interface GrantsDeps {
  db: Db;
  clock: Clock;
}

export async function grantedScopes(db: Db, userId: string, clientId: string): Promise<string[]> {
  const scopes = await findGrantScopes(db, userId, clientId);
  return scopes === undefined ? [] : parseScopes(scopes);
}

/** Does the user's grant to this app already cover every requested scope? */
export async function grantCovers(
  db: Db,
  userId: string,
  clientId: string,
  requested: readonly string[],
): Promise<boolean> {
  const granted = new Set(await grantedScopes(db, userId, clientId));
  return granted.size > 0 && requested.every((s) => granted.has(s));
}

/** A consent as the audit log records it: what the app asked for, and where the user answered. */
export interface ConsentOrigin extends AuditOrigin {
  asked?: readonly string[];
}

/**
 * Records the scopes a user approved, and its `consent.granted` event, together. The
 * grant keeps what was approved before too, so a later, narrower consent does not take
 * back an earlier one.
 */
export async function recordGrant(
  deps: GrantsDeps,
  userId: string,
  clientId: string,
  approved: readonly string[],
  origin: ConsentOrigin = {},
): Promise<void> {
  await deps.db
    .transaction()
    .execute((trx) => writeGrant({ db: trx, clock: deps.clock }, userId, clientId, approved, origin));
}

/** recordGrant inside the caller's transaction (`deps.db` is one). */
export async function writeGrant(
  deps: GrantsDeps,
  userId: string,
  clientId: string,
  approved: readonly string[],
  origin: ConsentOrigin = {},
): Promise<void> {
  const now = new Date(deps.clock.now()).toISOString();
  const merged = [...new Set([...(await grantedScopes(deps.db, userId, clientId)), ...approved])];
  await upsertGrant(deps.db, userId, clientId, formatScopes(merged), now);
  const detail = { granted: [...approved], asked: [...(origin.asked ?? approved)] };
  await recordChange(deps, { type: 'consent.granted', userId, clientId, detail }, origin);
}

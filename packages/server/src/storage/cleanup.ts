import type { Clock } from './kv/types.js';
import type { Db } from './tables.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/*
 * What may go, and when. Spent codes and refresh tokens are kept past their expiry for a
 * day, so a late replay is still recognised as a replay (and revokes) rather than unknown.
 * Deleting an authorization removes its tokens with it (ON DELETE CASCADE).
 */
type Expirable = 'authorization_codes' | 'access_tokens' | 'refresh_tokens' | 'authorizations' | 'device_requests' | 'web_sessions' | 'kv';

const rules: { table: Expirable; key: string; keepAfterExpiryMs: number }[] = [
  { table: 'authorization_codes', key: 'code_hash', keepAfterExpiryMs: DAY_MS },
  { table: 'refresh_tokens', key: 'token_hash', keepAfterExpiryMs: DAY_MS },
  { table: 'access_tokens', key: 'token_hash', keepAfterExpiryMs: DAY_MS },
  { table: 'authorizations', key: 'authorization_id', keepAfterExpiryMs: DAY_MS },
  { table: 'device_requests', key: 'authorization_id', keepAfterExpiryMs: 60 * 60 * 1000 },
  { table: 'web_sessions', key: 'session_hash', keepAfterExpiryMs: 0 },
  { table: 'kv', key: 'key', keepAfterExpiryMs: 0 },
];

export interface CleanupReport {
  deleted: Record<Expirable, number>;
  /** false when the time budget ran out first: the next run carries on */
  complete: boolean;
}

/**
 * Deletes expired rows in batches, so no run holds a table for long, and stops when its
 * time budget is spent. Safe to run from several instances at once: each batch is one
 * DELETE of rows that can no longer matter to anyone.
 */
export async function cleanUpExpired(
  deps: { db: Db; clock: Clock },
  { batch = 500, budgetMs = 2000 }: { batch?: number; budgetMs?: number } = {},
): Promise<CleanupReport> {
  const started = Date.now();
  const deleted = Object.fromEntries(rules.map((rule) => [rule.table, 0])) as Record<Expirable, number>;
  for (const rule of rules) {
    const before = deps.clock.now() - rule.keepAfterExpiryMs;
    for (;;) {
      if (Date.now() - started > budgetMs) return { deleted, complete: false };
      // a bounded subquery: both dialects accept it, neither accepts DELETE ... LIMIT
      const expired = deps.db.selectFrom(rule.table).select(rule.key as never).where('expires_at', '<', before).limit(batch);
      const result = await deps.db
        .deleteFrom(rule.table)
        .where(rule.key as never, 'in', expired)
        .executeTakeFirst();
      const count = Number(result.numDeletedRows);
      deleted[rule.table] += count;
      if (count < batch) break;
    }
  }
  return { deleted, complete: true };
}

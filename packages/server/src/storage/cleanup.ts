import { sql } from 'kysely';
import type { Config } from '../config/schema.js';
import type { Clock } from './kv/types.js';
import type { Db } from './tables.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/*
 * What may go, and when. Spent codes and refresh tokens are kept past their expiry for a
 * day, so a late replay is still recognised as a replay (and revokes) rather than unknown.
 * Deleting an authorization removes its tokens with it (ON DELETE CASCADE). Audit events
 * never expire as such: they go once they are older than AUDIT_RETENTION_DAYS.
 */
type Cleanable =
  | 'authorization_codes'
  | 'access_tokens'
  | 'refresh_tokens'
  | 'authorizations'
  | 'device_requests'
  | 'web_sessions'
  | 'kv'
  | 'spent_request_ids'
  | 'audit_events';

interface Rule {
  table: Cleanable;
  key: string;
  /** the instant (epoch ms) the rule measures from */
  column: 'expires_at' | 'created_at';
  keepMs: number;
}

function rules(config: CleanupConfig): Rule[] {
  return [
    { table: 'authorization_codes', key: 'code_hash', column: 'expires_at', keepMs: DAY_MS },
    { table: 'refresh_tokens', key: 'token_hash', column: 'expires_at', keepMs: DAY_MS },
    { table: 'access_tokens', key: 'token_hash', column: 'expires_at', keepMs: DAY_MS },
    { table: 'authorizations', key: 'authorization_id', column: 'expires_at', keepMs: DAY_MS },
    { table: 'device_requests', key: 'authorization_id', column: 'expires_at', keepMs: 60 * 60 * 1000 },
    { table: 'web_sessions', key: 'session_hash', column: 'expires_at', keepMs: 0 },
    { table: 'kv', key: 'key', column: 'expires_at', keepMs: 0 },
    { table: 'spent_request_ids', key: 'id', column: 'expires_at', keepMs: 0 },
    { table: 'audit_events', key: 'event_id', column: 'created_at', keepMs: config.auditRetentionDays * DAY_MS },
  ];
}

export type CleanupConfig = Pick<Config, 'auditRetentionDays'>;

export interface CleanupReport {
  deleted: Record<Cleanable, number>;
  /** false when the time budget ran out first: the next run carries on */
  complete: boolean;
}

/**
 * Deletes expired rows in batches, so no run holds a table for long, and stops when its
 * time budget is spent. Safe to run from several instances at once: each batch is one
 * DELETE of rows that can no longer matter to anyone.
 */
export async function cleanUpExpired(
  deps: { db: Db; clock: Clock; config: CleanupConfig },
  { batch = 500, budgetMs = 2000 }: { batch?: number; budgetMs?: number } = {},
): Promise<CleanupReport> {
  const started = Date.now();
  const all = rules(deps.config);
  const deleted = Object.fromEntries(all.map((rule) => [rule.table, 0])) as Record<Cleanable, number>;
  for (const rule of all) {
    const before = deps.clock.now() - rule.keepMs;
    for (;;) {
      if (Date.now() - started > budgetMs) return { deleted, complete: false };
      // a bounded subquery: both dialects accept it, neither accepts DELETE ... LIMIT
      const expired = deps.db
        .selectFrom(rule.table)
        .select(rule.key as never)
        .where(sql.ref<number>(rule.column), '<', before)
        .limit(batch);
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

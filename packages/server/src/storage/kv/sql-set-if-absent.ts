import type { Db } from '../tables.js';
import type { Clock } from './types.js';

interface Pending {
  key: string;
  value: string;
  ttlMs: number;
  resolve(stored: boolean): void;
  reject(error: unknown): void;
}

// SQLite's default limit is 32,766 bound values; three per row
const ROWS_PER_STATEMENT = 500;

/**
 * `setIfAbsent` for the SQL kv, grouped: every call made in one turn of the event loop
 * goes into one multi-row INSERT ... ON CONFLICT ... RETURNING. Each request-signed API
 * call spends its `jti` here, and one commit per call was the largest cost of the signed
 * hot path on SQLite; one statement for all of a turn's calls pays it once. The statement
 * still decides alone which keys were stored (the RETURNING rows), so the answer stays
 * atomic across instances.
 */
export class SetIfAbsentBatches {
  private pending: Pending[] = [];

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  add(key: string, value: string, ttlMs: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => void this.flush());
      this.pending.push({ key, value, ttlMs, resolve, reject });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    // one row per key (PostgreSQL refuses a statement that upserts a row twice); a key
    // asked for twice in one turn goes to its first caller, as one after the other would
    const firsts = new Map<string, Pending>();
    for (const call of batch) {
      if (firsts.has(call.key)) call.resolve(false);
      else firsts.set(call.key, call);
    }
    const calls = [...firsts.values()];
    for (let start = 0; start < calls.length; start += ROWS_PER_STATEMENT) {
      await this.store(calls.slice(start, start + ROWS_PER_STATEMENT));
    }
  }

  private async store(calls: Pending[]): Promise<void> {
    const now = this.clock.now();
    try {
      const rows = await this.db
        .insertInto('kv')
        .values(calls.map((call) => ({ key: call.key, value: call.value, expires_at: now + call.ttlMs })))
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ value: (eb) => eb.ref('excluded.value'), expires_at: (eb) => eb.ref('excluded.expires_at') })
            // only an expired entry may be taken over
            .where('kv.expires_at', '<=', now),
        )
        .returning('key')
        .execute();
      const stored = new Set(rows.map((row) => row.key));
      for (const call of calls) call.resolve(stored.has(call.key));
    } catch (error) {
      for (const call of calls) call.reject(error);
    }
  }
}

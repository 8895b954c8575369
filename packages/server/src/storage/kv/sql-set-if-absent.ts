import { precompiledInsert } from '../precompiled.js';
import type { Db, KvTable } from '../tables.js';
import { TurnBatches } from '../turn-batches.js';
import type { Clock } from './types.js';

interface Entry {
  key: string;
  value: string;
  ttlMs: number;
}

const insertIfAbsent = precompiledInsert<KvTable, [now: number]>(
  ['key', 'value', 'expires_at'],
  (db, rows, now) =>
    db
      .insertInto('kv')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ value: (eb) => eb.ref('excluded.value'), expires_at: (eb) => eb.ref('excluded.expires_at') })
          // only an expired entry may be taken over
          .where('kv.expires_at', '<=', now),
      )
      .returning('key'),
  1,
);

/**
 * `setIfAbsent` for the SQL kv, grouped: the calls made in one turn of the event loop go into
 * a few multi-row INSERT ... ON CONFLICT ... RETURNING statements (precompiledInsert's chunks).
 * Each request-signed API call spends its `jti` here, and one commit per call was the largest
 * cost of the signed hot path on SQLite. Each statement decides alone which of its keys were
 * stored (the RETURNING rows), so the answer stays atomic across instances.
 */
export class SetIfAbsentBatches {
  private readonly batches: TurnBatches<Entry, boolean>;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.batches = new TurnBatches((entries) => this.storeAll(entries));
  }

  add(key: string, value: string, ttlMs: number): Promise<boolean> {
    return this.batches.add({ key, value, ttlMs });
  }

  private async storeAll(entries: Entry[]): Promise<boolean[]> {
    // one row per key (PostgreSQL refuses a statement that upserts a row twice); a key
    // asked for twice in one turn goes to its first caller, as one after the other would
    const firsts = new Map<string, Entry>();
    for (const entry of entries) if (!firsts.has(entry.key)) firsts.set(entry.key, entry);
    const stored = new Set(await this.store([...firsts.values()]));
    return entries.map((entry) => firsts.get(entry.key) === entry && stored.has(entry.key));
  }

  private async store(entries: Entry[]): Promise<string[]> {
    const now = this.clock.now();
    const rows = await insertIfAbsent<{ key: string }>(
      this.db,
      entries.map((entry) => ({ key: entry.key, value: entry.value, expires_at: now + entry.ttlMs })),
      now,
    );
    return rows.map((row) => row.key);
  }
}

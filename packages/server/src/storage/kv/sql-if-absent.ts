import { precompiledInsert } from '../precompiled.js';
import type { HotReads } from '../hot-reads.js';
import type { KvTable, SpentRequestIdsTable } from '../tables.js';
import { TurnBatches } from '../turn-batches.js';
import type { Clock } from './types.js';
import { requestIdHex } from './request-ids.js';

interface Entry<Row> {
  key: string;
  row: Row;
}

/**
 * Inserts-if-absent for the SQL kv, grouped: the calls made in one turn of the event loop go
 * into a few multi-row INSERT ... ON CONFLICT ... RETURNING statements (HotReads.insert's
 * chunks). Each request-signed API call spends its `jti` here, and one commit per call was the
 * largest cost of the signed hot path on SQLite. Each statement decides alone which of its keys
 * were stored (the RETURNING rows), so the answer stays atomic across instances.
 */
class IfAbsentBatches<Row> {
  private readonly batches: TurnBatches<Entry<Row>, boolean>;

  /** `store` inserts the rows it can and answers the keys of those it stored. */
  constructor(private readonly store: (rows: Row[]) => Promise<string[]>) {
    this.batches = new TurnBatches((entries) => this.storeAll(entries));
  }

  add(key: string, row: Row): Promise<boolean> {
    return this.batches.add({ key, row });
  }

  private async storeAll(entries: Entry<Row>[]): Promise<boolean[]> {
    // one row per key (PostgreSQL refuses a statement that upserts a row twice); a key
    // asked for twice in one turn goes to its first caller, as one after the other would
    const firsts = new Map<string, Entry<Row>>();
    for (const entry of entries) if (!firsts.has(entry.key)) firsts.set(entry.key, entry);
    const stored = new Set(await this.store([...firsts.values()].map((entry) => entry.row)));
    return entries.map((entry) => firsts.get(entry.key) === entry && stored.has(entry.key));
  }
}

// in both tables, only an expired entry may be taken over
const insertKvIfAbsent = precompiledInsert<KvTable, [now: number], { key: string }>(
  ['key', 'value', 'expires_at'],
  (db, rows, now) =>
    db
      .insertInto('kv')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ value: (eb) => eb.ref('excluded.value'), expires_at: (eb) => eb.ref('excluded.expires_at') })
          .where('kv.expires_at', '<=', now),
      )
      .returning('key'),
  1,
);

const insertRequestIdsIfAbsent = precompiledInsert<SpentRequestIdsTable, [now: number], { id: Buffer }>(
  ['id', 'expires_at'],
  (db, rows, now) =>
    db
      .insertInto('spent_request_ids')
      .values(rows)
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet({ expires_at: (eb) => eb.ref('excluded.expires_at') })
          .where('spent_request_ids.expires_at', '<=', now),
      )
      .returning('id'),
  1,
);

/** `setIfAbsent` of the SQL kv: the kv table. */
export function kvSetIfAbsent(
  hot: HotReads,
  clock: Clock,
): (key: string, value: string, ttlMs: number) => Promise<boolean> {
  const batches = new IfAbsentBatches<KvTable>(async (rows) =>
    (await hot.insert(insertKvIfAbsent, hot.db, rows, clock.now())).map((row) => row.key),
  );
  return (key, value, ttlMs) => batches.add(key, { key, value, expires_at: clock.now() + ttlMs });
}

/** `spendRequestId` of the SQL kv: the spent_request_ids table, keyed by the id's bytes. */
export function kvSpendRequestId(hot: HotReads, clock: Clock): (id: string, ttlMs: number) => Promise<boolean> {
  const batches = new IfAbsentBatches<SpentRequestIdsTable>(async (rows) =>
    (await hot.insert(insertRequestIdsIfAbsent, hot.db, rows, clock.now())).map((row) => row.id.toString('hex')),
  );
  return async (id, ttlMs) => {
    // the batch tells ids apart by the hex the RETURNING rows come back as
    const hex = requestIdHex(id);
    return batches.add(hex, { id: Buffer.from(hex, 'hex'), expires_at: clock.now() + ttlMs });
  };
}

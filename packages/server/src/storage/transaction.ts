import { type HotReads, announceChanges } from './hot-reads.js';
import type { Kv } from './kv/types.js';
import type { Db } from './tables.js';

/**
 * A transaction that may change rows hot reads cache: the owner repos it is passed to note the
 * tags of what they changed in `changed`, and runInTransaction announces them once committed
 * (announced before the commit, a read in between could cache the old row again).
 */
export interface ChangeTx {
  db: Db;
  changed: string[];
}

/** What a write that other instances must hear about runs on. */
export interface ChangeStores {
  db: Db;
  hot: HotReads;
  kv: Kv;
}

/** Runs `work` in one transaction of `stores.db`, then announces what its repos changed. */
export async function runInTransaction<T>(stores: ChangeStores, work: (tx: ChangeTx) => Promise<T>): Promise<T> {
  const changed: string[] = [];
  const result = await stores.db.transaction().execute((trx) => work({ db: trx, changed }));
  await announceChanges(stores, changed);
  return result;
}

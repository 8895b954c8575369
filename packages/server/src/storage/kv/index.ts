import type { Storage } from '../database.js';
import { MemoryKv } from './memory.js';
import { RedisKv } from './redis.js';
import { SqlKv } from './sql.js';
import type { Clock, Kv } from './types.js';

export type { Clock, Kv, Unsubscribe } from './types.js';
export { systemClock } from './types.js';
export { MemoryKv, RedisKv, SqlKv };

export class KvUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`cannot reach Redis: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KvUnreachableError';
  }
}

/** Redis when REDIS_URL is set, the database's kv table otherwise; either reports lost connections to the storage's log. */
export async function openKv(options: {
  redisUrl?: string | undefined;
  redisPrefix: string;
  storage: Storage;
  clock?: Clock;
}): Promise<Kv> {
  if (options.redisUrl) {
    const kv = new RedisKv(options.redisUrl, options.redisPrefix, options.storage.log);
    try {
      await kv.connect();
    } catch (error) {
      await kv.close();
      throw new KvUnreachableError(error);
    }
    return kv;
  }
  return new SqlKv(options.storage, options.clock);
}

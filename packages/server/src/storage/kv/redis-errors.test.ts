import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '../../../test/clock.js';
import { freePort } from '../../../test/ports.js';
import type { StorageLog } from '../log.js';
import { RedisKv } from './redis.js';

// Issue 17: a Redis that goes away must be reported through the app's log, once, by both
// connections (commands, subscriber), not as a stack per reconnect attempt on stderr.
// No Redis needed: a port nothing listens on refuses every attempt.
describe('RedisKv when Redis is unreachable', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reports each connection failing to the log once, and prints nothing', async () => {
    const printed = vi.spyOn(console, 'error');
    const warnings: { connection?: string }[] = [];
    const log: StorageLog = { info: () => undefined, warn: (details) => warnings.push(details) };
    const kv = new RedisKv(`redis://127.0.0.1:${await freePort()}`, 'test:', log);
    // the subscriber connects on the first subscribe, and keeps trying (the subscribe may never settle: ioredis
    // leaves commands queued on a connection closed while it waits to retry)
    void kv.subscribe('news', () => undefined).catch(() => undefined);
    try {
      await expect(kv.connect()).rejects.toThrow();
      // ioredis keeps retrying both, each attempt an 'error' event
      await eventually(() => warnings.some((details) => details.connection === 'subscriber'));
      expect(warnings.map((details) => details.connection).sort()).toEqual(['commands', 'subscriber']);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      await kv.close();
    }
  });
});

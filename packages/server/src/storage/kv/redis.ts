import { Redis } from 'ioredis';
import { type StorageLog, reasonOf, silentLog } from '../log.js';
import { requestIdKey } from './request-ids.js';
import { Subscribers } from './subscribers.js';
import type { Kv, Unsubscribe } from './types.js';

// INCR then set the TTL only on the first increment, atomically.
const INCREMENT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** QUIT waits for a connection that is still trying to reach Redis (it never ends while Redis is down): drop that one at once. */
async function closeConnection(connection: Redis): Promise<void> {
  if (connection.status === 'ready') await connection.quit();
  else connection.disconnect();
}

/** Redis kv for deployments with several instances. Every key and channel carries the prefix. */
export class RedisKv implements Kv {
  private readonly redis: Redis;
  private subscriber: Redis | undefined;
  private readonly subscribers = new Subscribers();

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly log: StorageLog = silentLog,
  ) {
    // fail fast instead of queueing forever: a kv that is down must refuse, not hang
    this.redis = this.watched(
      new Redis(url, { maxRetriesPerRequest: 1, connectTimeout: 5000, lazyConnect: true }),
      'commands',
    );
  }

  /**
   * ioredis reconnects by itself and reports each failed attempt as an 'error' event; with
   * no listener it prints a stack per attempt (and one path throws). One warning per outage.
   */
  private watched(connection: Redis, role: string): Redis {
    let down = false;
    connection.on('error', (error: unknown) => {
      if (!down) this.log.warn({ reason: reasonOf(error), connection: role }, 'Redis connection failed');
      down = true;
    });
    connection.on('ready', () => {
      if (down) this.log.info({ connection: role }, 'Redis connection restored');
      down = false;
    });
    return connection;
  }

  async connect(): Promise<void> {
    await this.redis.connect();
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.k(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async spendRequestId(id: string, ttlMs: number): Promise<boolean> {
    return this.setIfAbsent(requestIdKey(id), '1', ttlMs);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(this.k(key), value, 'PX', ttlMs);
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(this.k(key));
  }

  async getAndDelete(key: string): Promise<string | null> {
    return this.redis.getdel(this.k(key));
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return Number(await this.redis.eval(INCREMENT_SCRIPT, 1, this.k(key), ttlMs));
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.publish(this.k(channel), message);
  }

  private subscriberConnection(): Redis {
    if (!this.subscriber) {
      this.subscriber = this.watched(new Redis(this.url, { connectTimeout: 5000 }), 'subscriber');
      this.subscriber.on('message', (channel: string, message: string) => {
        if (channel.startsWith(this.prefix)) this.subscribers.deliver(channel.slice(this.prefix.length), message);
      });
    }
    return this.subscriber;
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    const { first, remove } = this.subscribers.add(channel, handler);
    const connection = this.subscriberConnection();
    if (first) await connection.subscribe(this.k(channel));
    return async () => {
      if (remove()) await connection.unsubscribe(this.k(channel));
    };
  }

  /** Deletes every key under the prefix (tests use their own prefix and clean up with this). */
  async deleteAllWithPrefix(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    await Promise.allSettled([closeConnection(this.redis), this.subscriber && closeConnection(this.subscriber)]);
  }
}

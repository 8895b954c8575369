import { sql } from 'kysely';
import type { Storage } from '../database.js';
import type { Db } from '../tables.js';
import { PostgresChannel } from './postgres-channel.js';
import { kvSetIfAbsent, kvSpendRequestId } from './sql-if-absent.js';
import { SqlitePoller } from './sqlite-poller.js';
import { Subscribers } from './subscribers.js';
import { type Clock, type Kv, type Unsubscribe, systemClock } from './types.js';

/** The default kv: the `kv` and `spent_request_ids` tables of the main database (SQLite or PostgreSQL). */
export class SqlKv implements Kv {
  private readonly db: Db;
  private readonly subscribers = new Subscribers();
  private readonly channel: PostgresChannel | SqlitePoller;
  readonly setIfAbsent: (key: string, value: string, ttlMs: number) => Promise<boolean>;
  readonly spendRequestId: (id: string, ttlMs: number) => Promise<boolean>;

  constructor(
    storage: Storage,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = storage.db;
    this.setIfAbsent = kvSetIfAbsent(storage.hot, clock);
    this.spendRequestId = kvSpendRequestId(storage.hot, clock);
    this.channel =
      storage.dialect === 'postgres' && storage.newPgClient
        ? new PostgresChannel(storage.newPgClient, storage.schema ?? 'public', this.subscribers, storage.log)
        : new SqlitePoller(storage.db, this.subscribers, clock);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    const expiresAt = this.clock.now() + ttlMs;
    await this.db
      .insertInto('kv')
      .values({ key, value, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, expires_at: expiresAt }))
      .execute();
  }

  async get(key: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('kv')
      .select('value')
      .where('key', '=', key)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst();
    return row?.value ?? null;
  }

  async getAndDelete(key: string): Promise<string | null> {
    const row = await this.db
      .deleteFrom('kv')
      .where('key', '=', key)
      .returning(['value', 'expires_at'])
      .executeTakeFirst();
    if (!row || row.expires_at <= this.clock.now()) return null;
    return row.value;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const now = this.clock.now();
    const row = await this.db
      .insertInto('kv')
      .values({ key, value: '1', expires_at: now + ttlMs })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          value: sql<string>`case when kv.expires_at <= ${now} then '1' else cast(cast(kv.value as bigint) + 1 as text) end`,
          expires_at: sql<number>`case when kv.expires_at <= ${now} then excluded.expires_at else kv.expires_at end`,
        }),
      )
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }

  async delete(key: string): Promise<void> {
    await this.db.deleteFrom('kv').where('key', '=', key).execute();
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.channel.publish(channel, message);
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    const { remove } = this.subscribers.add(channel, handler);
    await this.channel.start();
    return async () => {
      if (remove() && this.subscribers.channels().length === 0) await this.channel.stop();
    };
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    await this.channel.stop();
  }
}

import type { Db } from '../tables.js';
import type { Subscribers } from './subscribers.js';
import type { Clock } from './types.js';

const POLL_MS = 50;
const KEEP_MS = 60_000;

/**
 * SQLite has no LISTEN/NOTIFY: publishers append to `kv_messages` and every subscribed
 * process polls for rows past the last id it saw. SQLite serializes writers, so ids
 * become visible in order and none is skipped.
 */
export class SqlitePoller {
  private timer: NodeJS.Timeout | undefined;
  private lastId = 0;
  private starting: Promise<void> | undefined;
  private polling = false;
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly subscribers: Subscribers,
    private readonly clock: Clock,
  ) {}

  async publish(channel: string, message: string): Promise<void> {
    const now = this.clock.now();
    await this.db.insertInto('kv_messages').values({ channel, message, created_at: now }).execute();
    if (now - this.lastPrune > KEEP_MS) {
      this.lastPrune = now;
      await this.db
        .deleteFrom('kv_messages')
        .where('created_at', '<', now - KEEP_MS)
        .execute();
    }
  }

  start(): Promise<void> {
    this.starting ??= (async () => {
      const row = await this.db
        .selectFrom('kv_messages')
        .select((eb) => eb.fn.max('id').as('last'))
        .executeTakeFirst();
      this.lastId = Number(row?.last ?? 0);
      this.timer = setInterval(() => void this.poll(), POLL_MS);
      this.timer.unref();
    })();
    return this.starting;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const rows = await this.db
        .selectFrom('kv_messages')
        .select(['id', 'channel', 'message'])
        .where('id', '>', this.lastId)
        .orderBy('id')
        .execute();
      for (const row of rows) {
        this.lastId = Number(row.id);
        this.subscribers.deliver(row.channel, row.message);
      }
    } catch {
      // the database may be closing; the next tick retries
    } finally {
      this.polling = false;
    }
  }

  async stop(): Promise<void> {
    if (this.starting) await this.starting;
    clearInterval(this.timer);
    this.timer = undefined;
    this.starting = undefined;
  }
}

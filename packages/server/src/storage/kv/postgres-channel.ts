import type pg from 'pg';
import { type StorageLog, reasonOf } from '../log.js';
import type { Subscribers } from './subscribers.js';

const MAX_PAYLOAD = 7900; // PostgreSQL's NOTIFY payload limit is 8000 bytes
/** The first wait before listening again after the connection was lost; it doubles while attempts fail. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;

/** A payload publish() wrote; undefined for anything else (anyone on the database may NOTIFY, and a throw here would end the process). */
function parseMessage(payload: string): { c: string; m: string } | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value !== 'object' || value === null) return undefined;
    const { c, m } = value as { c?: unknown; m?: unknown };
    return typeof c === 'string' && typeof m === 'string' ? { c, m } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Publish/subscribe over PostgreSQL LISTEN/NOTIFY, one notification channel per schema
 * so deployments (and test runs) sharing a server never see each other's messages.
 *
 * The listening connection lives as long as there are subscribers. PostgreSQL may end it
 * (a restart, a failover, `pg_terminate_backend`): then it is opened and LISTENs again by
 * itself, with a growing wait while the database stays away. Messages sent meanwhile are
 * lost; the subscribers do not depend on them (cached reads expire within CACHE_TTL_MS,
 * a waiting device stream re-reads its request).
 */
export class PostgresChannel {
  /** The connection that LISTENs, once it does. */
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  /** Between start() and stop(): a lost connection is replaced. */
  private wanted = false;
  private retry: NodeJS.Timeout | undefined;
  private retryMs = 0;
  private readonly pgChannel: string;

  constructor(
    private readonly newClient: () => pg.Client,
    schema: string,
    private readonly subscribers: Subscribers,
    private readonly log: StorageLog,
  ) {
    this.pgChannel = `signet_kv_${schema}`;
  }

  private async withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = this.newClient();
    // a connection lost meanwhile fails `run`; the event must not also end the process
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async publish(channel: string, message: string): Promise<void> {
    const payload = JSON.stringify({ c: channel, m: message });
    if (Buffer.byteLength(payload) > MAX_PAYLOAD) throw new Error('kv message too large for PostgreSQL NOTIFY');
    // a listening connection may also notify; reuse it when there is one
    if (this.client) {
      await this.client.query('select pg_notify($1, $2)', [this.pgChannel, payload]);
      return;
    }
    await this.withClient((client) => client.query('select pg_notify($1, $2)', [this.pgChannel, payload]));
  }

  /** Resolves once LISTENing; rejects if the database cannot be reached now. */
  start(): Promise<void> {
    this.wanted = true;
    if (this.client) return Promise.resolve();
    this.connecting ??= this.listen().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async listen(): Promise<void> {
    const client = this.newClient();
    client.on('notification', (note) => {
      if (note.channel !== this.pgChannel || !note.payload) return;
      const message = parseMessage(note.payload);
      if (message) this.subscribers.deliver(message.c, message.m);
    });
    client.on('error', (error) => this.lost(client, error));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.pgChannel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (!this.wanted) {
      // stopped while connecting
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.retryMs = 0;
  }

  /** The listening connection failed: forget it and listen again. A client emits twice (error, then end); once counts. */
  private lost(client: pg.Client, error: unknown): void {
    if (client !== this.client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.log.warn(
      { reason: reasonOf(error) },
      'lost the PostgreSQL connection that listens for kv messages; reconnecting',
    );
    this.listenAgain();
  }

  private listenAgain(): void {
    if (!this.wanted || this.retry) return;
    this.retryMs = Math.min(Math.max(this.retryMs * 2, FIRST_RETRY_MS), MAX_RETRY_MS);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.wanted || this.client) return;
      this.start().then(
        () => {
          if (this.client) this.log.info({}, 'listening for kv messages on PostgreSQL again');
        },
        () => this.listenAgain(),
      );
    }, this.retryMs);
    // a process that is otherwise done must not stay up for a retry
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.retry);
    this.retry = undefined;
    await this.connecting?.catch(() => undefined);
    // started again meanwhile: the connection serves the new subscribers
    if (this.wanted) return;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

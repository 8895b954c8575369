import type pg from 'pg';
import type { Subscribers } from './subscribers.js';

const MAX_PAYLOAD = 7900; // PostgreSQL's NOTIFY payload limit is 8000 bytes

/**
 * Publish/subscribe over PostgreSQL LISTEN/NOTIFY, one notification channel per schema
 * so deployments (and test runs) sharing a server never see each other's messages.
 */
export class PostgresChannel {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly pgChannel: string;

  constructor(
    private readonly newClient: () => pg.Client,
    schema: string,
    private readonly subscribers: Subscribers,
  ) {
    this.pgChannel = `signet_kv_${schema}`;
  }

  private async withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = this.newClient();
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
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

  start(): Promise<void> {
    this.connecting ??= (async () => {
      const client = this.newClient();
      client.on('notification', (note) => {
        if (note.channel !== this.pgChannel || !note.payload) return;
        const { c, m } = JSON.parse(note.payload) as { c: string; m: string };
        this.subscribers.deliver(c, m);
      });
      client.on('error', () => {
        // a lost listener: forget it so the next subscribe connects again
        this.client = undefined;
        this.connecting = undefined;
      });
      await client.connect();
      await client.query(`LISTEN "${this.pgChannel}"`);
      this.client = client;
    })();
    return this.connecting;
  }

  async stop(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting) await connecting.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

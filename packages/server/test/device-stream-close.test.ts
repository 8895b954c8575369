import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/accounts/service.js';
import { buildApp } from '../src/app.js';
import { createApp } from '../src/apps/service.js';
import { loadConfig } from '../src/config/load.js';
import { MAX_STREAMS_PER_REQUEST } from '../src/consent/device-routes.js';
import { decisionChannel } from '../src/consent/device.js';
import { type Kv, MemoryKv, type Unsubscribe } from '../src/storage/kv/index.js';
import { type TestDatabase, openTestDatabase } from './backends.js';
import { TestClock, eventually, sleep } from './clock.js';
import { HttpBrowser, openPendingRequest } from './http-browser.js';

/** A kv whose device-decision subscriptions take a while to go live, and which notes their ends. */
class SlowSubscriptions extends MemoryKv {
  subscribing: (() => void) | undefined;
  ended = new Set<string>();

  override async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    if (!channel.startsWith('device:')) return super.subscribe(channel, handler);
    this.subscribing?.();
    await sleep(300);
    const unsubscribe = await super.subscribe(channel, handler);
    return async () => {
      this.ended.add(channel);
      await unsubscribe();
    };
  }
}

describe('the device decision stream', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let url: string;
  const kv = new SlowSubscriptions();
  const clock = new TestClock(Date.now());
  let clientId: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent' }), { storage: database.storage, kv: kv as Kv, clock });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    const db = database.storage.db;
    const user = await createUser({ db, clock }, { username: 'stream-owner', password: 'long enough' });
    clientId = (
      await createApp(
        { db, clock },
        { ownerId: user.user_id, name: 'TV App', redirectUris: ['https://client.example/cb'] },
      )
    ).app.client_id;
  });
  afterAll(async () => {
    await app?.close();
    await kv.close();
    await database?.cleanup();
  });

  it('ends its subscription when the browser leaves while the subscription is still being set up', async () => {
    const browser = new HttpBrowser(url);
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: 'https://client.example/cb',
      scope: 'PROFILE:READ',
      state: 's',
    });
    const { authorizationId } = await openPendingRequest(browser, query.toString());
    const subscribing = new Promise<void>((resolve) => (kv.subscribing = resolve));
    const leave = new AbortController();
    const stream = fetch(`${url}/oauth/device/${authorizationId}/events`, {
      headers: { cookie: browser.cookie },
      signal: leave.signal,
    }).catch(() => undefined);
    await subscribing;
    leave.abort();
    await stream;
    await eventually(() => kv.ended.has(decisionChannel(authorizationId)), 3000);
    expect(kv.ended.has(decisionChannel(authorizationId))).toBe(true);
  });

  it(`keeps at most ${MAX_STREAMS_PER_REQUEST} streams open for one pending request; past that 429, and room again once one closes`, async () => {
    const browser = new HttpBrowser(url);
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: 'https://client.example/cb',
      scope: 'PROFILE:READ',
      state: 's',
    });
    const { authorizationId } = await openPendingRequest(browser, query.toString());
    const events = `${url}/oauth/device/${authorizationId}/events`;
    const open = await Promise.all(
      Array.from({ length: MAX_STREAMS_PER_REQUEST }, async () => {
        const leave = new AbortController();
        const response = await fetch(events, { headers: { cookie: browser.cookie }, signal: leave.signal });
        return { response, leave };
      }),
    );
    expect(open.map(({ response }) => response.status)).toEqual(open.map(() => 200));
    const refused = await fetch(events, { headers: { cookie: browser.cookie, accept: 'application/json' } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    // the status endpoint, the page's fallback, still answers
    expect(
      (await fetch(`${url}/oauth/device/${authorizationId}/status`, { headers: { cookie: browser.cookie } })).status,
    ).toBe(200);

    open[0]?.leave.abort();
    await eventually(() => kv.ended.size > 1, 3000);
    const again = new AbortController();
    const reopened = await fetch(events, { headers: { cookie: browser.cookie }, signal: again.signal });
    expect(reopened.status).toBe(200);
    for (const { leave } of open) leave.abort();
    again.abort();
  });
});

import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app.js';
import { createUser } from '../src/accounts/service.js';
import { type NewApp, createApp } from '../src/apps/service.js';
import type { AppRow } from '../src/apps/repo.js';
import { loadConfig } from '../src/config/load.js';
import { MemoryKv } from '../src/storage/kv/index.js';
import type { Db } from '../src/storage/tables.js';
import { type TestDatabase, openTestDatabase } from './backends.js';
import { TestClock } from './clock.js';

export const ISSUER = 'https://signet.test';
export const PASSWORD = 'correct horse battery';

/** An app over a private test database, with one user and helpers to seed apps. */
export interface WebHarness {
  app: FastifyInstance;
  db: Db;
  /** the app's kv, to look at what it holds */
  kv: MemoryKv;
  clock: TestClock;
  database: TestDatabase;
  userId: string;
  username: string;
  newApp(fields: Partial<NewApp>): Promise<AppRow>;
  close(): Promise<void>;
}

/** `open` picks the backend (default: PostgreSQL when configured, else SQLite). */
export async function startWebHarness(
  env: Record<string, string> = {},
  open: () => Promise<TestDatabase> = openTestDatabase,
): Promise<WebHarness> {
  const database = await open();
  const clock = new TestClock();
  const deps = { db: database.storage.db, clock };
  const kv = new MemoryKv(clock);
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ISSUER, ...env }), {
    storage: database.storage,
    kv,
    clock,
  });
  const user = await createUser(deps, {
    username: 'alice',
    password: PASSWORD,
    fullName: 'Alice Liddell',
    phone: '+441234567890',
  });
  return {
    app,
    db: database.storage.db,
    kv,
    clock,
    database,
    userId: user.user_id,
    username: 'alice',
    newApp: async (fields) => (await createApp(deps, { name: 'Example App', ownerId: user.user_id, ...fields })).app,
    close: async () => {
      await app.close();
      await database.cleanup();
    },
  };
}

/** The hidden inputs and checked boxes of the page's first form with this action, as a browser would send them. */
export function formFields(page: string, action: string): [string, string][] {
  const start = page.indexOf(`action="${action}"`);
  if (start === -1) throw new Error(`no form posting to ${action}`);
  const form = page.slice(start, page.indexOf('</form>', start));
  const fields: [string, string][] = [];
  for (const match of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = match[1] ?? '';
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const value = unescapeHtml(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
    if (!name || / disabled/.test(attrs)) continue;
    if (/type="checkbox"/.test(attrs) && !/ checked/.test(attrs)) continue;
    if (/type="(hidden|checkbox)"/.test(attrs)) fields.push([name, value]);
  }
  return fields;
}

function unescapeHtml(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The match code a device-approval page shows (the waiting page and the approval page use one element for it). */
export function matchCodeOf(page: string): string {
  const code = /class="match-code">[^<]*<strong class="code">([^<]+)<\/strong>/.exec(page)?.[1];
  if (!code) throw new Error('no match code on the page');
  return code;
}

export function csrfOf(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('page has no CSRF token');
  return token;
}

/** A browser over inject(): keeps cookies, never follows redirects. */
export class TestBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    readonly address = '203.0.113.7',
    /** sent with every request, such as a User-Agent */
    readonly headers: Record<string, string> = {},
  ) {}

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of response.cookies) this.cookies.set(cookie.name, cookie.value);
    return response;
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async get(url: string, method: 'GET' | 'HEAD' = 'GET'): Promise<LightMyRequestResponse> {
    return this.remember(
      await this.app.inject({
        method,
        url,
        remoteAddress: this.address,
        headers: { ...this.headers, cookie: this.cookieHeader },
      }),
    );
  }

  head(url: string): Promise<LightMyRequestResponse> {
    return this.get(url, 'HEAD');
  }

  async post(
    url: string,
    fields: [string, string][] | Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields)).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.address,
        headers: {
          ...this.headers,
          ...headers,
          cookie: this.cookieHeader,
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: body,
      }),
    );
  }

  /** Signs in through the sign-in form; returns the POST's response. */
  async signIn(username: string, password: string, next = '/account'): Promise<LightMyRequestResponse> {
    const page = await this.get(`/signin?next=${encodeURIComponent(next)}`);
    return this.post('/signin', { _csrf: csrfOf(page.body), username, password, next });
  }
}

export function location(response: LightMyRequestResponse): URL {
  const header = response.headers.location;
  if (typeof header !== 'string')
    throw new Error(`no redirect (status ${response.statusCode}): ${response.body.slice(0, 300)}`);
  return new URL(header, ISSUER);
}

export function authorizeUrl(params: Record<string, string>): string {
  return `/oauth/authorize?${new URLSearchParams(params).toString()}`;
}

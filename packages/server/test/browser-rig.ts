import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { createUser } from '../src/accounts/service.js';
import { buildApp } from '../src/app.js';
import { createApp } from '../src/apps/service.js';
import { loadConfig } from '../src/config/load.js';
import { MemoryKv, systemClock } from '../src/storage/kv/index.js';
import { type TestDatabase, openTestDatabase } from './backends.js';

export const SCREENSHOTS = new URL('../test-results/', import.meta.url);

/** A free port to build the issuer from: the app must know its own URL before it listens. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A running Signet, a loopback "app" callback page, and Debian's Chromium driven headless. */
export interface BrowserRig {
  issuer: string;
  app: FastifyInstance;
  database: TestDatabase;
  browser: Browser;
  callbackUri: string;
  /** Registers a user (password `correct horse battery`) and an app of theirs that calls back to callbackUri. */
  registerApp(
    owner: { username: string; fullName: string; phone?: string },
    app: { name: string; description: string; website: string },
  ): Promise<RegisteredApp>;
  close(): Promise<void>;
}

export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
}

export async function startBrowserRig(): Promise<BrowserRig> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const database = await openTestDatabase();
  const issuer = `http://127.0.0.1:${await freePort()}`;
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ISSUER: issuer }), {
    storage: database.storage,
    kv: new MemoryKv(),
    clock: systemClock,
  });
  await app.listen({ port: Number(new URL(issuer).port), host: '127.0.0.1' });

  const callback: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Callback</title><p>Back at the app.</p>');
  });
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  const callbackUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/cb`;

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    // the machine has no network: background traffic would only fail
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    issuer,
    app,
    database,
    browser,
    callbackUri,
    async registerApp(owner, details) {
      const deps = { db: database.storage.db, clock: systemClock };
      const user = await createUser(deps, { ...owner, password: 'correct horse battery' });
      const created = await createApp(deps, { ...details, ownerId: user.user_id, redirectUris: [callbackUri] });
      return { clientId: created.app.client_id, clientSecret: created.clientSecret ?? '' };
    },
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => callback.close(() => resolve()));
      await app.close();
      await database.cleanup();
    },
  };
}

/** A page that records Content-Security-Policy violations and script errors. */
export async function watchedPage(context: BrowserContext): Promise<{ page: Page; violations: string[] }> {
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  page.on('pageerror', (error) => violations.push(String(error)));
  return { page, violations };
}

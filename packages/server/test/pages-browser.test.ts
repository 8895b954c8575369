import { mkdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { createUser } from '../src/accounts/service.js';
import { createApp } from '../src/apps/service.js';
import { loadConfig } from '../src/config/load.js';
import { MemoryKv, systemClock } from '../src/storage/kv/index.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { type TestDatabase, openTestDatabase } from './backends.js';

const SCREENSHOTS = new URL('../test-results/', import.meta.url);

/** A free port to build the issuer from: the app must know its own URL before it listens. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('sign-in and consent in a real browser', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let browser: Browser;
  let callback: Server;
  let issuer: string;
  let callbackUri: string;
  let clientId: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    issuer = `http://127.0.0.1:${await freePort()}`;
    app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ISSUER: issuer }), { storage: database.storage, kv: new MemoryKv(), clock: systemClock });
    await app.listen({ port: Number(new URL(issuer).port), host: '127.0.0.1' });

    callback = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Callback</title><p>Back at the app.</p>');
    });
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/cb`;

    const deps = { db: database.storage.db, clock: systemClock };
    const owner = await createUser(deps, { username: 'alice', password: 'correct horse battery', fullName: 'Alice Liddell' });
    const created = await createApp(deps, {
      name: 'Loopback Demo',
      description: 'A test app on this machine.',
      website: 'https://demo.example.com',
      ownerId: owner.user_id,
      redirectUris: [callbackUri],
    });
    clientId = created.app.client_id;

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
    await app?.close();
    await database?.cleanup();
  });

  it('signs in by label, unticks PHONE:READ, authorizes and lands on the callback with code, state and iss', async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const context = await browser.newContext();
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    page.on('pageerror', (error) => violations.push(String(error)));

    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: callbackUri,
      scope: 'PROFILE:READ PHONE:READ ASSETS:READ',
      state: 'browser-state-1',
    });
    const signIn = await page.goto(`${issuer}/oauth/authorize?${query.toString()}`);
    expect(signIn?.status()).toBe(200);
    expect(signIn?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await page.screenshot({ path: new URL('signin.png', SCREENSHOTS).pathname, fullPage: true });
    // phone width: nothing scrolls sideways
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: new URL('signin-phone.png', SCREENSHOTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect.poll(() => page.getByRole('button', { name: 'Authorize' }).count()).toBe(1);
    expect(await page.getByLabel('PROFILE:READ').isChecked()).toBe(true);
    expect(await page.getByLabel('PROFILE:READ').isDisabled()).toBe(true);
    await page.getByLabel('PHONE:READ').uncheck();
    expect(await page.getByLabel('ASSETS:READ').isChecked()).toBe(true);
    // the stylesheet loaded and applied (no inline styles to fall back on)
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('main')).maxWidth")).not.toBe('none');
    await page.screenshot({ path: new URL('consent.png', SCREENSHOTS).pathname, fullPage: true });

    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL((url) => url.href.startsWith(callbackUri));
    const landed = new URL(page.url());
    expect(landed.searchParams.get('state')).toBe('browser-state-1');
    expect(landed.searchParams.get('iss')).toBe(issuer);
    const code = landed.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await page.textContent('p')).toBe('Back at the app.');

    const row = await database.storage.db.selectFrom('authorization_codes').selectAll().where('code_hash', '=', sha256Hex(code)).executeTakeFirstOrThrow();
    expect(row.scopes).toBe('PROFILE:READ ASSETS:READ');
    expect(row.redirect_uri_sent).toBe(callbackUri);
    expect(violations).toEqual([]);
    await context.close();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/accounts/service.js';
import { CONTENT_SECURITY_POLICY } from '../src/plugins/views.js';
import { systemClock } from '../src/storage/kv/index.js';
import { type BrowserRig, startBrowserRig, watchedPage } from './browser-rig.js';

/** PROTOCOL.md §19: `GET /` is a page for people, and still a clear 404 for API clients. */
describe('the home page', () => {
  let rig: BrowserRig;

  beforeAll(async () => {
    rig = await startBrowserRig();
    await createUser(
      { db: rig.database.storage.db, clock: systemClock },
      { username: 'homer', password: 'correct horse battery' },
    );
  });
  afterAll(async () => rig?.close());

  it('answers an API client in its dialect: 404 JSON, or 202 with the envelope for X-Request-Id', async () => {
    const json = await rig.app.inject({ method: 'GET', url: '/', headers: { accept: 'application/json' } });
    expect(json.statusCode).toBe(404);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()).toMatchObject({ error: { code: 404 } });
    const mixin = await rig.app.inject({
      method: 'GET',
      url: '/',
      headers: { 'x-request-id': '0f0c3a5e-6a3f-4a4e-9d3e-1c2b3a4d5e6f' },
    });
    expect(mixin.statusCode).toBe(202);
    expect(mixin.json()).toMatchObject({ error: { status: 202, code: 404 } });
    expect(mixin.headers['x-request-id']).toBe('0f0c3a5e-6a3f-4a4e-9d3e-1c2b3a4d5e6f');
  });

  it('in a real browser: says what this deployment is, and each link opens its page', async () => {
    const context = await rig.browser.newContext();
    const { page, violations } = await watchedPage(context);
    const home = await page.goto(rig.issuer);
    expect(home?.status()).toBe(200);
    expect(home?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Signet');
    expect(await page.textContent('main')).toContain(rig.issuer);

    const destinations: [string, RegExp, string][] = [
      ['Sign in', /\/signin$/, 'Username'],
      ['Sign up', /\/signup$/, 'Full name'],
      // signed out, the dashboard and the account page send a person to sign in first
      ['Dashboard', /\/signin\?next=%2Fdashboard$/, 'Password'],
      ['Account', /\/signin\?next=%2Faccount$/, 'Password'],
      ['Docs', /\/docs$/, ''],
    ];
    for (const [label, url, field] of destinations) {
      await page.goto(rig.issuer);
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('link', { name: label, exact: true }).click(),
      ]);
      expect(response?.status(), label).toBe(200);
      expect(page.url(), label).toMatch(url);
      if (field) await expect(page.getByLabel(field, { exact: true }).count(), label).resolves.toBe(1);
    }
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Quick details');

    // signed in, the dashboard and account links open those pages themselves
    await page.goto(`${rig.issuer}/signin`);
    await page.getByLabel('Username', { exact: true }).fill('homer');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
    for (const [label, path] of [
      ['Dashboard', '/dashboard'],
      ['Account', '/account'],
    ] as const) {
      await page.goto(rig.issuer);
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.getByRole('link', { name: label, exact: true }).click(),
      ]);
      expect(response?.status(), label).toBe(200);
      expect(new URL(page.url()).pathname, label).toBe(path);
    }
    expect(violations).toEqual([]);
    await context.close();
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../packages/server/src/accounts/service.js';
import { createApp } from '../../packages/server/src/apps/service.js';
import { createAsset, credit } from '../../packages/server/src/ledger/service.js';
import { systemClock } from '../../packages/server/src/storage/kv/index.js';
import { type BrowserRig, SCREENSHOTS, startBrowserRig, watchedPage } from '../../packages/server/test/browser-rig.js';
import { createServer } from './app.js';

describe('examples/web-app: Sign in with Signet in a real browser', () => {
  let rig: BrowserRig;
  let site: Server;
  let siteUrl: string;

  beforeAll(async () => {
    rig = await startBrowserRig();
    const deps = { db: rig.database.storage.db, clock: systemClock };
    const user = await createUser(deps, {
      username: 'alice',
      password: 'correct horse battery',
      fullName: 'Alice <Liddell>',
    });
    const asset = await createAsset(deps, { symbol: 'CNB', name: 'Chui Niu Bi' });
    await credit(deps, { userId: user.user_id, assetId: asset.asset_id, amount: '12.5' });

    // Loopback redirect URIs match on any port (RFC 8252 §7.3), so the app can be
    // registered before the site knows which port it got.
    const app = await createApp(deps, {
      name: 'Example web app',
      ownerId: user.user_id,
      redirectUris: ['http://127.0.0.1/callback'],
      type: 'confidential',
    });
    site = createServer({ signetUrl: rig.issuer, clientId: app.app.client_id, clientSecret: app.clientSecret ?? '' });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => site?.close(resolve));
    await rig?.close();
  });

  it('signs in on Signet, comes back, and shows the profile and a credited balance', async () => {
    const context = await rig.browser.newContext();
    const { page, violations } = await watchedPage(context);
    await page.goto(siteUrl);
    await page.getByRole('link', { name: 'Sign in with Signet' }).click();

    await page.waitForURL((url) => url.href.startsWith(rig.issuer));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Authorize' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Authorize' }).click();

    await page.waitForURL(`${siteUrl}/`);
    // the full name is shown as text: the angle brackets were escaped, not parsed
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Alice <Liddell>');
    const row = page.getByRole('row', { name: /CNB/ });
    expect(await row.textContent()).toContain('Chui Niu Bi');
    expect(await row.locator('.amount').textContent()).toMatch(/^12\.50*$/);
    await page.screenshot({ path: new URL('example-web-app.png', SCREENSHOTS).pathname, fullPage: true });

    // the session cookie is the only thing the browser holds, and scripts cannot read it
    // (cookies ignore ports, so Signet's own cookie on 127.0.0.1 is in the jar too)
    const cookies = (await context.cookies(siteUrl)).filter((c) => !c.name.startsWith('signet'));
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['example_web_app_sid', true, 'Lax']]);
    expect(violations).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${siteUrl}/`);
    expect(await page.getByRole('link', { name: 'Sign in with Signet' }).count()).toBe(1);
    await context.close();
  });

  it('sends the authorize request with PKCE, state and its callback, and keeps them server-side', async () => {
    const response = await fetch(`${siteUrl}/login`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe(`${rig.issuer}/oauth/authorize`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      response_type: 'code',
      redirect_uri: `${siteUrl}/callback`,
      scope: 'PROFILE:READ ASSETS:READ',
      code_challenge_method: 'S256',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(response.headers.get('set-cookie')).toMatch(
      /^example_web_app_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/,
    );
    expect(response.headers.get('set-cookie')).not.toContain(location.searchParams.get('state') ?? '-');
  });

  it('refuses a callback with the wrong state or issuer, or one it did not start', async () => {
    const start = async () => {
      const response = await fetch(`${siteUrl}/login`, { redirect: 'manual' });
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      return { cookie, state: new URL(response.headers.get('location') ?? '').searchParams.get('state') ?? '' };
    };
    const callback = (cookie: string, query: Record<string, string>) =>
      fetch(`${siteUrl}/callback?${new URLSearchParams(query).toString()}`, {
        headers: { cookie },
        redirect: 'manual',
      });

    const wrongState = await start();
    const a = await callback(wrongState.cookie, { code: 'c', state: 'forged', iss: rig.issuer });
    expect(a.status).toBe(400);
    expect(await a.text()).toContain('state does not match');

    const wrongIssuer = await start();
    const b = await callback(wrongIssuer.cookie, { code: 'c', state: wrongIssuer.state, iss: 'https://evil.example' });
    expect(b.status).toBe(400);
    expect(await b.text()).toContain('another issuer');
    // one attempt per started sign-in: the right answer after a wrong one is refused too
    expect((await callback(wrongIssuer.cookie, { code: 'c', state: wrongIssuer.state, iss: rig.issuer })).status).toBe(
      400,
    );

    expect((await callback('', { code: 'c', state: 's', iss: rig.issuer })).status).toBe(400);
  });

  it('answers with a strict policy and no inline script', async () => {
    const response = await fetch(siteUrl);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await response.text()).not.toMatch(/<script|style=/i);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, SCREENSHOTS, startBrowserRig, watchedPage } from './browser-rig.js';
import { basic, pkcePair } from './token-fixture.js';

const shot = (name: string) => new URL(name, SCREENSHOTS).pathname;

describe('the account page in a real browser', () => {
  let rig: BrowserRig;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    rig = await startBrowserRig();
    ({ clientId, clientSecret } = await rig.registerApp(
      { username: 'alice', fullName: 'Alice Liddell', phone: '+441234567890' },
      { name: 'Photo Printer', description: 'Prints the photos you choose.', website: 'https://printer.example' },
    ));
  });
  afterAll(async () => rig?.close());

  it('authorize an app, see it under Authorized apps, Revoke it: the app’s next call is refused', async () => {
    const context = await rig.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, violations } = await watchedPage(context);
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: rig.callbackUri,
      scope: 'PROFILE:READ PHONE:READ',
      state: 's1',
      code_challenge: challenge,
    });
    await page.goto(`${rig.issuer}/oauth/authorize?${query.toString()}`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Authorize' }).waitFor();
    await page.setViewportSize({ width: 640, height: 720 });
    await page.screenshot({ path: shot('readme-consent.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL((url) => url.href.startsWith(rig.callbackUri));
    const code = new URL(page.url()).searchParams.get('code') ?? '';

    // the app's side: the code becomes a bearer token that works
    const tokenResponse = await fetch(`${rig.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, clientSecret) },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: rig.callbackUri,
        code_verifier: verifier,
      }),
    });
    expect(tokenResponse.status).toBe(200);
    const { access_token: accessToken } = (await tokenResponse.json()) as { access_token: string };
    const me = () => fetch(`${rig.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect((await me()).status).toBe(200);

    await page.goto(`${rig.issuer}/account`);
    const apps = page.getByRole('region', { name: 'Authorized apps' });
    const item = apps.getByRole('listitem').filter({ hasText: 'Photo Printer' });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('PHONE:READ');
    expect(await item.textContent()).toMatch(/Last used \d{4}-\d{2}-\d{2}/);
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: shot('account.png'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: shot('account-phone.png'), fullPage: true });
    await page.setViewportSize({ width: 640, height: 720 });
    await page.screenshot({ path: shot('readme-account.png') });
    await page.setViewportSize({ width: 1280, height: 800 });

    await item.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Access revoked');
    expect(await apps.getByRole('listitem').filter({ hasText: 'Photo Printer' }).count()).toBe(0);
    // the very next API call by the app is refused
    const after = await me();
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    // a keystore downloads as a file and its session shows in the list
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Create keystore' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^signet-keystore-[0-9a-f-]{36}\.json$/);
    expect(violations).toEqual([]);
    await context.close();
  });

  it('renders the docs at desktop and phone width without sideways scrolling or CSP violations', async () => {
    for (const [width, suffix] of [
      [1280, ''],
      [360, '-phone'],
    ] as const) {
      const context = await rig.browser.newContext({ viewport: { width, height: 800 } });
      const { page, violations } = await watchedPage(context);
      for (const path of ['/docs', '/docs/scopes', '/docs/walkthrough']) {
        const response = await page.goto(`${rig.issuer}${path}`);
        expect(response?.status()).toBe(200);
        const wide = await page.evaluate<string[]>(
          "[...document.querySelectorAll('body *')].filter((e) => !e.closest('pre, .table-scroll') && e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.tagName + '.' + e.className).slice(0, 5)",
        );
        expect(wide, `${path} at ${width}`).toEqual([]);
        expect(
          await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'),
          `${path} at ${width}`,
        ).toBe(true);
        await page.screenshot({ path: shot(`${path.slice(1).replace(/\//g, '-')}${suffix}.png`), fullPage: true });
      }
      expect(violations).toEqual([]);
      await context.close();
    }
  });
});

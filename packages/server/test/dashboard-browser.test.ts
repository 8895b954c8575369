import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserRig, SCREENSHOTS, startBrowserRig, watchedPage } from './browser-rig.js';
import { TINY_PNG } from './multipart.js';

/** Desktop and phone screenshots of the page as it is; at phone width nothing may scroll sideways. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  expect(
    await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth'),
    `${name} scrolls sideways at 360px`,
  ).toBe(true);
  await page.screenshot({ path: new URL(`${name}-phone.png`, SCREENSHOTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

describe('the developer dashboard in a real browser', () => {
  let rig: BrowserRig;
  beforeAll(async () => {
    rig = await startBrowserRig();
  });
  afterAll(async () => rig?.close());

  async function clientCredentials(
    clientId: string,
    secret: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${rig.issuer}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('signs up, creates an app, copies its secret, rotates it (the old one stops working) and deletes another app', async () => {
    const context = await rig.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: rig.issuer });
    const { page, violations } = await watchedPage(context);

    // a newcomer goes to the dashboard, is asked to sign in, and creates an account instead
    await page.goto(`${rig.issuer}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.getByRole('link', { name: 'Create one' }).click();
    await page.waitForURL((url) => url.pathname === '/signup');
    await shoot(page, 'signup');
    await page.getByLabel('Username').fill('dev');
    await page.getByLabel('Password').fill('a long password');
    await page.getByLabel('Full name').fill('Dana Developer');
    await page.getByLabel('Phone').fill('+14155550123');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    await shoot(page, 'dashboard-empty');

    async function createApp(name: string): Promise<string> {
      await page.goto(`${rig.issuer}/dashboard`);
      await page.getByRole('link', { name: 'New app' }).click();
      await page.waitForURL((url) => url.pathname === '/dashboard/apps/new');
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Description').fill('Checks the weather for you.');
      await page.getByLabel('Website').fill('https://weather.example.com');
      await page.getByLabel('Callback URLs').fill(`${rig.callbackUri}\nhttps://weather.example.com/cb`);
      await page.getByLabel('Allowed hosts').fill('*.weather.example.com');
      await page.getByLabel('Logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: TINY_PNG });
      expect(await page.getByLabel('Public client').isChecked()).toBe(false);
      if (name === 'Weather Bot') await shoot(page, 'app-new');
      await page.getByRole('button', { name: 'Create app' }).click();
      await page.waitForURL((url) => /^\/dashboard\/apps\/[0-9a-f-]{36}$/.test(url.pathname));
      return await page.getByLabel('Client ID').inputValue();
    }

    const clientId = await createApp('Weather Bot');
    const secret = await page.getByLabel('Client secret').inputValue();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(page.url()).not.toContain(secret);
    expect(await page.getByLabel('Client secret').getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('.app-identity img').evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await expect.poll(() => page.locator('#copy-status').textContent()).toBe('Client secret copied.');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    await shoot(page, 'app-created');
    expect((await clientCredentials(clientId, secret)).status).toBe(200);

    // shown once: a reload no longer has it
    await page.reload();
    expect(await page.getByLabel('Client secret').count()).toBe(0);

    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/rotate'));
    await shoot(page, 'app-rotate-confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL((url) => url.pathname === `/dashboard/apps/${clientId}`);
    const rotated = await page.getByLabel('Client secret').inputValue();
    expect(rotated).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated).not.toBe(secret);
    const old = await clientCredentials(clientId, secret);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('invalid_client');
    expect((await clientCredentials(clientId, rotated)).status).toBe(200);

    // a second app, deleted through its confirmation step
    const doomed = await createApp('Old Experiment');
    await page.goto(`${rig.issuer}/dashboard`);
    expect(await page.getByRole('link', { name: 'Old Experiment' }).count()).toBe(1);
    await shoot(page, 'dashboard');
    await page.getByRole('link', { name: 'Old Experiment' }).click();
    await page.getByRole('button', { name: 'Delete app' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/delete'));
    await shoot(page, 'app-delete-confirm');
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.waitForURL((url) => url.pathname === '/dashboard');
    expect(await page.getByRole('link', { name: 'Old Experiment' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Weather Bot' }).count()).toBe(1);
    expect((await clientCredentials(doomed, 'x')).status).toBe(401);

    expect(violations).toEqual([]);
    await context.close();
  });
});

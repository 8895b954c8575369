import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/tokens/opaque.js';
import { type BrowserRig, SCREENSHOTS, startBrowserRig, watchedPage } from './browser-rig.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;

describe('sign-in and consent in a real browser, with oauth4webapi as the app', () => {
  let rig: BrowserRig;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    rig = await startBrowserRig();
    ({ clientId, clientSecret } = await rig.registerApp(
      { username: 'alice', fullName: 'Alice Liddell' },
      { name: 'Loopback Demo', description: 'A test app on this machine.', website: 'https://demo.example.com' },
    ));
  });
  afterAll(async () => rig?.close());

  it('runs code + PKCE through the real pages: discovery, sign-in by label, fewer scopes, iss/state checks, token call', async () => {
    const issuerUrl = new URL(rig.issuer);
    const as = await oauth.processDiscoveryResponse(
      issuerUrl,
      await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure }),
    );
    const client: oauth.Client = { client_id: clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const authorizeUrl = new URL(as.authorization_endpoint ?? '');
    authorizeUrl.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: rig.callbackUri,
      response_type: 'code',
      scope: 'PROFILE:READ PHONE:READ ASSETS:READ',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const context = await rig.browser.newContext();
    const { page, violations } = await watchedPage(context);
    const signIn = await page.goto(authorizeUrl.href);
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
    await page.waitForURL((url) => url.href.startsWith(rig.callbackUri));
    expect(await page.textContent('p')).toBe('Back at the app.');
    const landed = new URL(page.url());
    const code = landed.searchParams.get('code') ?? '';
    const row = await rig.database.storage.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(code))
      .executeTakeFirstOrThrow();
    expect(row.scopes).toBe('PROFILE:READ ASSETS:READ');
    expect(row.redirect_uri_sent).toBe(rig.callbackUri);

    // the app's side, by the standard client: iss and state checked, then the code exchanged
    const params = oauth.validateAuthResponse(as, client, landed, state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(clientSecret),
      params,
      rig.callbackUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('PROFILE:READ ASSETS:READ');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(() => oauth.validateAuthResponse(as, client, landed, oauth.generateRandomState())).toThrow();
    expect(violations).toEqual([]);
    await context.close();
  });

  it('approves from a second device: the waiting page moves on by itself', async () => {
    const query = new URLSearchParams({
      client_id: clientId,
      redirect_uri: rig.callbackUri,
      scope: 'PROFILE:READ PHONE:READ',
      state: 'tv-state',
    });
    const tv = await rig.browser.newContext();
    const { page: tvPage, violations } = await watchedPage(tv);
    await tvPage.goto(`${rig.issuer}/oauth/authorize?${query.toString()}`);
    const link = await tvPage.getByRole('link', { name: /\/codes\// }).getAttribute('href');
    expect(link).toMatch(new RegExp(`^${rig.issuer}/codes/[0-9a-f-]{36}$`));
    expect(await tvPage.locator('.qr svg').count()).toBe(1);
    const tvCode = await tvPage.locator('.match-code .code').textContent();
    expect(tvCode).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}$/);
    await tvPage.screenshot({ path: new URL('device-waiting.png', SCREENSHOTS).pathname, fullPage: true });

    const phone = await rig.browser.newContext({ viewport: { width: 360, height: 740 } });
    const { page: phonePage, violations: phoneViolations } = await watchedPage(phone);
    await phonePage.goto(link ?? '');
    await phonePage.getByLabel('Username').fill('alice');
    await phonePage.getByLabel('Password').fill('correct horse battery');
    await phonePage.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => phonePage.getByRole('button', { name: 'Authorize' }).count()).toBe(1);
    // the phone is not where the app's answer goes: the waiting browser is
    const intro = await phonePage.locator('p.muted').first().textContent();
    expect(intro).toContain(`The browser that showed the QR code will then go on to ${new URL(rig.callbackUri).host}`);
    expect(intro).not.toContain('You will be sent back');
    // whose request it is: the TV's browser and address, and the code the TV shows
    expect(await phonePage.locator('.requester').textContent()).toMatch(
      /Requested from Chrome on Linux at 127\.0\.0\.1, .+ ago\./,
    );
    expect(await phonePage.locator('.match-code .code').textContent()).toBe(tvCode);
    await phonePage.getByLabel('PHONE:READ').uncheck();
    await phonePage.screenshot({ path: new URL('device-consent-phone.png', SCREENSHOTS).pathname, fullPage: true });
    await phonePage.getByRole('button', { name: 'Authorize' }).click();
    await expect.poll(() => phonePage.getByRole('status').textContent()).toContain('Approved');

    // the waiting page learns of it from its script and follows the redirect
    await tvPage.waitForURL((url) => url.href.startsWith(rig.callbackUri), { timeout: 10_000 });
    const landed = new URL(tvPage.url());
    expect(landed.searchParams.get('state')).toBe('tv-state');
    expect(landed.searchParams.get('iss')).toBe(rig.issuer);
    const row = await rig.database.storage.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(landed.searchParams.get('code') ?? ''))
      .executeTakeFirstOrThrow();
    expect(row.scopes).toBe('PROFILE:READ');
    expect([...violations, ...phoneViolations]).toEqual([]);
    await tv.close();
    await phone.close();
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../src/accounts/service.js';
import { MAX_LOGO_BYTES } from '../src/apps/logos.js';
import { APP_FORM, count, createThroughForm, secretOf, signedInAlice, submitNewApp } from './dashboard-fixture.js';
import { TINY_PNG, postMultipart } from './multipart.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, startWebHarness } from './web.js';

describe('developer dashboard refusals', () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await startWebHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  const snapshot = async (clientId: string) => ({
    app: await h.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirst(),
    keystores: await count(h, 'key_sessions'),
    apps: await count(h, 'apps'),
  });

  it('refuses every dashboard POST without a valid CSRF token (403) and changes nothing', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(h, browser);
    const before = await snapshot(clientId);
    const foreign = csrfOf((await new TestBrowser(h.app).get('/signin')).body);
    for (const token of [undefined, foreign]) {
      const csrf: Record<string, string> = token ? { _csrf: token } : {};
      expect((await postMultipart(h.app, browser, '/dashboard/apps/new', { ...csrf, ...APP_FORM })).statusCode).toBe(
        403,
      );
      expect(
        (await postMultipart(h.app, browser, `/dashboard/apps/${clientId}`, { ...csrf, ...APP_FORM, name: 'Changed' }))
          .statusCode,
      ).toBe(403);
      expect(
        (await browser.post(`/dashboard/apps/${clientId}`, { ...csrf, ...APP_FORM, name: 'Changed' })).statusCode,
      ).toBe(403);
      for (const action of ['rotate', 'delete', 'keystore'])
        expect((await browser.post(`/dashboard/apps/${clientId}/${action}`, csrf)).statusCode).toBe(403);
    }
    expect(await snapshot(clientId)).toEqual(before);
  });

  it("answers 404 for another developer's app, on every page and action, and changes nothing", async () => {
    const alice = await signedInAlice(h);
    const { clientId } = await createThroughForm(h, alice);
    const before = await snapshot(clientId);
    await createUser(h, { username: 'mallory', password: PASSWORD });
    const mallory = new TestBrowser(h.app);
    await mallory.signIn('mallory', PASSWORD, '/dashboard');
    const csrf = csrfOf((await mallory.get('/dashboard')).body);
    for (const path of ['', '/rotate', '/delete'])
      expect((await mallory.get(`/dashboard/apps/${clientId}${path}`)).statusCode).toBe(404);
    for (const action of ['rotate', 'delete', 'keystore'])
      expect((await mallory.post(`/dashboard/apps/${clientId}/${action}`, { _csrf: csrf })).statusCode).toBe(404);
    expect(
      (await postMultipart(h.app, mallory, `/dashboard/apps/${clientId}`, { _csrf: csrf, ...APP_FORM, name: 'Stolen' }))
        .statusCode,
    ).toBe(404);
    expect((await mallory.get('/dashboard')).body).not.toContain(clientId);
    expect(await snapshot(clientId)).toEqual(before);
    expect((await mallory.get('/dashboard/apps/not-a-uuid')).statusCode).toBe(404);
  });

  it.each([
    ['name', { name: '' }, 'app-name'],
    ['website', { website: 'http://weather.example.com' }, 'app-website'],
    ['redirect_uris', { redirect_uris: 'https://ok.example.com/cb\njavascript:alert(1)' }, 'app-redirect-uris'],
    ['hosts', { hosts: 'example.com:8443' }, 'app-hosts'],
    ['description', { description: 'd'.repeat(513) }, 'app-description'],
  ])('refuses a bad %s next to its field, keeping the input, storing nothing', async (_field, change, id) => {
    const browser = await signedInAlice(h);
    const response = await submitNewApp(h, browser, change);
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(new RegExp(`id="${id}" name="[a-z_]+"[^>]* aria-invalid="true"`));
    expect(response.body).toContain(`<p class="field-error" id="${id}-error">`);
    const kept = { ...APP_FORM, ...change };
    if (kept.name) expect(response.body).toContain(`value="${kept.name}"`);
    expect(response.body).toContain(`${kept.redirect_uris}</textarea>`);
    expect(response.body).toContain(kept.hosts);
    expect(await count(h, 'apps')).toBe(0);
  });

  it.each([
    [
      'HTML bytes named .png',
      { filename: 'logo.png', type: 'image/png', bytes: Buffer.from('<!doctype html><script>alert(1)</script>') },
      'must be a PNG, JPEG or WebP image',
    ],
    [
      'an SVG',
      {
        filename: 'logo.svg',
        type: 'image/svg+xml',
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      },
      'SVG is not accepted',
    ],
    [
      'a PNG over the size limit',
      { filename: 'big.png', type: 'image/png', bytes: Buffer.concat([TINY_PNG, Buffer.alloc(MAX_LOGO_BYTES)]) },
      'at most 256 KiB',
    ],
  ])('refuses %s as the logo, next to the Logo field, keeping the other input', async (_what, file, message) => {
    const browser = await signedInAlice(h);
    const response = await submitNewApp(h, browser, {}, { name: 'logo', ...file });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('<p class="field-error" id="app-logo-error">');
    expect(response.body).toContain(message);
    expect(response.body).toContain(`value="${APP_FORM.name}"`);
    expect(response.body).toContain(`${APP_FORM.redirect_uris}</textarea>`);
    expect(await count(h, 'apps')).toBe(0);
    expect(await count(h, 'app_logos')).toBe(0);
  });

  it('a refused edit keeps the input and changes nothing; a refused logo on edit keeps the old one', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(
      h,
      browser,
      {},
      { name: 'logo', filename: 'a.png', type: 'image/png', bytes: TINY_PNG },
    );
    const before = await snapshot(clientId);
    const csrf = csrfOf((await browser.get(`/dashboard/apps/${clientId}`)).body);
    const bad = await postMultipart(h.app, browser, `/dashboard/apps/${clientId}`, {
      _csrf: csrf,
      ...APP_FORM,
      name: 'Renamed',
      website: 'ftp://x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('<p class="field-error" id="app-website-error">');
    expect(bad.body).toContain('value="Renamed"');
    expect(secretOf(bad.body)).toBeUndefined();
    const badLogo = await postMultipart(
      h.app,
      browser,
      `/dashboard/apps/${clientId}`,
      { _csrf: csrf, ...APP_FORM },
      { name: 'logo', filename: 'x.png', type: 'image/png', bytes: Buffer.from('GIF89a') },
    );
    expect(badLogo.statusCode).toBe(400);
    expect(await snapshot(clientId)).toEqual(before);
    expect((await h.app.inject(`/apps/${clientId}/logo`)).rawPayload.equals(TINY_PNG)).toBe(true);
  });

  it('refuses an oversized text field as a whole (413)', async () => {
    const browser = await signedInAlice(h);
    const response = await submitNewApp(h, browser, { description: 'x'.repeat(20 * 1024) });
    expect(response.statusCode).toBe(413);
    expect(await count(h, 'apps')).toBe(0);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppRow } from '../src/apps/repo.js';
import { grantedScopes, recordGrant } from '../src/consent/grants.js';
import { CONTENT_SECURITY_POLICY } from '../src/plugins/views.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import {
  ISSUER,
  PASSWORD,
  TestBrowser,
  type WebHarness,
  authorizeUrl,
  csrfOf,
  formFields,
  location,
  startWebHarness,
} from './web.js';

const DECISION = '/oauth/authorize/decision';

describe('the consent page and its decision', () => {
  let h: WebHarness;
  let app: AppRow;
  let browser: TestBrowser;

  beforeAll(async () => {
    h = await startWebHarness();
  });
  beforeEach(async () => {
    // a fresh app each time: no grant remembered from another test
    app = await h.newApp({
      name: 'Moon <Wallet>',
      description: 'Keeps your moons & stars.',
      website: 'https://moon.example.com',
      iconUrl: 'https://moon.example.com/icon.png',
      redirectUris: ['https://moon.example.com/cb'],
    });
    browser = new TestBrowser(h.app);
    await browser.signIn('alice', PASSWORD);
  });
  afterAll(async () => {
    await h?.close();
  });

  const request = () =>
    authorizeUrl({
      client_id: app.client_id,
      scope: 'PROFILE:READ PHONE:READ ASSETS:READ',
      state: 'st-1',
      return_to: 'https://moon.example.com/home',
    });

  async function consent(b = browser) {
    const page = await b.get(request());
    expect(page.statusCode).toBe(200);
    return page.body;
  }

  async function codeRows() {
    return h.db.selectFrom('authorization_codes').selectAll().where('client_id', '=', app.client_id).execute();
  }

  function without(fields: [string, string][], name: string, value?: string): [string, string][] {
    return fields.filter(([n, v]) => !(n === name && (value === undefined || v === value)));
  }

  it('shows the app, one checkbox per scope with its description, PROFILE:READ locked, and the two buttons', async () => {
    const page = await consent();
    expect(page).toContain('Moon &lt;Wallet&gt;');
    expect(page).not.toContain('Moon <Wallet>');
    expect(page).toContain('Keeps your moons &amp; stars.');
    expect(page).toContain('href="https://moon.example.com"');
    expect(page).toContain('<img src="https://moon.example.com/icon.png"');
    expect(page).toContain('Read your phone number.');
    expect(page).toContain('You will be sent back to <strong>moon.example.com</strong>.');
    expect(page).toMatch(/<input type="checkbox" id="scope-0" checked disabled>/);
    expect(page).toContain('<input type="hidden" name="granted" value="PROFILE:READ">');
    expect(page).toMatch(/name="granted" value="PHONE:READ" checked/);
    expect(page).toContain('>Authorize</button>');
    expect(page).toContain('>Deny</button>');
    expect(page).toContain(`action="${DECISION}"`);
    expect(page).not.toMatch(/<script(?![^>]*src=)/);
    expect(page).not.toMatch(/ style=|<style/);
  });

  it('Authorize with every box ticked: 303 to the redirect URI with code, state, iss and return_to; grant recorded', async () => {
    const fields = formFields(await consent(), DECISION);
    const response = await browser.post(DECISION, [...fields, ['decision', 'authorize']]);
    expect(response.statusCode).toBe(303);
    const target = location(response);
    expect(`${target.origin}${target.pathname}`).toBe('https://moon.example.com/cb');
    expect(target.searchParams.get('state')).toBe('st-1');
    expect(target.searchParams.get('iss')).toBe(ISSUER);
    expect(target.searchParams.get('return_to')).toBe('https://moon.example.com/home');
    const row = await h.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(target.searchParams.get('code') ?? ''))
      .executeTakeFirstOrThrow();
    expect(row.scopes).toBe('PROFILE:READ PHONE:READ ASSETS:READ');
    expect(await grantedScopes(h.db, h.userId, app.client_id)).toEqual(['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ']);
    expect(response.headers['referrer-policy']).toBe('no-referrer');
  });

  it('a user who unticks scopes gets a code with fewer; PROFILE:READ stays; unrequested scopes are ignored', async () => {
    const fields = without(
      without(formFields(await consent(), DECISION), 'granted', 'PHONE:READ'),
      'granted',
      'PROFILE:READ',
    );
    const response = await browser.post(DECISION, [
      ...fields,
      ['granted', 'SNAPSHOTS:READ'],
      ['decision', 'authorize'],
    ]);
    expect(response.statusCode).toBe(303);
    const code = location(response).searchParams.get('code') ?? '';
    const row = await h.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(code))
      .executeTakeFirstOrThrow();
    expect(row.scopes).toBe('PROFILE:READ ASSETS:READ');
    expect(await grantedScopes(h.db, h.userId, app.client_id)).toEqual(['PROFILE:READ', 'ASSETS:READ']);
  });

  it('Deny redirects with access_denied, state and iss, and issues nothing', async () => {
    const fields = formFields(await consent(), DECISION);
    const response = await browser.post(DECISION, [...fields, ['decision', 'deny']]);
    expect(response.statusCode).toBe(303);
    const target = location(response);
    expect(target.searchParams.get('error')).toBe('access_denied');
    expect(target.searchParams.get('state')).toBe('st-1');
    expect(target.searchParams.get('iss')).toBe(ISSUER);
    expect(target.searchParams.get('code')).toBeNull();
    expect(await codeRows()).toHaveLength(0);
    expect(await grantedScopes(h.db, h.userId, app.client_id)).toEqual([]);
  });

  it("refuses a decision without the CSRF token, or with another browser's: 403, no code, no grant", async () => {
    const fields = formFields(await consent(), DECISION);
    const missing = await browser.post(DECISION, [...without(fields, '_csrf'), ['decision', 'authorize']]);
    expect(missing.statusCode).toBe(403);
    expect(missing.headers.location).toBeUndefined();

    const other = new TestBrowser(h.app, '198.51.100.9');
    await other.signIn('alice', PASSWORD);
    const othersToken = csrfOf(await consent(other));
    const foreign = await browser.post(DECISION, [
      ...without(fields, '_csrf'),
      ['_csrf', othersToken],
      ['decision', 'authorize'],
    ]);
    expect(foreign.statusCode).toBe(403);

    const tampered = await browser.post(DECISION, [
      ...without(fields, '_csrf'),
      ['_csrf', `${csrfOf(await consent())}x`],
      ['decision', 'authorize'],
    ]);
    expect(tampered.statusCode).toBe(403);

    // a cross-site post arrives without the cookie (SameSite=Lax): a new browser id, so the token fails too
    const cookieless = new TestBrowser(h.app);
    expect((await cookieless.post(DECISION, [...fields, ['decision', 'authorize']])).statusCode).toBe(403);

    expect(await codeRows()).toHaveLength(0);
    expect(await grantedScopes(h.db, h.userId, app.client_id)).toEqual([]);
    // and the real token still works afterwards
    expect((await browser.post(DECISION, [...fields, ['decision', 'authorize']])).statusCode).toBe(303);
  });

  it('re-checks the hidden fields: a swapped redirect_uri is an error page, an added scope is invalid_scope', async () => {
    const fields = formFields(await consent(), DECISION);
    const evil = await browser.post(DECISION, [
      ...fields,
      ['redirect_uri', 'https://evil.test/cb'],
      ['decision', 'authorize'],
    ]);
    expect(evil.statusCode).toBe(400);
    expect(evil.headers.location).toBeUndefined();
    const scoped = await browser.post(DECISION, [
      ...without(fields, 'scope'),
      ['scope', 'PROFILE:READ GOD:MODE'],
      ['decision', 'authorize'],
    ]);
    expect(location(scoped).searchParams.get('error')).toBe('invalid_scope');
    expect(await codeRows()).toHaveLength(0);
  });

  it('sends a signed-out browser to sign in instead of issuing a code', async () => {
    const fields = formFields(await consent(), DECISION);
    const signOut = await browser.post('/signout', { _csrf: csrfOf(await consent()) });
    expect(signOut.statusCode).toBe(303);
    // a browser's CSRF token follows its id, which sign-out rotated: take the new one
    const fresh = csrfOf((await browser.get('/signin')).body);
    const response = await browser.post(DECISION, [
      ...without(fields, '_csrf'),
      ['_csrf', fresh],
      ['decision', 'authorize'],
    ]);
    expect(response.statusCode).toBe(303);
    const target = location(response);
    expect(target.pathname).toBe('/signin');
    expect(target.searchParams.get('next')).toMatch(/^\/oauth\/authorize\?/);
    expect(await codeRows()).toHaveLength(0);
  });

  it('refuses a form without a decision', async () => {
    const fields = formFields(await consent(), DECISION);
    expect((await browser.post(DECISION, fields)).statusCode).toBe(400);
    expect(await codeRows()).toHaveLength(0);
  });
});

/*
 * Issue 17, H1: a host pattern (`*.example.com`) also allows hosts the app may not control.
 * A code for such a URI is never issued without the consent page, and the page names the
 * host the browser will go to, whatever the user granted before.
 */
describe('consent for a redirect URI that only a host pattern allows', () => {
  let h: WebHarness;
  let app: AppRow;
  let browser: TestBrowser;
  const CAUGHT = 'https://evil.example.com/steal?from=link';
  const SCOPES = 'PROFILE:READ PHONE:READ';
  const NOTICE = 'After you choose, you will be sent to <strong>evil.example.com</strong>.';

  beforeAll(async () => {
    h = await startWebHarness();
  });
  beforeEach(async () => {
    app = await h.newApp({
      name: 'Moon Wallet',
      redirectUris: ['https://moon.example.com/cb'],
      hosts: ['*.example.com'],
    });
    await recordGrant(h, h.userId, app.client_id, ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ']);
    browser = new TestBrowser(h.app);
    await browser.signIn('alice', PASSWORD);
  });
  afterAll(async () => {
    await h?.close();
  });

  const codeRows = () =>
    h.db.selectFrom('authorization_codes').selectAll().where('client_id', '=', app.client_id).execute();
  const caughtRequest = (extra: Record<string, string> = {}) =>
    authorizeUrl({
      client_id: app.client_id,
      redirect_uri: CAUGHT,
      scope: SCOPES,
      state: 'st-h1',
      code_challenge: 'A'.repeat(43),
      ...extra,
    });

  it('shows the consent page, not a redirect, despite a grant of every scope, and names the exact host', async () => {
    const page = await browser.get(caughtRequest());
    expect(page.statusCode).toBe(200);
    expect(page.headers.location).toBeUndefined();
    expect(page.body).toContain(NOTICE);
    expect(page.body).toContain('>Authorize</button>');
    expect(page.body).not.toContain('You will be sent back to');
    expect(await codeRows()).toHaveLength(0);
  });

  it('still skips consent for the registered URI, whose page (when forced) has no such notice', async () => {
    const skipped = await browser.get(authorizeUrl({ client_id: app.client_id, scope: SCOPES }));
    expect(skipped.statusCode).toBe(302);
    const code = location(skipped).searchParams.get('code') ?? '';
    const row = await h.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(code))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ redirect_uri: 'https://moon.example.com/cb', redirect_uri_match: 'exact' });
    const forced = await browser.get(authorizeUrl({ client_id: app.client_id, scope: SCOPES, prompt: 'consent' }));
    expect(forced.body).toContain('You will be sent back to <strong>moon.example.com</strong>.');
    expect(forced.body).not.toContain('id="destination"');
  });

  it('after Authorize, sends the code to that host, and the code remembers the host pattern', async () => {
    const fields = formFields((await browser.get(caughtRequest())).body, DECISION);
    const response = await browser.post(DECISION, [...fields, ['decision', 'authorize']]);
    expect(response.statusCode).toBe(303);
    const target = location(response);
    expect(`${target.origin}${target.pathname}`).toBe('https://evil.example.com/steal');
    expect(target.searchParams.get('from')).toBe('link');
    const row = await h.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(target.searchParams.get('code') ?? ''))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ redirect_uri: CAUGHT, redirect_uri_sent: CAUGHT, redirect_uri_match: 'host_pattern' });
  });

  it('prompt=none answers consent_required and issues nothing', async () => {
    const response = await browser.get(caughtRequest({ prompt: 'none' }));
    expect(response.statusCode).toBe(302);
    const target = location(response);
    expect(`${target.origin}${target.pathname}`).toBe('https://evil.example.com/steal');
    expect(target.searchParams.get('error')).toBe('consent_required');
    expect(target.searchParams.get('code')).toBeNull();
    expect(await codeRows()).toHaveLength(0);
  });

  it('the device approval page names the host the waiting browser will go to, and its code remembers the host pattern', async () => {
    const waiting = await new TestBrowser(h.app, '198.51.100.20').get(caughtRequest());
    const codeId = new RegExp(`href="${ISSUER}/codes/([0-9a-f-]{36})"`).exec(waiting.body)?.[1];
    expect(codeId).toBeTruthy();
    const page = await browser.get(`/codes/${codeId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(
      'After you choose, the browser that showed the QR code will be sent to <strong>evil.example.com</strong>.',
    );
    const fields = formFields(page.body, `/codes/${codeId}`);
    expect((await browser.post(`/codes/${codeId}`, [...fields, ['decision', 'authorize']])).statusCode).toBe(303);
    expect((await codeRows()).map((row) => row.redirect_uri_match)).toEqual(['host_pattern']);
  });
});

describe('page security headers', () => {
  let h: WebHarness;
  beforeAll(async () => {
    h = await startWebHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('every page sends the CSP (frame-ancestors none, no unsafe-inline, no form-action), X-Frame-Options and Referrer-Policy', async () => {
    const app = await h.newApp({ redirectUris: ['https://h.example.com/cb'] });
    const browser = new TestBrowser(h.app);
    const pages = [
      await browser.get('/'), // the home page
      await browser.get('/signin'),
      await browser.get(authorizeUrl({ client_id: app.client_id })), // sign-in with device section
      await browser.get(authorizeUrl({ client_id: 'nope' })), // error page
      await browser.post('/signin', { username: 'alice', password: 'x' }), // 403 page
      await browser.post('/signin', {
        _csrf: csrfOf((await browser.get('/signin')).body),
        username: 'alice',
        password: 'wrong password',
      }), // 401
    ];
    await browser.signIn('alice', PASSWORD);
    pages.push(await browser.get(authorizeUrl({ client_id: app.client_id }))); // consent
    expect(pages.map((p) => p.statusCode)).toEqual([200, 200, 200, 400, 403, 401, 200]);
    for (const page of pages) {
      const csp = String(page.headers['content-security-policy']);
      expect(csp).toBe(CONTENT_SECURITY_POLICY);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('form-action');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<link rel="stylesheet" href="/static/signet.css">');
      expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(page.body).not.toMatch(/\sstyle=|<style/);
    }
  });

  it('serves the stylesheet and nothing outside the asset folder', async () => {
    const css = await h.app.inject('/static/signet.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toContain('.scopes');
    for (const path of ['/static/..%2Fpackage.json', '/static/%2E%2E%2Fsrc%2Fapp.ts', '/static/nothing.css']) {
      expect((await h.app.inject(path)).statusCode).toBe(404);
    }
  });
});

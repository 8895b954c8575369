import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Keystore } from '../src/accounts/keystores.js';
import { createApp } from '../src/apps/service.js';
import { recordGrant } from '../src/consent/grants.js';
import { issueCode } from '../src/oauth/codes.js';
import { basic } from './token-fixture.js';
import { sessionClaims, signJws } from './signing.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, location, startWebHarness } from './web.js';

const CALLBACK = 'https://printer.example/cb';

describe('the account page', () => {
  let h: WebHarness;
  let browser: TestBrowser;
  let csrf: string;

  beforeAll(async () => {
    h = await startWebHarness();
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    browser = new TestBrowser(h.app);
    expect((await browser.signIn(h.username, PASSWORD)).statusCode).toBe(303);
    csrf = csrfOf((await browser.get('/account')).body);
  });

  const user = () => h.db.selectFrom('users').selectAll().where('user_id', '=', h.userId).executeTakeFirstOrThrow();
  const liveSessions = async () =>
    (
      await h.db
        .selectFrom('key_sessions')
        .select('session_id')
        .where('user_id', '=', h.userId)
        .where('revoked_at', 'is', null)
        .execute()
    ).length;

  /** GET /me as the keystore's session, signed for the server's (test) clock. */
  function signedMe(keystore: Keystore): Promise<LightMyRequestResponse> {
    const token = signJws(
      { alg: 'EdDSA', typ: 'JWT' },
      sessionClaims(keystore, 'GET', '/me', '', Math.floor(h.clock.now() / 1000)),
      keystore.session_private_key,
    );
    return h.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
  }

  /** An app the user granted, and a bearer token it got through the code flow. */
  async function authorizedApp(name: string): Promise<{ clientId: string; secret: string; accessToken: string }> {
    const deps = { db: h.db, clock: h.clock };
    const { app, clientSecret } = await createApp(deps, { name, ownerId: h.userId, redirectUris: [CALLBACK] });
    const scopes = ['PROFILE:READ', 'PHONE:READ'];
    await recordGrant(deps, h.userId, app.client_id, scopes);
    const { code } = await issueCode(deps, {
      clientId: app.client_id,
      userId: h.userId,
      redirectUri: CALLBACK,
      redirectUriMatch: 'exact',
      redirectUriSent: undefined,
      codeChallenge: undefined,
      scopes,
    });
    const response = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(app.client_id, clientSecret ?? ''),
      },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
    });
    expect(response.statusCode).toBe(200);
    return {
      clientId: app.client_id,
      secret: clientSecret ?? '',
      accessToken: (response.json() as { access_token: string }).access_token,
    };
  }

  it('asks a signed-out browser to sign in, and is where signing in lands by default', async () => {
    const stranger = new TestBrowser(h.app);
    const page = await stranger.get('/account');
    expect(page.statusCode).toBe(302);
    expect(location(page).pathname + location(page).search).toBe('/signin?next=%2Faccount');
    const signInPage = await stranger.get('/signin');
    const post = await stranger.post('/account/profile', { _csrf: csrfOf(signInPage.body), full_name: 'Mallory' });
    expect(post.statusCode).toBe(303);
    expect(location(post).pathname).toBe('/signin');
    expect((await user()).full_name).toBe('Alice Liddell');

    const fresh = new TestBrowser(h.app);
    const first = await fresh.get('/signin');
    const signedIn = await fresh.post('/signin', {
      _csrf: csrfOf(first.body),
      username: h.username,
      password: PASSWORD,
    });
    expect(location(signedIn).pathname).toBe('/account');
    const account = await fresh.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(account.body).toContain('Alice Liddell');
    expect(account.body).toContain('action="/signout"');
  });

  it('refuses every form without this browser’s CSRF token: 403 and nothing changes', async () => {
    const { clientId } = await authorizedApp('Guarded App');
    const keystore = (await browser.post('/account/keystores', { _csrf: csrf })).json() as Keystore;
    const sessionsBefore = await liveSessions();
    const other = new TestBrowser(h.app, '198.51.100.9');
    await other.signIn(h.username, PASSWORD);
    const foreign = csrfOf((await other.get('/account')).body);
    const forms: [string, Record<string, string>][] = [
      ['/account/profile', { full_name: 'Changed', avatar_url: '', biography: '', phone: '' }],
      ['/account/keystores', {}],
      ['/account/keystores/revoke', { session_id: keystore.session_id }],
      ['/account/apps/revoke', { client_id: clientId }],
    ];
    for (const [url, fields] of forms) {
      for (const token of [undefined, foreign, '']) {
        const response = await browser.post(url, token === undefined ? fields : { ...fields, _csrf: token });
        expect(response.statusCode, `${url} with ${token === undefined ? 'no' : 'a foreign'} token`).toBe(403);
      }
    }
    expect((await user()).full_name).toBe('Alice Liddell');
    expect(await liveSessions()).toBe(sessionsBefore);
    expect((await signedMe(keystore)).statusCode).toBe(200);
    expect(
      await h.db.selectFrom('grants').select('client_id').where('client_id', '=', clientId).executeTakeFirst(),
    ).toBeDefined();
  });

  it('saves the profile and answers 303; a refused form names the field and keeps what was typed', async () => {
    const typed = {
      full_name: 'Alice P. Liddell',
      avatar_url: 'http://insecure.example/a.png',
      biography: 'Curiouser & <curiouser>',
      phone: '+15555550123',
    };
    const refused = await browser.post('/account/profile', { _csrf: csrf, ...typed });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/id="profile-avatar_url-error">This must be an https URL\.</);
    expect(refused.body).toMatch(
      /<input type="url" id="profile-avatar_url"[^>]*aria-invalid="true"[^>]*value="http:\/\/insecure.example\/a.png"/,
    );
    expect(refused.body).toContain('value="Alice P. Liddell"');
    expect(refused.body).toContain('Curiouser &amp; &lt;curiouser&gt;</textarea>');
    expect(refused.body).toContain('value="+15555550123"');
    expect((await user()).full_name).toBe('Alice Liddell');

    const tooLong = await browser.post('/account/profile', {
      _csrf: csrf,
      ...typed,
      avatar_url: '',
      biography: 'x'.repeat(141),
    });
    expect(tooLong.body).toMatch(/id="profile-biography-error">This must be at most 140 characters\.</);
    const badPhone = await browser.post('/account/profile', { _csrf: csrf, ...typed, avatar_url: '', phone: '555' });
    expect(badPhone.body).toMatch(/id="profile-phone-error">/);
    const noName = await browser.post('/account/profile', { _csrf: csrf, ...typed, avatar_url: '', full_name: '  ' });
    expect(noName.body).toMatch(/id="profile-full_name-error">/);

    const saved = await browser.post('/account/profile', {
      _csrf: csrf,
      ...typed,
      avatar_url: 'https://cdn.example/alice.png',
      phone: '',
    });
    expect(saved.statusCode).toBe(303);
    expect(location(saved).pathname + location(saved).search).toBe('/account?notice=profile-saved');
    expect(await user()).toMatchObject({
      full_name: 'Alice P. Liddell',
      avatar_url: 'https://cdn.example/alice.png',
      biography: 'Curiouser & <curiouser>',
      phone: null,
    });
    expect((await browser.get('/account?notice=profile-saved')).body).toContain('Profile saved.');
    // restore for the other tests
    await browser.post('/account/profile', {
      _csrf: csrf,
      full_name: 'Alice Liddell',
      avatar_url: '',
      biography: '',
      phone: '+441234567890',
    });
  });

  it('hands out a keystore once as a file, lists its session, and a revoked one stops signing', async () => {
    const response = await browser.post('/account/keystores', { _csrf: csrf });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="signet-keystore-[0-9a-f-]{36}\.json"$/,
    );
    expect(response.headers['cache-control']).toBe('no-store');
    const keystore = response.json() as Keystore;
    expect(Object.keys(keystore).sort()).toEqual([
      'app_id',
      'server_public_key',
      'session_id',
      'session_private_key',
      'user_id',
    ]);
    expect(keystore).toMatchObject({ user_id: h.userId, app_id: h.userId });
    expect(keystore.session_private_key).toMatch(/^[0-9a-f]{64}$/);
    expect(keystore.server_public_key).toMatch(/^[0-9a-f]{64}$/);

    const page = (await browser.get('/account')).body;
    expect(page).toContain(keystore.session_id);
    expect(page).not.toContain(keystore.session_private_key);
    expect((await signedMe(keystore)).statusCode).toBe(200);

    const revoked = await browser.post('/account/keystores/revoke', { _csrf: csrf, session_id: keystore.session_id });
    expect(revoked.statusCode).toBe(303);
    expect(location(revoked).search).toBe('?notice=keystore-revoked');
    expect((await signedMe(keystore)).statusCode).toBe(401);
    expect((await browser.get('/account')).body).not.toContain(keystore.session_id);
    // twice, or someone else's id: nothing to revoke
    const again = await browser.post('/account/keystores/revoke', { _csrf: csrf, session_id: keystore.session_id });
    expect(location(again).search).toBe('?notice=keystore-gone');
  });

  it('lists authorized apps with scopes and last use; Revoke ends the app’s tokens on its next request', async () => {
    const kept = await authorizedApp('Kept App');
    const target = await authorizedApp('Photo Printer');
    const bearer = (token: string) =>
      h.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    expect((await bearer(target.accessToken)).statusCode).toBe(200);

    const page = (await browser.get('/account')).body;
    const section = page.slice(page.indexOf('id="apps-title"'), page.indexOf('id="profile-title"'));
    expect(section).toContain('Photo Printer');
    expect(section).toContain('PHONE:READ');
    expect(section).toMatch(/Last used \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect(section).toContain(`name="client_id" value="${target.clientId}"`);

    const revoked = await browser.post('/account/apps/revoke', { _csrf: csrf, client_id: target.clientId });
    expect(revoked.statusCode).toBe(303);
    expect(location(revoked).search).toBe('?notice=app-revoked');
    expect((await bearer(target.accessToken)).statusCode).toBe(401);
    const introspection = await h.app.inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(target.clientId, target.secret),
      },
      payload: new URLSearchParams({ token: target.accessToken }).toString(),
    });
    expect(introspection.json()).toEqual({ active: false });
    expect((await bearer(kept.accessToken)).statusCode).toBe(200);
    const after = (await browser.get('/account')).body;
    expect(after).not.toContain('Photo Printer');
    expect(after).toContain('Kept App');
  });
  it('lists a service the user logged in to by token exchange; Revoke, or revoking the keystore that signed, ends its tokens', async () => {
    const deps = { db: h.db, clock: h.clock };
    const { app: service, clientSecret } = await createApp(deps, {
      name: 'Exchange Desk',
      ownerId: h.userId,
      redirectUris: [CALLBACK],
    });
    /** PROTOCOL.md §11: the user signs a token for the service, which trades it for its own. */
    async function serviceLogin(keystore: Keystore): Promise<string> {
      const nowSeconds = Math.floor(h.clock.now() / 1000);
      const claims = {
        ...sessionClaims(keystore, 'GET', '/me', '', nowSeconds),
        exp: nowSeconds + 60,
        aud: service.client_id,
      };
      const subject = signJws({ alg: 'EdDSA', typ: 'JWT' }, claims, keystore.session_private_key);
      const response = await h.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basic(service.client_id, clientSecret ?? ''),
        },
        payload: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subject,
          subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        }).toString(),
      });
      expect(response.statusCode).toBe(200);
      return (response.json() as { access_token: string }).access_token;
    }
    const bearer = (token: string) =>
      h.app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${token}` } });
    const laptop = (await browser.post('/account/keystores', { _csrf: csrf })).json() as Keystore;
    const phone = (await browser.post('/account/keystores', { _csrf: csrf })).json() as Keystore;
    const fromLaptop = await serviceLogin(laptop);
    const fromPhone = await serviceLogin(phone);

    const page = (await browser.get('/account')).body;
    const section = page.slice(page.indexOf('id="apps-title"'), page.indexOf('id="profile-title"'));
    expect(section).toContain('Exchange Desk');
    expect(section).toContain(`name="client_id" value="${service.client_id}"`);

    expect(
      (await browser.post('/account/keystores/revoke', { _csrf: csrf, session_id: phone.session_id })).statusCode,
    ).toBe(303);
    expect((await bearer(fromPhone)).statusCode).toBe(401);
    const event = await h.db
      .selectFrom('audit_events')
      .select('detail')
      .where('type', '=', 'keystore.revoked')
      .orderBy('event_id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.detail)).toMatchObject({
      session_id: phone.session_id,
      authorization_ids: [expect.any(String)],
    });
    expect((await bearer(fromLaptop)).statusCode).toBe(200);

    expect((await browser.post('/account/apps/revoke', { _csrf: csrf, client_id: service.client_id })).statusCode).toBe(
      303,
    );
    expect((await bearer(fromLaptop)).statusCode).toBe(401);
    expect((await browser.get('/account')).body).not.toContain('Exchange Desk');
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRow } from '../src/apps/repo.js';
import { DEVICE_REQUEST_WINDOW_MS, MAX_DEVICE_REQUESTS_PER_ADDRESS } from '../src/consent/device-section.js';
import { recordGrant } from '../src/consent/grants.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { ISSUER, PASSWORD, TestBrowser, type WebHarness, authorizeUrl, location, startWebHarness } from './web.js';

const CHALLENGE = createHash('sha256')
  .update('a-verifier-that-is-long-enough-to-be-valid-0123456789')
  .digest('base64url');

describe('GET /oauth/authorize', () => {
  let h: WebHarness;
  let confidential: AppRow;
  let publicApp: AppRow;
  let noRedirect: AppRow;
  let twoRedirects: AppRow;
  let signedIn: TestBrowser;

  beforeAll(async () => {
    h = await startWebHarness();
    confidential = await h.newApp({ redirectUris: ['https://app.example.com/cb?tenant=7'], hosts: ['*.example.com'] });
    publicApp = await h.newApp({ name: 'Phone App', type: 'public', redirectUris: ['https://public.example.org/cb'] });
    noRedirect = await h.newApp({ name: 'Service' });
    twoRedirects = await h.newApp({ redirectUris: ['https://one.example.net/cb', 'https://two.example.net/cb'] });
    signedIn = new TestBrowser(h.app);
    expect((await signedIn.signIn('alice', PASSWORD)).statusCode).toBe(303);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function codeRow(code: string) {
    return h.db
      .selectFrom('authorization_codes')
      .selectAll()
      .where('code_hash', '=', sha256Hex(code))
      .executeTakeFirstOrThrow();
  }

  function expectErrorPage(response: { statusCode: number; headers: Record<string, unknown>; body: string }) {
    expect(response.statusCode).toBe(400);
    expect(response.headers.location).toBeUndefined();
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  }

  function expectErrorRedirect(
    response: Parameters<typeof location>[0],
    redirectUri: string,
    error: string,
    state?: string,
  ) {
    expect(response.statusCode).toBe(302);
    const target = location(response);
    expect(`${target.origin}${target.pathname}`).toBe(redirectUri);
    expect(target.searchParams.get('error')).toBe(error);
    expect(target.searchParams.get('error_description')).toBeTruthy();
    expect(target.searchParams.get('iss')).toBe(ISSUER);
    expect(target.searchParams.get('state')).toBe(state ?? null);
    expect(target.searchParams.get('code')).toBeNull();
    return target;
  }

  describe('client and redirect URI errors: a page, never a redirect', () => {
    it('refuses a missing or unknown client_id', async () => {
      expectErrorPage(await signedIn.get(authorizeUrl({ redirect_uri: 'https://app.example.com/cb?tenant=7' })));
      const unknown = await signedIn.get(
        authorizeUrl({ client_id: '00000000-0000-4000-8000-000000000000', state: 's' }),
      );
      expectErrorPage(unknown);
      expect(unknown.body).toContain('not registered');
      expectErrorPage(await signedIn.get(authorizeUrl({ client_id: 'not-a-uuid' })));
    });

    it('refuses an unregistered redirect_uri even when another parameter is also bad', async () => {
      const response = await signedIn.get(
        authorizeUrl({
          client_id: confidential.client_id,
          redirect_uri: 'https://evil.test/cb',
          scope: 'NOPE',
          state: 's',
        }),
      );
      expectErrorPage(response);
      expect(response.body).not.toContain('evil.test/cb?');
    });

    it('refuses an app without redirect URIs, and an app with several when none is named', async () => {
      expectErrorPage(await signedIn.get(authorizeUrl({ client_id: noRedirect.client_id })));
      // host patterns alone do not open /oauth/authorize to an app without redirect URIs
      const hostsOnly = await h.newApp({ name: 'Hosts only', hosts: ['*.hosts.example'] });
      expectErrorPage(
        await signedIn.get(
          authorizeUrl({ client_id: hostsOnly.client_id, redirect_uri: 'https://a.hosts.example/cb' }),
        ),
      );
      expectErrorPage(await signedIn.get(authorizeUrl({ client_id: twoRedirects.client_id })));
      const named = await signedIn.get(
        authorizeUrl({ client_id: twoRedirects.client_id, redirect_uri: 'https://two.example.net/cb' }),
      );
      expect(named.statusCode).toBe(200);
    });

    it('refuses a repeated redirect_uri', async () => {
      const url = `${authorizeUrl({ client_id: confidential.client_id })}&redirect_uri=https%3A%2F%2Fa.example.com%2Fcb&redirect_uri=https%3A%2F%2Fb.example.com%2Fcb`;
      expectErrorPage(await signedIn.get(url));
    });

    it('matches wildcard host patterns only on real subdomains', async () => {
      const tryUri = (redirectUri: string) =>
        signedIn.get(
          authorizeUrl({
            client_id: confidential.client_id,
            redirect_uri: redirectUri,
            response_type: 'token',
            state: 'w',
          }),
        );
      // accepted: the response_type error is reported there
      expectErrorRedirect(
        await tryUri('https://a.example.com/cb'),
        'https://a.example.com/cb',
        'unsupported_response_type',
        'w',
      );
      expectErrorRedirect(
        await tryUri('https://deep.a.example.com/cb'),
        'https://deep.a.example.com/cb',
        'unsupported_response_type',
        'w',
      );
      for (const refused of [
        'https://example.com/cb',
        'https://evilexample.com/cb',
        'https://a.example.com.evil.net/cb',
        'https://a.example.com@evil.com/cb',
        'http://a.example.com/cb',
        'https://a.example.com:8443/cb',
        'https://a.example.com/cb#frag',
      ]) {
        expectErrorPage(await tryUri(refused));
      }
    });
  });

  describe('other errors redirect with error, state and iss', () => {
    const base = () => ({ client_id: confidential.client_id, state: 'xyz' });
    const cb = 'https://app.example.com/cb';

    it('invalid_scope for an unknown scope', async () => {
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), scope: 'PROFILE:READ WALLET:DRAIN' })),
        cb,
        'invalid_scope',
        'xyz',
      );
    });

    it('unsupported_response_type for anything but code', async () => {
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), response_type: 'token' })),
        cb,
        'unsupported_response_type',
        'xyz',
      );
    });

    it("keeps the redirect URI's own query on error redirects", async () => {
      const target = expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), response_type: 'token' })),
        cb,
        'unsupported_response_type',
        'xyz',
      );
      expect(target.searchParams.get('tenant')).toBe('7');
    });

    it('refuses plain PKCE and unknown methods', async () => {
      for (const method of ['plain', 'S512', 's256']) {
        expectErrorRedirect(
          await signedIn.get(authorizeUrl({ ...base(), code_challenge: CHALLENGE, code_challenge_method: method })),
          cb,
          'invalid_request',
          'xyz',
        );
      }
    });

    it('refuses a method without a challenge, and a malformed challenge', async () => {
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), code_challenge_method: 'S256' })),
        cb,
        'invalid_request',
        'xyz',
      );
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), code_challenge: 'short' })),
        cb,
        'invalid_request',
        'xyz',
      );
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), code_challenge: `${CHALLENGE.slice(1)}=` })),
        cb,
        'invalid_request',
        'xyz',
      );
    });

    it('requires a challenge from a public app', async () => {
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ client_id: publicApp.client_id, state: 'p' })),
        'https://public.example.org/cb',
        'invalid_request',
        'p',
      );
      const withChallenge = await signedIn.get(
        authorizeUrl({ client_id: publicApp.client_id, state: 'p', code_challenge: CHALLENGE }),
      );
      expect(withChallenge.statusCode).toBe(200);
      expect(withChallenge.body).toContain('Authorize');
    });

    it('refuses unknown prompt and approval_prompt values', async () => {
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), prompt: 'select_account' })),
        cb,
        'invalid_request',
        'xyz',
      );
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...base(), approval_prompt: 'always' })),
        cb,
        'invalid_request',
        'xyz',
      );
    });

    it('omits state when none was sent', async () => {
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ client_id: confidential.client_id, scope: 'NOPE' })),
        cb,
        'invalid_scope',
      );
    });
  });

  describe('sign-in, prompt and remembered consent', () => {
    it('shows the sign-in page with next = this request when signed out', async () => {
      const url = authorizeUrl({ client_id: confidential.client_id, scope: 'PROFILE:READ PHONE:READ', state: 'n' });
      const response = await new TestBrowser(h.app).get(url);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<label for="signin-username">Username</label>');
      const next = /name="next" value="([^"]*)"/.exec(response.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
      const nextUrl = new URL(next, ISSUER);
      expect(nextUrl.pathname).toBe('/oauth/authorize');
      expect(nextUrl.searchParams.get('client_id')).toBe(confidential.client_id);
      expect(nextUrl.searchParams.get('scope')).toBe('PROFILE:READ PHONE:READ');
      expect(nextUrl.searchParams.get('state')).toBe('n');
    });

    it('opens at most 60 device requests per address in 10 minutes; past that the page signs in by password only', async () => {
      const url = authorizeUrl({ client_id: confidential.client_id, scope: 'PROFILE:READ', state: 'flood' });
      const pending = async () =>
        Number(
          (
            await h.db
              .selectFrom('device_requests')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const flooder = (address: string) => new TestBrowser(h.app, address);
      expect(MAX_DEVICE_REQUESTS_PER_ADDRESS).toBe(60);
      // at the start of a window, so the 61 views below share it
      h.clock.advance(DEVICE_REQUEST_WINDOW_MS - (h.clock.now() % DEVICE_REQUEST_WINDOW_MS));
      const before = await pending();
      for (let i = 0; i < 60; i++) expect((await flooder('198.51.100.9').get(url)).body).toContain('class="qr"');
      expect(await pending()).toBe(before + 60);

      const refused = await flooder('198.51.100.9').get(url);
      expect(refused.statusCode).toBe(200);
      expect(refused.body).toContain('<label for="signin-username">Username</label>');
      expect(refused.body).not.toContain('class="qr"');
      expect(refused.body).toContain('id="device-unavailable"');
      expect(await pending()).toBe(before + 60);

      // another address is not affected, and the next window allows this one again
      expect((await flooder('198.51.100.10').get(url)).body).toContain('class="qr"');
      h.clock.advance(DEVICE_REQUEST_WINDOW_MS);
      expect((await flooder('198.51.100.9').get(url)).body).toContain('class="qr"');
    });

    it('prompt=login shows the sign-in page to a signed-in user, and the way back drops it', async () => {
      const response = await signedIn.get(authorizeUrl({ client_id: confidential.client_id, prompt: 'login' }));
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('Sign in');
      expect(response.body).not.toContain('>Authorize<');
      const next = /name="next" value="([^"]*)"/.exec(response.body)?.[1]?.replace(/&amp;/g, '&') ?? '';
      expect(new URL(next, ISSUER).searchParams.get('prompt')).toBeNull();
    });

    it('prompt=none: login_required when signed out, consent_required without a grant', async () => {
      const cb = 'https://app.example.com/cb';
      const params = { client_id: confidential.client_id, scope: 'PHONE:READ', state: 'pn', prompt: 'none' };
      const signedOut = await new TestBrowser(h.app).get(authorizeUrl(params));
      expectErrorRedirect(signedOut, cb, 'login_required', 'pn');
      const fresh = await h.newApp({ redirectUris: [cb] });
      expectErrorRedirect(
        await signedIn.get(authorizeUrl({ ...params, client_id: fresh.client_id })),
        cb,
        'consent_required',
        'pn',
      );
      await recordGrant(h, h.userId, fresh.client_id, ['PROFILE:READ', 'PHONE:READ']);
      const granted = await signedIn.get(authorizeUrl({ ...params, client_id: fresh.client_id }));
      expect(location(granted).searchParams.get('code')).toBeTruthy();
      const forced = await signedIn.get(
        authorizeUrl({ ...params, client_id: fresh.client_id, approval_prompt: 'force' }),
      );
      expectErrorRedirect(forced, cb, 'consent_required', 'pn');
    });

    it('skips consent when the grant covers the request, and the code carries only the requested scopes', async () => {
      const app = await h.newApp({ redirectUris: ['https://remember.example.com/cb?keep=yes'] });
      await recordGrant(h, h.userId, app.client_id, ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ']);
      const response = await signedIn.get(
        authorizeUrl({
          client_id: app.client_id,
          scope: 'PHONE:READ',
          state: 's1',
          return_to: '/wallet',
          code_challenge: CHALLENGE,
          code_challenge_method: 'SHA256',
        }),
      );
      expect(response.statusCode).toBe(302);
      const target = location(response);
      expect(`${target.origin}${target.pathname}`).toBe('https://remember.example.com/cb');
      expect(target.searchParams.get('keep')).toBe('yes');
      expect(target.searchParams.get('state')).toBe('s1');
      expect(target.searchParams.get('iss')).toBe(ISSUER);
      expect(target.searchParams.get('return_to')).toBe('/wallet');
      const row = await codeRow(target.searchParams.get('code') ?? '');
      expect(row.scopes).toBe('PROFILE:READ PHONE:READ');
      expect(row.user_id).toBe(h.userId);
      expect(row.client_id).toBe(app.client_id);
      expect(row.code_challenge).toBe(CHALLENGE);
      expect(row.redirect_uri).toBe('https://remember.example.com/cb?keep=yes');
      expect(row.redirect_uri_sent).toBeNull();
      expect(response.headers['referrer-policy']).toBe('no-referrer');
    });

    it('shows consent again when the grant does not cover a scope', async () => {
      const app = await h.newApp({ redirectUris: ['https://partial.example.com/cb'] });
      await recordGrant(h, h.userId, app.client_id, ['PROFILE:READ']);
      const response = await signedIn.get(
        authorizeUrl({ client_id: app.client_id, scope: 'PROFILE:READ ASSETS:READ' }),
      );
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('ASSETS:READ');
    });

    it('forced consent (approval_prompt=force, prompt=consent) shows the page despite the grant', async () => {
      const app = await h.newApp({ redirectUris: ['https://forced.example.com/cb'] });
      await recordGrant(h, h.userId, app.client_id, ['PROFILE:READ', 'PHONE:READ']);
      const forcing: Record<string, string>[] = [{ approval_prompt: 'force' }, { prompt: 'consent' }];
      for (const extra of forcing) {
        const response = await signedIn.get(authorizeUrl({ client_id: app.client_id, scope: 'PHONE:READ', ...extra }));
        expect(response.statusCode).toBe(200);
        expect(response.headers.location).toBeUndefined();
        expect(response.body).toContain('>Authorize</button>');
      }
      const auto = await signedIn.get(
        authorizeUrl({ client_id: app.client_id, scope: 'PHONE:READ', approval_prompt: 'auto' }),
      );
      expect(auto.statusCode).toBe(302);
    });

    it('has no HEAD twin that could issue codes', async () => {
      const app = await h.newApp({ redirectUris: ['https://head.example.com/cb'] });
      await recordGrant(h, h.userId, app.client_id, ['PROFILE:READ']);
      const head = await h.app.inject({
        method: 'HEAD',
        url: authorizeUrl({ client_id: app.client_id }),
        headers: { cookie: signedIn.cookieHeader },
      });
      expect(head.headers.location).toBeUndefined();
      expect(
        await h.db.selectFrom('authorization_codes').selectAll().where('client_id', '=', app.client_id).execute(),
      ).toHaveLength(0);
    });

    it('accepts `+` as a scope separator and defaults to PROFILE:READ', async () => {
      const plus = await signedIn.get(
        `/oauth/authorize?client_id=${confidential.client_id}&scope=PHONE:READ%2BASSETS:READ`,
      );
      expect(plus.statusCode).toBe(200);
      expect(plus.body).toContain('value="PHONE:READ"');
      expect(plus.body).toContain('value="ASSETS:READ"');
      const none = await signedIn.get(authorizeUrl({ client_id: confidential.client_id }));
      expect(none.body).toContain('PROFILE:READ');
      expect(none.body).not.toContain('value="PHONE:READ"');
    });
  });
});

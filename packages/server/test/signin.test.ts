import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../src/accounts/service.js';
import {
  MAX_FAILURES_PER_ACCOUNT,
  MAX_FAILURES_PER_ADDRESS,
  SIGNIN_WINDOW_MS,
} from '../src/accounts/signin-throttle.js';
import { HOST_SESSION_COOKIE, SESSION_COOKIE } from '../src/plugins/web-session.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, location, startWebHarness } from './web.js';

const signedInAs = (body: string) => body.includes('You are signed in as Alice Liddell');

describe('sign-in, sessions and sign-out', () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await startWebHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('shows a form labelled Username and Password with a Sign in button, a CSRF token and a safe next', async () => {
    const response = await new TestBrowser(h.app).get('/signin?next=%2Foauth%2Fauthorize%3Fclient_id%3Dx');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<label for="signin-username">Username</label>');
    expect(response.body).toContain('<label for="signin-password">Password</label>');
    expect(response.body).toMatch(/<button type="submit" class="primary">Sign in<\/button>/);
    expect(csrfOf(response.body)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body).toContain('name="next" value="/oauth/authorize?client_id=x"');
  });

  it('gives every browser an HttpOnly, SameSite=Lax id cookie: __Host-, Secure, Path=/ and no Domain under an https issuer', async () => {
    const response = await new TestBrowser(h.app).get('/signin');
    expect(response.cookies.map((c) => c.name)).toEqual([HOST_SESSION_COOKIE]);
    expect(HOST_SESSION_COOKIE).toBe('__Host-signet_sid');
    const cookie = response.cookies.find((c) => c.name === HOST_SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: true });
    expect(cookie?.domain).toBeUndefined();
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // API calls never get one
    expect((await h.app.inject('/healthz')).headers['set-cookie']).toBeUndefined();

    const plain = await startWebHarness({ ISSUER: 'http://localhost:8080' });
    try {
      const cookies = (await new TestBrowser(plain.app).get('/signin')).cookies;
      expect(cookies.map((c) => c.name)).toEqual([SESSION_COOKIE]);
      const insecure = cookies.find((c) => c.name === SESSION_COOKIE);
      expect(insecure?.secure).toBeFalsy();
      expect(insecure?.httpOnly).toBe(true);
    } finally {
      await plain.close();
    }
  });

  it('under an https issuer, reads the id only from the __Host- cookie, not from a plain one a subdomain could plant', async () => {
    const browser = new TestBrowser(h.app);
    expect((await browser.signIn('alice', PASSWORD)).statusCode).toBe(303);
    const id = browser.cookies.get(HOST_SESSION_COOKIE) ?? '';
    expect(signedInAs((await browser.get('/signin')).body)).toBe(true);
    const planted = new TestBrowser(h.app);
    planted.cookies.set(SESSION_COOKIE, id);
    const page = await planted.get('/signin');
    expect(signedInAs(page.body)).toBe(false);
    // and it is given its own __Host- id instead
    expect(page.cookies.map((c) => c.name)).toEqual([HOST_SESSION_COOKIE]);
  });

  it('signs in with a 303 to next, rotating the browser id; the id from before sign-in is worth nothing', async () => {
    const browser = new TestBrowser(h.app);
    const before = (await browser.get('/signin')).cookies.find((c) => c.name === HOST_SESSION_COOKIE)?.value ?? '';
    const response = await browser.post('/signin', {
      _csrf: csrfOf((await browser.get('/signin')).body),
      username: 'Alice',
      password: PASSWORD,
      next: '/dashboard?tab=apps',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/dashboard?tab=apps');
    const after = response.cookies.find((c) => c.name === HOST_SESSION_COOKIE);
    expect(after).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: true,
      maxAge: 14 * 24 * 60 * 60,
    });
    expect(after?.value).not.toBe(before);
    expect(signedInAs((await browser.get('/signin')).body)).toBe(true);

    const row = await h.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('session_hash', '=', sha256Hex(after?.value ?? ''))
      .executeTakeFirstOrThrow();
    expect(row.user_id).toBe(h.userId);
    expect(row.expires_at - row.created_at).toBe(14 * 24 * 60 * 60 * 1000);

    // someone who planted or kept the old id is not signed in
    const fixated = new TestBrowser(h.app);
    fixated.cookies.set(HOST_SESSION_COOKIE, before);
    expect(signedInAs((await fixated.get('/signin')).body)).toBe(false);
  });

  it('ends the session when it expires', async () => {
    const browser = new TestBrowser(h.app);
    await browser.signIn('alice', PASSWORD);
    expect(signedInAs((await browser.get('/signin')).body)).toBe(true);
    h.clock.advance(14 * 24 * 60 * 60 * 1000 + 1);
    expect(signedInAs((await browser.get('/signin')).body)).toBe(false);
  });

  it('refuses a wrong password with 401, keeping the username but never the password', async () => {
    const browser = new TestBrowser(h.app);
    const response = await browser.post('/signin', {
      _csrf: csrfOf((await browser.get('/signin')).body),
      username: 'alice',
      password: 'not-the-password',
    });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('Wrong username or password.');
    expect(response.body).toContain('value="alice"');
    expect(response.body).not.toContain('not-the-password');
    expect(response.cookies.find((c) => c.name === HOST_SESSION_COOKIE)).toBeUndefined();
    const unknown = await browser.post('/signin', {
      _csrf: csrfOf((await browser.get('/signin')).body),
      username: 'nobody',
      password: 'whatever1',
    });
    expect(unknown.statusCode).toBe(401);
  });

  it('refuses a sign-in without its CSRF token', async () => {
    const browser = new TestBrowser(h.app);
    await browser.get('/signin');
    const response = await browser.post('/signin', { username: 'alice', password: PASSWORD });
    expect(response.statusCode).toBe(403);
    expect(await h.db.selectFrom('web_sessions').selectAll().execute()).toHaveLength(0);
  });

  it('only returns to local paths', async () => {
    for (const [next, expected] of [
      ['//evil.example/x', '/account'],
      ['/\\evil.example/x', '/account'],
      ['https://evil.example/x', '/account'],
      ['javascript:alert(1)', '/account'],
      ['/\t/evil.example', '/account'],
      ['', '/account'],
      ['/oauth/authorize?client_id=a&scope=PROFILE:READ', '/oauth/authorize?client_id=a&scope=PROFILE:READ'],
    ] as const) {
      const browser = new TestBrowser(h.app);
      const response = await browser.post('/signin', {
        _csrf: csrfOf((await browser.get('/signin')).body),
        username: 'alice',
        password: PASSWORD,
        next,
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(expected);
    }
  });

  it('signs out with a 303 to /signin, deleting the session and rotating the id', async () => {
    const browser = new TestBrowser(h.app);
    await browser.signIn('alice', PASSWORD);
    const signedInId = browser.cookies.get(HOST_SESSION_COOKIE) ?? '';
    const page = await browser.get('/signin');
    // without the token: refused, still signed in
    expect((await browser.post('/signout', {})).statusCode).toBe(403);
    expect(signedInAs((await browser.get('/signin')).body)).toBe(true);

    const response = await browser.post('/signout', { _csrf: csrfOf(page.body) });
    expect(response.statusCode).toBe(303);
    expect(location(response).pathname).toBe('/signin');
    expect(browser.cookies.get(HOST_SESSION_COOKIE)).not.toBe(signedInId);
    expect(signedInAs((await browser.get('/signin')).body)).toBe(false);
    expect(
      await h.db.selectFrom('web_sessions').selectAll().where('session_hash', '=', sha256Hex(signedInId)).execute(),
    ).toHaveLength(0);
    const stolen = new TestBrowser(h.app);
    stolen.cookies.set(HOST_SESSION_COOKIE, signedInId);
    expect(signedInAs((await stolen.get('/signin')).body)).toBe(false);
  });
});

describe('sign-in throttling', () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await startWebHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  async function attempt(browser: TestBrowser, username: string, password: string) {
    const page = await browser.get('/signin');
    return browser.post('/signin', { _csrf: csrfOf(page.body), username, password });
  }

  it(`allows ${MAX_FAILURES_PER_ACCOUNT} failures per account, then answers 429 even to the right password, from any address`, async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) {
      const browser = new TestBrowser(h.app, `192.0.2.${i + 1}`);
      expect((await attempt(browser, 'alice', `wrong-${i}-password`)).statusCode).toBe(401);
    }
    const blocked = await attempt(new TestBrowser(h.app, '192.0.2.99'), 'ALICE', PASSWORD);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.body).toContain('Too many failed sign-ins');
    expect(blocked.cookies.find((c) => c.name === HOST_SESSION_COOKIE)).toBeUndefined();
    // another account from the same address is unaffected
    await createUser(h, { username: 'bob', password: PASSWORD });
    expect((await attempt(new TestBrowser(h.app, '192.0.2.99'), 'bob', PASSWORD)).statusCode).toBe(303);
    // the window passes
    h.clock.advance(SIGNIN_WINDOW_MS);
    expect((await attempt(new TestBrowser(h.app, '192.0.2.99'), 'alice', PASSWORD)).statusCode).toBe(303);
  });

  it(`allows ${MAX_FAILURES_PER_ADDRESS} failures per address across accounts, then answers 429 from that address only`, async () => {
    const attacker = new TestBrowser(h.app, '198.51.100.66');
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await attempt(attacker, `user${i}`, 'guess-password')).statusCode).toBe(401);
    }
    expect((await attempt(attacker, 'alice', PASSWORD)).statusCode).toBe(429);
    expect((await attempt(new TestBrowser(h.app, '198.51.100.67'), 'alice', PASSWORD)).statusCode).toBe(303);
  });

  it('counts IPv6 addresses by their /64, so a host cannot dodge the limit by changing its address', async () => {
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      expect(
        (await attempt(new TestBrowser(h.app, `2001:db8:6:1::${(i + 1).toString(16)}`), `user${i}`, 'guess-password'))
          .statusCode,
      ).toBe(401);
    }
    expect((await attempt(new TestBrowser(h.app, '2001:db8:6:1:ffff::1'), 'alice', PASSWORD)).statusCode).toBe(429);
    expect((await attempt(new TestBrowser(h.app, '2001:db8:6:2::1'), 'alice', PASSWORD)).statusCode).toBe(303);
  });

  it('ignores X-Forwarded-For unless a proxy is trusted, so the address limit cannot be dodged', async () => {
    const attacker = new TestBrowser(h.app, '198.51.100.70');
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) {
      const page = await attacker.get('/signin');
      const response = await attacker.post(
        '/signin',
        { _csrf: csrfOf(page.body), username: `user${i}`, password: 'guess-password' },
        { 'x-forwarded-for': `203.0.113.${i}` },
      );
      expect(response.statusCode).toBe(401);
    }
    expect((await attempt(attacker, 'alice', PASSWORD)).statusCode).toBe(429);
  });

  it('does not count successful sign-ins', async () => {
    const browser = new TestBrowser(h.app, '203.0.113.50');
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT + 3; i++)
      expect((await attempt(browser, 'alice', PASSWORD)).statusCode).toBe(303);
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT - 1; i++)
      expect((await attempt(browser, 'alice', 'wrong-password')).statusCode).toBe(401);
    expect((await attempt(browser, 'alice', PASSWORD)).statusCode).toBe(303);
  });

  it('cannot be outrun by parallel guesses', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        attempt(new TestBrowser(h.app, `192.0.2.${i + 10}`), 'alice', `parallel-${i}-guess`),
      ),
    );
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 401)).toHaveLength(MAX_FAILURES_PER_ACCOUNT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(12 - MAX_FAILURES_PER_ACCOUNT);
  });

  it('is off when RATE_LIMITS=off', async () => {
    const open = await startWebHarness({ RATE_LIMITS: 'off' });
    try {
      const browser = new TestBrowser(open.app);
      for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT + 2; i++)
        expect((await attempt(browser, 'alice', 'wrong-password')).statusCode).toBe(401);
      expect((await attempt(browser, 'alice', PASSWORD)).statusCode).toBe(303);
    } finally {
      await open.close();
    }
  });
});

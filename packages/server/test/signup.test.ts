import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_SIGNUPS_PER_ADDRESS, SIGNUP_WINDOW_MS } from '../src/accounts/signup-throttle.js';
import { HOST_SESSION_COOKIE } from '../src/plugins/web-session.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, startWebHarness } from './web.js';

const userCount = async (h: WebHarness) => (await h.db.selectFrom('users').select('user_id').execute()).length;

describe('sign-up', () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await startWebHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  async function signUp(browser: TestBrowser, fields: Record<string, string>) {
    const page = await browser.get('/signup?next=%2Fdashboard');
    return browser.post('/signup', { _csrf: csrfOf(page.body), next: '/dashboard', ...fields });
  }

  it('shows the labelled form with a CSRF token, and the sign-in page links to it keeping next', async () => {
    const page = await new TestBrowser(h.app).get('/signup?next=%2Fdashboard');
    expect(page.statusCode).toBe(200);
    for (const label of ['Username', 'Password', 'Full name', 'Phone'])
      expect(page.body).toMatch(new RegExp(`<label for="[^"]+">${label}</label>`));
    expect(page.body).toContain('>Create account</button>');
    expect(page.body).toContain('name="next" value="/dashboard"');
    expect(csrfOf(page.body)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signin = await new TestBrowser(h.app).get('/signin?next=%2Fdashboard');
    expect(signin.body).toContain('No account yet? <a href="/signup?next=%2Fdashboard">Create one</a>');
  });

  it(`refuses sign-ups past ${MAX_SIGNUPS_PER_ADDRESS} attempts an hour from one address, creating nothing, and counts again in the next hour`, async () => {
    const browser = new TestBrowser(h.app);
    // refused forms count too: every attempt is counted before it is checked
    for (let i = 0; i < MAX_SIGNUPS_PER_ADDRESS; i++)
      expect(
        (await signUp(browser, { username: 'x', password: 'a long password', full_name: 'X', phone: '' })).statusCode,
      ).toBe(400);
    const before = await userCount(h);
    const refused = await signUp(browser, {
      username: 'one_too_many',
      password: 'a long password',
      full_name: 'Late',
      phone: '',
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.body).toContain('Too many sign-ups from this address');
    expect(refused.body).toContain('value="one_too_many"');
    expect(await userCount(h)).toBe(before);
    h.clock.advance(SIGNUP_WINDOW_MS);
    expect(
      (await signUp(browser, { username: 'one_too_many', password: 'a long password', full_name: 'Late', phone: '' }))
        .statusCode,
    ).toBe(303);
  });

  it('creates the account and signs in at once, on a fresh browser id, with a 303 to next', async () => {
    const browser = new TestBrowser(h.app);
    const before = (await browser.get('/signup')).cookies.find((c) => c.name === HOST_SESSION_COOKIE)?.value;
    const response = await signUp(browser, {
      username: 'dev_one',
      password: 'a long password',
      full_name: 'Dev One',
      phone: '+14155550123',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/dashboard');
    const sid = browser.cookies.get(HOST_SESSION_COOKIE) ?? '';
    expect(sid).not.toBe(before);
    const user = await h.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', 'dev_one')
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({ full_name: 'Dev One', phone: '+14155550123', kind: 'user' });
    const session = await h.db
      .selectFrom('web_sessions')
      .selectAll()
      .where('session_hash', '=', sha256Hex(sid))
      .executeTakeFirstOrThrow();
    expect(session.user_id).toBe(user.user_id);
    expect((await browser.get('/signin')).body).toContain('You are signed in as Dev One');
  });

  it('takes no phone at all', async () => {
    const response = await signUp(new TestBrowser(h.app), {
      username: 'nophone',
      password: 'a long password',
      full_name: 'No Phone',
      phone: '',
    });
    expect(response.statusCode).toBe(303);
    const user = await h.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', 'nophone')
      .executeTakeFirstOrThrow();
    expect(user.phone).toBeNull();
  });

  it.each([
    [
      'username',
      { username: 'x', password: 'a long password', full_name: 'Someone', phone: '' },
      'signup-username',
      400,
    ],
    ['password', { username: 'shortpw', password: 'Qz7!xy', full_name: 'Someone', phone: '' }, 'signup-password', 400],
    [
      'full_name',
      { username: 'noname', password: 'a long password', full_name: '  ', phone: '' },
      'signup-full-name',
      400,
    ],
    [
      'phone',
      { username: 'badphone', password: 'a long password', full_name: 'Someone', phone: '555-1234' },
      'signup-phone',
      400,
    ],
    [
      'username',
      { username: 'ALICE', password: 'a long password', full_name: 'Another Alice', phone: '' },
      'signup-username',
      409,
    ],
  ])(
    'refuses a bad %s next to its field, keeps the input but not the password, stores nothing',
    async (_field, fields, id, status) => {
      const before = await userCount(h);
      const response = await signUp(new TestBrowser(h.app), fields);
      expect(response.statusCode).toBe(status);
      expect(response.body).toMatch(
        new RegExp(`id="${id}" name="[a-z_]+"[^>]* aria-invalid="true" aria-describedby="[^"]*${id}-error"`),
      );
      expect(response.body).toContain(`<p class="field-error" id="${id}-error">`);
      if (fields.username !== 'ALICE') expect(response.body).toContain(`value="${fields.username}"`);
      expect(response.body).toContain(`value="${fields.full_name}"`);
      expect(response.body).not.toContain(fields.password);
      expect(response.cookies.find((c) => c.name === HOST_SESSION_COOKIE && c.maxAge)).toBeUndefined();
      expect(await userCount(h)).toBe(before);
    },
  );

  it('says a taken username is taken, ignoring case', async () => {
    const response = await signUp(new TestBrowser(h.app), {
      username: 'Alice',
      password: PASSWORD,
      full_name: 'Alice Two',
      phone: '',
    });
    expect(response.statusCode).toBe(409);
    expect(response.body).toContain('Username is already taken.');
  });

  it('refuses a sign-up without its CSRF token and creates nothing', async () => {
    const browser = new TestBrowser(h.app);
    await browser.get('/signup');
    const before = await userCount(h);
    const response = await browser.post('/signup', {
      username: 'csrfless',
      password: 'a long password',
      full_name: 'X',
    });
    expect(response.statusCode).toBe(403);
    expect(await userCount(h)).toBe(before);
  });

  it('only returns to local paths', async () => {
    const browser = new TestBrowser(h.app);
    const response = await signUp(browser, {
      username: 'wanderer',
      password: 'a long password',
      full_name: 'W',
      next: '//evil.example/',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/account');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/accounts/service.js';
import { MAX_FAILURES_PER_ACCOUNT } from '../src/accounts/signin-throttle.js';
import { auditMark } from './audit-rows.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, startWebHarness } from './web.js';

// a password nobody would pick by accident: it must never appear in a row
const WRONG_PASSWORD = 'Tr0ub4dor&3-not-alice';

describe('audit log: sign-in and sign-out', () => {
  let h: WebHarness;
  beforeAll(async () => {
    h = await startWebHarness();
  });
  afterAll(async () => h?.close());

  async function postSignIn(browser: TestBrowser, username: string, password: string) {
    const page = await browser.get('/signin');
    return browser.post('/signin', { _csrf: csrfOf(page.body), username, password, next: '/account' });
  }

  it('records a sign-in with the user, the client address and the method', async () => {
    const rows = await auditMark(h.db);
    const browser = new TestBrowser(h.app, '198.51.100.20');
    expect((await browser.signIn('alice', PASSWORD)).statusCode).toBe(303);
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'signin.succeeded',
        user_id: h.userId,
        ip: '198.51.100.20',
        client_id: null,
        detail: { method: 'password' },
        created_at: h.clock.now(),
      }),
    ]);
  });

  it('records a wrong password against the account, without the password', async () => {
    const rows = await auditMark(h.db);
    expect((await postSignIn(new TestBrowser(h.app, '198.51.100.21'), 'alice', WRONG_PASSWORD)).statusCode).toBe(401);
    const [row, ...more] = await rows();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      type: 'signin.failed',
      user_id: h.userId,
      ip: '198.51.100.21',
      detail: { reason: 'wrong_password' },
    });
    expect(row?.raw).not.toContain(WRONG_PASSWORD);
    expect(row?.raw).not.toContain(PASSWORD);
  });

  it('records an unknown user by the name tried, only when it could be a username', async () => {
    const rows = await auditMark(h.db);
    await postSignIn(new TestBrowser(h.app, '198.51.100.22'), 'mallory', WRONG_PASSWORD);
    // a password typed into the username field by mistake is not kept
    await postSignIn(new TestBrowser(h.app, '198.51.100.22'), 'my password is hunter2', WRONG_PASSWORD);
    const recorded = await rows();
    expect(recorded.map((row) => [row.type, row.user_id, row.detail])).toEqual([
      ['signin.failed', null, { reason: 'unknown_user', username: 'mallory' }],
      ['signin.failed', null, { reason: 'unknown_user', username: null }],
    ]);
    for (const row of recorded) {
      expect(row.raw).not.toContain(WRONG_PASSWORD);
      expect(row.raw).not.toContain('hunter2');
    }
  });

  it('records a throttled attempt as such, and never checks (or keeps) its password', async () => {
    const bob = await createUser({ db: h.db, clock: h.clock }, { username: 'bob', password: 'bobs long password' });
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++)
      await postSignIn(new TestBrowser(h.app, `198.51.100.${30 + i}`), 'bob', WRONG_PASSWORD);
    const rows = await auditMark(h.db);
    const refused = await postSignIn(new TestBrowser(h.app, '198.51.100.40'), 'bob', 'bobs long password');
    expect(refused.statusCode).toBe(429);
    const [row, ...more] = await rows();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      type: 'signin.failed',
      user_id: bob.user_id,
      ip: '198.51.100.40',
      detail: { reason: 'throttled' },
    });
    expect(row?.raw).not.toContain('bobs long password');
  });

  it('records only the refusal that crossed the limit, not each one after it in the window', async () => {
    await createUser({ db: h.db, clock: h.clock }, { username: 'dora', password: 'doras long password' });
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++)
      await postSignIn(new TestBrowser(h.app, `198.51.100.${70 + i}`), 'dora', WRONG_PASSWORD);
    const rows = await auditMark(h.db);
    for (let i = 0; i < 3; i++) {
      expect(
        (await postSignIn(new TestBrowser(h.app, `198.51.100.${80 + i}`), 'dora', WRONG_PASSWORD)).statusCode,
      ).toBe(429);
    }
    expect((await rows()).map((row) => [row.type, row.ip, row.detail])).toEqual([
      ['signin.failed', '198.51.100.80', { reason: 'throttled' }],
    ]);
  });

  it('writes nothing for a form refused before any check: no CSRF token, or no password', async () => {
    const rows = await auditMark(h.db);
    const browser = new TestBrowser(h.app, '198.51.100.50');
    await browser.get('/signin');
    expect((await browser.post('/signin', { username: 'alice', password: PASSWORD })).statusCode).toBe(403);
    expect((await postSignIn(browser, 'alice', '')).statusCode).toBe(401);
    expect(await rows()).toEqual([]);
  });

  it('records a sign-out of a signed-in browser, and nothing for one that was not signed in', async () => {
    const browser = new TestBrowser(h.app, '198.51.100.60');
    await browser.signIn('alice', PASSWORD);
    const rows = await auditMark(h.db);
    const page = await browser.get('/account');
    expect((await browser.post('/signout', { _csrf: csrfOf(page.body) })).statusCode).toBe(303);
    // signed out now: a second sign-out changes nothing
    const again = await browser.get('/signin');
    expect((await browser.post('/signout', { _csrf: csrfOf(again.body) })).statusCode).toBe(303);
    expect(await rows()).toEqual([
      expect.objectContaining({ type: 'signout', user_id: h.userId, ip: '198.51.100.60' }),
    ]);
  });

  it('records the sign-in that ends a sign-up', async () => {
    const rows = await auditMark(h.db);
    const browser = new TestBrowser(h.app, '198.51.100.70');
    const page = await browser.get('/signup');
    const response = await browser.post('/signup', {
      _csrf: csrfOf(page.body),
      username: 'carol',
      password: 'carols long password',
      full_name: 'Carol',
      next: '/account',
    });
    expect(response.statusCode).toBe(303);
    const carol = await h.db
      .selectFrom('users')
      .select('user_id')
      .where('username', '=', 'carol')
      .executeTakeFirstOrThrow();
    expect(await rows()).toEqual([
      expect.objectContaining({ type: 'signin.succeeded', user_id: carol.user_id, detail: { method: 'signup' } }),
    ]);
  });
});

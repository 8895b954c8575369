import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser } from '../src/accounts/service.js';
import { hashClientSecret } from '../src/apps/secrets.js';
import { HOST_SESSION_COOKIE } from '../src/plugins/web-session.js';
import { ed25519PublicKeyFromSeed, serverKeyPair } from '../src/tokens/server-key.js';
import { APP_FORM, count, createThroughForm, secretOf, signedInAlice, submitNewApp } from './dashboard-fixture.js';
import { TINY_PNG } from './multipart.js';
import { PASSWORD, TestBrowser, type WebHarness, csrfOf, startWebHarness } from './web.js';

describe('developer dashboard', () => {
  let h: WebHarness;
  beforeEach(async () => {
    h = await startWebHarness();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('sends a signed-out browser to sign in and back, for every page and form', async () => {
    const browser = new TestBrowser(h.app);
    for (const path of ['/dashboard', '/dashboard/apps/new', '/dashboard/apps/00000000-0000-4000-8000-000000000000']) {
      const response = await browser.get(path);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/signin?next=${encodeURIComponent(path)}`);
    }
    expect((await browser.post('/dashboard/apps/new', { name: 'x' })).headers.location).toBe(
      '/signin?next=%2Fdashboard',
    );
  });

  it('creates an app: 303 to its page, which shows the client ID and, once, the secret that works', async () => {
    const browser = await signedInAlice(h);
    const { clientId, page, redirect } = await createThroughForm(
      h,
      browser,
      {},
      { name: 'logo', filename: 'logo.png', type: 'image/png', bytes: TINY_PNG },
    );
    expect(redirect.headers.location).toBe(`/dashboard/apps/${clientId}`);
    expect(page).toMatch(/<label for="client-id">Client ID<\/label>/);
    expect(page).toContain(`id="client-id" value="${clientId}" readonly`);
    expect(page).toMatch(/<label for="client-secret">Client secret<\/label>/);
    const secret = secretOf(page) ?? '';
    const row = await h.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashClientSecret(secret));
    expect(row).toMatchObject({
      name: 'Weather Bot',
      owner_id: h.userId,
      type: 'confidential',
      icon_url: `/apps/${clientId}/logo`,
    });
    expect(JSON.parse(row.redirect_uris)).toEqual(['https://weather.example.com/cb', 'http://127.0.0.1/cb']);
    expect(JSON.parse(row.hosts)).toEqual(['*.weather.example.com']);
    expect(page).toContain('<script src="/static/copy.js" defer></script>');
    expect(page).toContain('data-copy="client-secret"');

    // once only: a reload, or another tab, no longer has it
    const again = await browser.get(`/dashboard/apps/${clientId}`);
    expect(again.statusCode).toBe(200);
    expect(secretOf(again.body)).toBeUndefined();
    expect(again.body).not.toContain(secret);
    expect(again.body).toContain('>Rotate secret</button>');
    expect(again.body).toContain('>Delete app</button>');
  });

  it('answers no HEAD on an app page: a HEAD cannot take the secret the next GET shows (security review, issue 17: L4)', async () => {
    const browser = await signedInAlice(h);
    const created = await submitNewApp(h, browser);
    const path = String(created.headers.location);
    const head = await browser.head(path);
    const secret = secretOf((await browser.get(path)).body) ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(head.statusCode).toBe(404);

    const confirm = await browser.get(`${path}/rotate`);
    expect((await browser.post(`${path}/rotate`, { _csrf: csrfOf(confirm.body) })).statusCode).toBe(303);
    const headAfterRotation = await browser.head(path);
    const fresh = secretOf((await browser.get(path)).body) ?? '';
    expect(fresh).toMatch(/^[0-9a-f]{64}$/);
    expect(fresh).not.toBe(secret);
    expect(headAfterRotation.statusCode).toBe(404);
  });

  it('serves the uploaded logo with its sniffed type, nosniff and a locked-down CSP; JSON answers make icon_url absolute', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(
      h,
      browser,
      {},
      { name: 'logo', filename: 'x.bin', type: 'application/octet-stream', bytes: TINY_PNG },
    );
    const logo = await h.app.inject(`/apps/${clientId}/logo`);
    expect(logo.statusCode).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['x-content-type-options']).toBe('nosniff');
    expect(logo.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(logo.rawPayload.equals(TINY_PNG)).toBe(true);
    expect((await h.app.inject('/apps/00000000-0000-4000-8000-000000000000/logo')).statusCode).toBe(404);
    const { publicIconUrl } = await import('../src/apps/logos.js');
    expect(publicIconUrl(`/apps/${clientId}/logo`, 'https://signet.test')).toBe(
      `https://signet.test/apps/${clientId}/logo`,
    );
    expect(publicIconUrl('https://cdn.example.com/a.png', 'https://signet.test')).toBe('https://cdn.example.com/a.png');
  });

  it('lists my apps with name, client_id, type and the number of distinct users who authorized each', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(h, browser);
    const { clientId: publicId } = await createThroughForm(h, browser, { name: 'Phone App', public: '1' });
    const others = await Promise.all(
      ['u1', 'u2'].map((username) => createUser(h, { username: `grant-${username}`, password: PASSWORD })),
    );
    const now = new Date().toISOString();
    for (const user of others)
      await h.db
        .insertInto('grants')
        .values({
          user_id: user.user_id,
          client_id: clientId,
          scopes: 'PROFILE:READ',
          created_at: now,
          updated_at: now,
        })
        .execute();
    // someone else's app is not listed
    await h.newApp({ name: 'Not Mine', ownerId: others[0]?.user_id ?? '' });

    const page = (await browser.get('/dashboard')).body;
    expect(page).toContain(`<a href="/dashboard/apps/${clientId}">Weather Bot</a>`);
    expect(page).toContain(`<code>${clientId}</code>`);
    expect(page).toContain(`<code>${publicId}</code>`);
    expect(page).not.toContain('Not Mine');
    const rowOf = (id: string) =>
      page.slice(page.indexOf(`<code>${id}</code>`), page.indexOf('</tr>', page.indexOf(`<code>${id}</code>`)));
    expect(rowOf(clientId)).toContain('<td data-label="Type">Confidential</td>');
    expect(rowOf(clientId)).toContain('<td data-label="Users">2</td>');
    expect(rowOf(publicId)).toContain('<td data-label="Type">Public</td>');
    expect(rowOf(publicId)).toContain('<td data-label="Users">0</td>');
  });

  it('a public client gets no secret and nothing to rotate', async () => {
    const browser = await signedInAlice(h);
    const { clientId, page } = await createThroughForm(h, browser, { public: '1' });
    expect(secretOf(page)).toBeUndefined();
    expect(page).not.toContain('Rotate secret');
    expect((await browser.get(`/dashboard/apps/${clientId}/rotate`)).statusCode).toBe(404);
    const row = await h.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ type: 'public', secret_hash: null });
  });

  it('rotates only after Confirm; the new secret is shown once and replaces the old', async () => {
    const browser = await signedInAlice(h);
    const { clientId, page } = await createThroughForm(h, browser);
    const old = secretOf(page) ?? '';
    const confirm = await browser.get(`/dashboard/apps/${clientId}/rotate`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('>Confirm</button>');
    const response = await browser.post(`/dashboard/apps/${clientId}/rotate`, { _csrf: csrfOf(confirm.body) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/dashboard/apps/${clientId}`);
    const shown = (await browser.get(`/dashboard/apps/${clientId}`)).body;
    const fresh = secretOf(shown) ?? '';
    expect(fresh).toMatch(/^[0-9a-f]{64}$/);
    expect(fresh).not.toBe(old);
    expect(secretOf((await browser.get(`/dashboard/apps/${clientId}`)).body)).toBeUndefined();
    const row = await h.db
      .selectFrom('apps')
      .select('secret_hash')
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashClientSecret(fresh));
  });

  it('keeps a new secret in the kv only sealed, between the POST that made it and the page that shows it', async () => {
    const browser = await signedInAlice(h);
    const written: string[] = [];
    const set = h.kv.set.bind(h.kv);
    vi.spyOn(h.kv, 'set').mockImplementation(async (key, value, ttlMs) => {
      written.push(`${key} ${value}`);
      return set(key, value, ttlMs);
    });
    const { clientId, page } = await createThroughForm(h, browser);
    const confirm = await browser.get(`/dashboard/apps/${clientId}/rotate`);
    await browser.post(`/dashboard/apps/${clientId}/rotate`, { _csrf: csrfOf(confirm.body) });
    const secrets = [secretOf(page) ?? '', secretOf((await browser.get(`/dashboard/apps/${clientId}`)).body) ?? ''];
    for (const secret of secrets) expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const stashed = written.filter((line) => line.startsWith('dashboard:secret:'));
    expect(stashed).toHaveLength(2);
    const browserId = browser.cookies.get(HOST_SESSION_COOKIE) ?? '';
    expect(browserId).toHaveLength(43);
    for (const line of written) {
      for (const secret of secrets) expect(line).not.toContain(secret);
      // nor the browser id the seal's key comes from
      expect(line).not.toContain(browserId);
    }
  });

  it('deletes only after Confirm, with its bot user, and goes back to the list', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(h, browser);
    const confirm = await browser.get(`/dashboard/apps/${clientId}/delete`);
    expect(confirm.body).toContain('>Confirm</button>');
    const response = await browser.post(`/dashboard/apps/${clientId}/delete`, { _csrf: csrfOf(confirm.body) });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/dashboard');
    expect(await h.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).execute()).toHaveLength(0);
    expect(await h.db.selectFrom('users').selectAll().where('user_id', '=', clientId).execute()).toHaveLength(0);
    expect((await browser.get(`/dashboard/apps/${clientId}`)).statusCode).toBe(404);
  });

  it('downloads a bot keystore as a JSON attachment, keeping only its public half', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(h, browser);
    const page = (await browser.get(`/dashboard/apps/${clientId}`)).body;
    const response = await browser.post(`/dashboard/apps/${clientId}/keystore`, { _csrf: csrfOf(page) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toBe(`attachment; filename="keystore-${clientId}.json"`);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    const keystore = JSON.parse(response.body) as Record<string, string>;
    expect(Object.keys(keystore).sort()).toEqual([
      'app_id',
      'server_public_key',
      'session_id',
      'session_private_key',
      'user_id',
    ]);
    expect(keystore).toMatchObject({
      user_id: clientId,
      app_id: clientId,
      server_public_key: (await serverKeyPair(h.database.storage)).publicKey.toString('hex'),
    });
    expect(keystore.session_private_key).toMatch(/^[0-9a-f]{64}$/);
    const session = await h.db
      .selectFrom('key_sessions')
      .selectAll()
      .where('session_id', '=', keystore.session_id ?? '')
      .executeTakeFirstOrThrow();
    expect(session.user_id).toBe(clientId);
    expect(session.public_key).toBe(
      ed25519PublicKeyFromSeed(Buffer.from(keystore.session_private_key ?? '', 'hex')).toString('hex'),
    );
  });

  it('edits an app: 303, saved, the bot user renamed; the type stays', async () => {
    const browser = await signedInAlice(h);
    const { clientId } = await createThroughForm(h, browser);
    const page = (await browser.get(`/dashboard/apps/${clientId}`)).body;
    const response = await browser.post(`/dashboard/apps/${clientId}`, {
      _csrf: csrfOf(page),
      ...APP_FORM,
      name: 'Weather Bot 2',
      hosts: 'weather.example.org',
      public: '1',
    });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/dashboard/apps/${clientId}?saved=1`);
    const row = await h.db.selectFrom('apps').selectAll().where('client_id', '=', clientId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Weather Bot 2', hosts: '["weather.example.org"]', type: 'confidential' });
    const bot = await h.db.selectFrom('users').selectAll().where('user_id', '=', clientId).executeTakeFirstOrThrow();
    expect(bot.full_name).toBe('Weather Bot 2');
    expect(await count(h, 'apps')).toBe(1);
  });
});

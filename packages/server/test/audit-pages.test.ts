import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Keystore } from '../src/accounts/keystores.js';
import type { AppRow } from '../src/apps/repo.js';
import { createApp } from '../src/apps/service.js';
import { auditMark } from './audit-rows.js';
import { createThroughForm, signedInAlice } from './dashboard-fixture.js';
import { basic } from './token-fixture.js';
import {
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
const CALLBACK = 'https://moon.example.com/cb';
const ADDRESS = '192.0.2.44';

describe('audit log: consent, the account page and the dashboard', () => {
  let h: WebHarness;
  let app: AppRow;
  let secret: string;
  let browser: TestBrowser;

  beforeAll(async () => {
    h = await startWebHarness();
  });
  beforeEach(async () => {
    const created = await createApp(
      { db: h.db, clock: h.clock },
      { name: 'Moon Wallet', ownerId: h.userId, redirectUris: [CALLBACK] },
    );
    app = created.app;
    secret = created.clientSecret ?? '';
    browser = new TestBrowser(h.app, ADDRESS);
    await browser.signIn('alice', PASSWORD);
  });
  afterAll(async () => h?.close());

  async function consentFields(): Promise<[string, string][]> {
    const page = await browser.get(
      authorizeUrl({ client_id: app.client_id, scope: 'PROFILE:READ PHONE:READ ASSETS:READ', state: 's' }),
    );
    expect(page.statusCode).toBe(200);
    return formFields(page.body, DECISION);
  }

  /** Consent through the page, then the code redeemed: one live authorization. */
  async function authorized(): Promise<string> {
    const response = await browser.post(DECISION, [...(await consentFields()), ['decision', 'authorize']]);
    const code = location(response).searchParams.get('code') ?? '';
    const token = await h.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(app.client_id, secret) },
      payload: new URLSearchParams({ grant_type: 'authorization_code', code }).toString(),
    });
    return (token.json() as { authorization_id?: string }).authorization_id ?? '';
  }

  it('records consent granted with the scopes granted and the scopes asked for', async () => {
    const rows = await auditMark(h.db);
    const fields = (await consentFields()).filter(([name, value]) => !(name === 'granted' && value === 'ASSETS:READ'));
    expect((await browser.post(DECISION, [...fields, ['decision', 'authorize']])).statusCode).toBe(303);
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'consent.granted',
        user_id: h.userId,
        client_id: app.client_id,
        ip: ADDRESS,
        detail: {
          granted: ['PROFILE:READ', 'PHONE:READ'],
          asked: ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ'],
          via: 'authorize',
        },
      }),
    ]);
  });

  it('records consent denied, and writes nothing when the form comes back without a decision', async () => {
    const fields = await consentFields();
    const rows = await auditMark(h.db);
    expect((await browser.post(DECISION, fields)).statusCode).toBe(400);
    expect(await rows()).toEqual([]);
    expect(location(await browser.post(DECISION, [...fields, ['decision', 'deny']])).searchParams.get('error')).toBe(
      'access_denied',
    );
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'consent.denied',
        user_id: h.userId,
        client_id: app.client_id,
        ip: ADDRESS,
        detail: { asked: ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ'], via: 'authorize' },
      }),
    ]);
  });

  it('records a keystore created and revoked on the account page; revoking it again writes nothing', async () => {
    const rows = await auditMark(h.db);
    const csrf = csrfOf((await browser.get('/account')).body);
    const keystore = (await browser.post('/account/keystores', { _csrf: csrf })).json() as Keystore;
    expect(
      (await browser.post('/account/keystores/revoke', { _csrf: csrf, session_id: keystore.session_id })).statusCode,
    ).toBe(303);
    expect(
      (await browser.post('/account/keystores/revoke', { _csrf: csrf, session_id: keystore.session_id })).statusCode,
    ).toBe(303);
    const recorded = await rows();
    expect(recorded.map((row) => [row.type, row.user_id, row.ip, row.detail])).toEqual([
      ['keystore.created', h.userId, ADDRESS, { session_id: keystore.session_id, via: 'account' }],
      ['keystore.revoked', h.userId, ADDRESS, { session_id: keystore.session_id, via: 'account' }],
    ]);
    for (const row of recorded) expect(row.raw).not.toContain(keystore.session_private_key);
  });

  it('records an app revoked on the account page with what ended; a revoke that ends nothing writes nothing', async () => {
    const authorizationId = await authorized();
    expect(authorizationId).not.toBe('');
    const rows = await auditMark(h.db);
    const csrf = csrfOf((await browser.get('/account')).body);
    expect((await browser.post('/account/apps/revoke', { _csrf: csrf, client_id: app.client_id })).statusCode).toBe(
      303,
    );
    expect((await browser.post('/account/apps/revoke', { _csrf: csrf, client_id: app.client_id })).statusCode).toBe(
      303,
    );
    expect(await rows()).toEqual([
      expect.objectContaining({
        type: 'authorization.revoked',
        user_id: h.userId,
        client_id: app.client_id,
        ip: ADDRESS,
        detail: {
          via: 'account',
          scopes: ['PROFILE:READ', 'PHONE:READ', 'ASSETS:READ'],
          authorization_ids: [authorizationId],
        },
      }),
    ]);
  });

  it('records an app created, its secret rotated, a bot keystore made and the app deleted on the dashboard', async () => {
    const dashboard = await signedInAlice(h);
    const rows = await auditMark(h.db);
    const { clientId, page } = await createThroughForm(h, dashboard);
    const confirmRotate = await dashboard.get(`/dashboard/apps/${clientId}/rotate`);
    expect(
      (await dashboard.post(`/dashboard/apps/${clientId}/rotate`, { _csrf: csrfOf(confirmRotate.body) })).statusCode,
    ).toBe(303);
    const keystore = await dashboard.post(`/dashboard/apps/${clientId}/keystore`, { _csrf: csrfOf(page) });
    const sessionId = (keystore.json() as Keystore).session_id;
    const confirmDelete = await dashboard.get(`/dashboard/apps/${clientId}/delete`);
    expect(
      (await dashboard.post(`/dashboard/apps/${clientId}/delete`, { _csrf: csrfOf(confirmDelete.body) })).statusCode,
    ).toBe(303);

    const recorded = await rows();
    expect(recorded.map((row) => [row.type, row.user_id, row.client_id, row.detail])).toEqual([
      ['app.created', h.userId, clientId, { name: 'Weather Bot', app_type: 'confidential', via: 'dashboard' }],
      ['app.secret_rotated', h.userId, clientId, { via: 'dashboard' }],
      // the keystore is the bot's; the owner who made it is the actor
      ['keystore.created', clientId, null, { session_id: sessionId, via: 'dashboard', actor_id: h.userId }],
      ['app.deleted', h.userId, clientId, { name: 'Weather Bot', via: 'dashboard' }],
    ]);
    expect(recorded.every((row) => row.ip === dashboard.address)).toBe(true);
    // the secret shown once is in no row
    const secret = /id="client-secret" value="([0-9a-f]{64})"/.exec(page)?.[1] ?? 'none';
    for (const row of recorded) expect(row.raw).not.toContain(secret);
  });
});

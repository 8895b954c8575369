import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Keystore, createKeystore } from '../src/accounts/keystores.js';
import type { AppRow } from '../src/apps/repo.js';
import { createApp } from '../src/apps/service.js';
import { createUser } from '../src/accounts/service.js';
import { pendingByCodeId } from '../src/consent/device.js';
import { STALE_AFTER_MS } from '../src/consent/requester.js';
import { loadConfig } from '../src/config/load.js';
import { MemoryKv } from '../src/storage/kv/index.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { migrations } from '../src/storage/migrations/index.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { type TestDatabase, databaseBackends, migratorFor } from './backends.js';
import { TestClock } from './clock.js';
import { sessionClaims, signJws } from './signing.js';
import { PASSWORD, TestBrowser, type WebHarness, authorizeUrl, matchCodeOf, startWebHarness } from './web.js';

/*
 * Whose request is it (PROTOCOL.md §6, draft-ietf-oauth-cross-device-security): the waiting
 * page and the approval page show the same match code, the approval page and GET /codes/:id
 * say where and when the request was opened, and warn when it is old or from another network.
 */

const REDIRECT = 'https://tv.example.com/cb';
const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const TV_ADDRESS = '198.51.100.7';
const EDDSA = { alg: 'EdDSA', typ: 'JWT' };

interface PendingAuthorization {
  code_id: string;
  created_at: string;
  requester: { ip: string | null; device: string; created_at: string; same_network: boolean };
  match_code: string | null;
  warnings: string[];
}

describe('the context of a device request', () => {
  let h: WebHarness;
  let app: AppRow;
  let keystore: Keystore;
  let phone: TestBrowser;
  let farPhone: TestBrowser;

  beforeAll(async () => {
    h = await startWebHarness();
    app = await h.newApp({ name: 'TV App', redirectUris: [REDIRECT] });
    keystore = await createKeystore(
      { db: h.db, clock: h.clock },
      h.userId,
      (await serverKeyPair(h.database.storage)).publicKey,
    );
    // a phone on the TV's network (same /24), and one elsewhere
    phone = new TestBrowser(h.app, '198.51.100.200');
    farPhone = new TestBrowser(h.app, '203.0.113.50');
    for (const browser of [phone, farPhone]) expect((await browser.signIn('alice', PASSWORD)).statusCode).toBe(303);
  });
  afterAll(async () => h?.close());

  /** A TV (Firefox on Linux) opens the authorize page signed out: its code_id and the match code it shows. */
  async function openOnTv(): Promise<{ codeId: string; code: string; page: string }> {
    const tv = new TestBrowser(h.app, TV_ADDRESS, { 'user-agent': FIREFOX_ON_LINUX });
    const response = await tv.get(
      authorizeUrl({ client_id: app.client_id, redirect_uri: REDIRECT, scope: 'PROFILE:READ PHONE:READ', state: 'tv' }),
    );
    expect(response.statusCode).toBe(200);
    const codeId = /\/codes\/([0-9a-f-]{36})/.exec(response.body)?.[1] ?? '';
    return { codeId, code: matchCodeOf(response.body), page: response.body };
  }

  async function apiView(codeId: string, address: string): Promise<PendingAuthorization> {
    const path = `/codes/${codeId}`;
    const token = signJws(
      EDDSA,
      sessionClaims(keystore, 'GET', path, '', Math.floor(h.clock.now() / 1000)),
      keystore.session_private_key,
    );
    const response = await h.app.inject({
      method: 'GET',
      url: path,
      remoteAddress: address,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(200);
    return (response.json() as { data: PendingAuthorization }).data;
  }

  it('stores where the request was opened, and the waiting page shows its match code', async () => {
    const { codeId, code, page } = await openOnTv();
    expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}$/);
    expect(page).toContain(
      `Your code: <strong class="code">${code}</strong>. Check that your device shows the same code`,
    );
    const row = await h.db
      .selectFrom('device_requests')
      .selectAll()
      .where('code_id', '=', codeId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ requester_ip: TV_ADDRESS, requester_device: 'Firefox on Linux', match_code: code });
  });

  it('draws a new match code for every request', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 8; i++) codes.add((await openOnTv()).code);
    // 8 draws from 810,000 codes: all alike only if the code were not random
    expect(codes.size).toBeGreaterThan(1);
  });

  it('the approval page says where and when it was opened, shows the same code, and warns of nothing on the same network', async () => {
    const { codeId, code } = await openOnTv();
    h.clock.advance(12_000);
    const page = (await phone.get(`/codes/${codeId}`)).body;
    expect(page).toContain(
      'Requested from <strong>Firefox on Linux</strong> at <strong>198.51.100.7</strong>, 12 seconds ago.',
    );
    expect(matchCodeOf(page)).toBe(code);
    expect(page).toContain(
      'Make sure this code matches the one on the screen where you started, and that you started this sign-in yourself.',
    );
    expect(page).not.toContain('role="alert"');
    expect(page).not.toContain('data-warning');
    // the labels tests and users rely on are unchanged
    expect(page).toContain('>Authorize</button>');
    expect(page).toContain('>Deny</button>');
  });

  it('warns when the request is older than a minute', async () => {
    const { codeId } = await openOnTv();
    h.clock.advance(STALE_AFTER_MS);
    expect((await phone.get(`/codes/${codeId}`)).body).not.toContain('role="alert"');
    h.clock.advance(1000);
    const page = (await phone.get(`/codes/${codeId}`)).body;
    expect(page).toMatch(
      /<div class="warning" role="alert">\s*<p data-warning="old">This request is more than a minute old \(opened 1 minute ago\)\./,
    );
    expect(page).not.toContain('data-warning="other_network"');
  });

  it('warns when the request came from another network than the approving device’s', async () => {
    const { codeId, code } = await openOnTv();
    const page = (await farPhone.get(`/codes/${codeId}`)).body;
    expect(page).toMatch(/<div class="warning" role="alert">\s*<p data-warning="other_network">/);
    expect(page).toContain(
      'This request came from another network (198.51.100.7) than the one this device is on (203.0.113.50).',
    );
    expect(page).not.toContain('data-warning="old"');
    expect(matchCodeOf(page)).toBe(code);
  });

  it('GET /codes/:id in JSON carries the same context, beside the fields it always had', async () => {
    const { codeId, code } = await openOnTv();
    const fresh = await apiView(codeId, '198.51.100.9');
    expect(fresh).toMatchObject({ code_id: codeId, match_code: code, warnings: [] });
    expect(fresh.requester).toEqual({
      ip: TV_ADDRESS,
      device: 'Firefox on Linux',
      created_at: fresh.created_at,
      same_network: true,
    });

    expect(await apiView(codeId, '203.0.113.9')).toMatchObject({
      requester: { same_network: false },
      warnings: ['other_network'],
    });
    h.clock.advance(STALE_AFTER_MS + 1);
    expect(await apiView(codeId, '198.51.100.9')).toMatchObject({
      requester: { same_network: true },
      warnings: ['old'],
    });
  });
});

// A request opened by the version before: it has no recorded context, and says so.
describe.each(databaseBackends)('device requests across the migration: $name', (backend) => {
  const PREVIOUS = '20261204100000_redirect_uri_match';
  let database: TestDatabase;
  const clock = new TestClock();

  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => database?.cleanup());

  it('keeps a request opened before it pending, with an unknown address and no match code', async () => {
    const db = database.storage.db;
    const user = await createUser({ db, clock }, { username: 'before', password: PASSWORD });
    const created = await createApp({ db, clock }, { ownerId: user.user_id, name: 'Old TV', redirectUris: [REDIRECT] });
    expect((await migratorFor(database).migrateTo(PREVIOUS)).error).toBeUndefined();
    const codeId = randomUUID();
    const request = { clientId: created.app.client_id, redirectUri: REDIRECT, scopes: ['PROFILE:READ'] };
    // as the previous version wrote it
    await db
      .insertInto('device_requests')
      .values({
        authorization_id: randomUUID(),
        code_id: codeId,
        client_id: created.app.client_id,
        request: JSON.stringify(request),
        browser_hash: 'x',
        status: 'pending',
        user_id: null,
        created_at: clock.now(),
        expires_at: clock.now() + 300_000,
        decided_at: null,
      } as never)
      .execute();
    expect((await migrateToLatest(database.storage)).applied).toEqual(
      Object.keys(migrations).filter((name) => name > PREVIOUS),
    );

    const deps = { db, kv: new MemoryKv(clock), clock, config: loadConfig({ LOG_LEVEL: 'silent' }) };
    const pending = await pendingByCodeId(deps, codeId);
    expect(pending.requester).toEqual({
      ip: null,
      device: 'an unknown device',
      matchCode: null,
      createdAt: clock.now(),
    });
  });
});

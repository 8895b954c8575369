import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/apps/service.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { migrations } from '../src/storage/migrations/index.js';
import { sha256Hex } from '../src/tokens/opaque.js';
import { databaseBackends, migratorFor } from './backends.js';
import { PASSWORD, TestBrowser, type WebHarness, formFields, startWebHarness } from './web.js';

const PREVIOUS = '20261124090000_spent_request_ids';
const LATEST = '20261204100000_redirect_uri_match';
const REGISTERED = 'https://app.example.com/cb';

/*
 * Codes remember how authorize allowed their redirect URI (issue 17, H1). What was stored
 * before that (codes, pending device requests) is read the strict way unless it is known to
 * be a registered URI.
 */
describe.each(databaseBackends)(
  'codes that remember how their redirect URI was allowed, across the upgrade: $name',
  (backend) => {
    let h: WebHarness;
    let clientId: string;
    // rows as the previous version wrote them, which the current table types do not describe
    // biome-ignore lint/suspicious/noExplicitAny: the migration's own view of the tables, as in the migrations
    let untyped: Kysely<any>;

    beforeAll(async () => {
      h = await startWebHarness({}, backend.open);
      // biome-ignore lint/suspicious/noExplicitAny: as above
      untyped = h.db as unknown as Kysely<any>;
      const created = await createApp(h, {
        name: 'Upgraded',
        ownerId: h.userId,
        redirectUris: [REGISTERED, 'http://127.0.0.1/cb'],
        hosts: ['*.example.com'],
      });
      clientId = created.app.client_id;
    });
    afterAll(async () => {
      await h?.close();
    });

    const legacyCode = (redirectUri: string, sent: string | null, usedAt: number | null = null) => ({
      code_hash: sha256Hex(randomBytes(16).toString('hex')),
      authorization_id: randomUUID(),
      client_id: clientId,
      user_id: h.userId,
      redirect_uri_sent: sent,
      redirect_uri: redirectUri,
      code_challenge: null,
      scopes: 'PROFILE:READ',
      created_at: h.clock.now(),
      expires_at: h.clock.now() + 600_000,
      used_at: usedAt,
    });
    const matchOf = async (codeHash: string) =>
      (
        await h.db
          .selectFrom('authorization_codes')
          .select('redirect_uri_match')
          .where('code_hash', '=', codeHash)
          .executeTakeFirstOrThrow()
      ).redirect_uri_match;

    it('reads a pending device request stored without redirectUriMatch as host_pattern: the page names the host, the code is strict', async () => {
      const now = h.clock.now();
      const row = {
        authorization_id: randomUUID(),
        code_id: randomUUID(),
        client_id: clientId,
        // an AuthorizeRequest as the previous version stored it
        request: JSON.stringify({ clientId, redirectUri: REGISTERED, scopes: ['PROFILE:READ'], forceConsent: false }),
        browser_hash: sha256Hex('a waiting browser'),
        status: 'pending' as const,
        user_id: null,
        created_at: now,
        expires_at: now + 300_000,
        decided_at: null,
      };
      await h.db.insertInto('device_requests').values(row).execute();
      const device = new TestBrowser(h.app);
      await device.signIn('alice', PASSWORD);
      const page = await device.get(`/codes/${row.code_id}`);
      expect(page.body).toContain(
        'After you choose, the browser that showed the QR code will be sent to <strong>app.example.com</strong>.',
      );
      const decided = await device.post(`/codes/${row.code_id}`, [
        ...formFields(page.body, `/codes/${row.code_id}`),
        ['decision', 'authorize'],
      ]);
      expect(decided.statusCode).toBe(303);
      const code = await h.db
        .selectFrom('authorization_codes')
        .select('redirect_uri_match')
        .where('authorization_id', '=', row.authorization_id)
        .executeTakeFirstOrThrow();
      expect(code.redirect_uri_match).toBe('host_pattern');
    });

    it('from empty: a code row written without redirect_uri_match is host_pattern, the stricter reading', async () => {
      const row = legacyCode(REGISTERED, null);
      await untyped.insertInto('authorization_codes').values(row).execute();
      expect(await matchOf(row.code_hash)).toBe('host_pattern');
    });

    it('from the previous version: unspent codes are judged against the registered URIs; down and up again', async () => {
      const migrator = migratorFor(h.database);
      expect((await migrator.migrateTo(PREVIOUS)).error).toBeUndefined();
      const named = {
        defaulted: legacyCode(REGISTERED, null),
        registered: legacyCode(REGISTERED, REGISTERED),
        pattern: legacyCode('https://evil.example.com/steal', 'https://evil.example.com/steal'),
        // a loopback URI on another port: stricter than it needs to be, for the minutes it lives
        loopback: legacyCode('http://127.0.0.1:5555/cb', 'http://127.0.0.1:5555/cb'),
        spent: legacyCode(REGISTERED, REGISTERED, h.clock.now()),
      };
      await untyped.insertInto('authorization_codes').values(Object.values(named)).execute();

      expect((await migrateToLatest(h.database.storage)).applied).toEqual(
        Object.keys(migrations).filter((name) => name > PREVIOUS),
      );
      expect(Object.keys(migrations)).toContain(LATEST);
      const judged = Object.fromEntries(
        await Promise.all(Object.entries(named).map(async ([name, row]) => [name, await matchOf(row.code_hash)])),
      );
      expect(judged).toEqual({
        defaulted: 'exact',
        registered: 'exact',
        pattern: 'host_pattern',
        loopback: 'host_pattern',
        spent: 'host_pattern',
      });

      expect((await migrator.migrateTo(PREVIOUS)).error).toBeUndefined();
      const columns = await untyped
        .selectFrom('authorization_codes')
        .selectAll()
        .where('code_hash', '=', named.registered.code_hash)
        .executeTakeFirstOrThrow();
      expect(columns).not.toHaveProperty('redirect_uri_match');
      expect((await migrateToLatest(h.database.storage)).applied).toEqual(
        Object.keys(migrations).filter((name) => name > PREVIOUS),
      );
      expect(await matchOf(named.registered.code_hash)).toBe('exact');
    });
  },
);

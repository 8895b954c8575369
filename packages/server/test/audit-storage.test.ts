import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/apps/service.js';
import { type ErrorLog, recordAuditEvent, recordAuditEventAfter } from '../src/audit/service.js';
import { cleanUpExpired } from '../src/storage/cleanup.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { migrations } from '../src/storage/migrations/index.js';
import type { Db } from '../src/storage/tables.js';
import { type TestDatabase, databaseBackends, migratorFor } from './backends.js';
import { cli, json } from './cli-harness.js';
import { TestClock } from './clock.js';
import { PASSWORD, TestBrowser, type WebHarness, startWebHarness } from './web.js';

const DAY = 24 * 60 * 60 * 1000;

const times = async (db: Db) =>
  (await db.selectFrom('audit_events').select('created_at').orderBy('created_at').execute()).map(
    (row) => row.created_at,
  );

describe.each(databaseBackends)('audit_events storage: $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new TestClock();
  const at = (ms: number) =>
    recordAuditEvent({ db, clock: { now: () => ms } }, { type: 'signout', userId: 'u', detail: {} });

  beforeAll(async () => {
    database = await backend.open();
    db = database.storage.db;
  });
  afterAll(async () => database?.cleanup());

  it('migrates down to the previous version and up again, keeping what the earlier tables hold', async () => {
    const migrator = migratorFor(database);
    await db.insertInto('counters').values({ name: 'audit-migration-probe', value: 7 }).execute();
    expect((await migrator.migrateTo('20261123191000_app_logos')).error).toBeUndefined();
    await expect(db.selectFrom('audit_events').selectAll().execute()).rejects.toThrow();
    expect((await migrateToLatest(database.storage)).applied).toEqual(
      Object.keys(migrations).filter((name) => name > '20261123191000_app_logos'),
    );
    expect(
      (
        await db
          .selectFrom('counters')
          .select('value')
          .where('name', '=', 'audit-migration-probe')
          .executeTakeFirstOrThrow()
      ).value,
    ).toBe(7);
    await at(clock.now());
    expect(await times(db)).toEqual([clock.now()]);
    await db.deleteFrom('audit_events').execute();
  });

  it('clean-up deletes events older than AUDIT_RETENTION_DAYS, in batches, and keeps the rest', async () => {
    const now = clock.now();
    for (const age of [200 * DAY, 120 * DAY, 91 * DAY, 90 * DAY - 1, 30 * DAY, 0]) await at(now - age);
    const report = await cleanUpExpired({ db, clock, config: { auditRetentionDays: 90 } }, { batch: 2 });
    expect(report.complete).toBe(true);
    expect(report.deleted.audit_events).toBe(3);
    expect(await times(db)).toEqual([now - (90 * DAY - 1), now - 30 * DAY, now]);
    // a shorter retention takes more; nothing newer than it
    expect((await cleanUpExpired({ db, clock, config: { auditRetentionDays: 7 } })).deleted.audit_events).toBe(2);
    expect(await times(db)).toEqual([now]);
  });

  it('signet cleanup follows AUDIT_RETENTION_DAYS', async () => {
    // the CLI reads the real clock, so this test writes on the real clock only: rows left at the
    // TestClock's fixed instant by the tests above would fall inside or outside the window by the calendar
    await db.deleteFrom('audit_events').execute();
    await at(Date.now() - 10 * DAY);
    await at(Date.now() - DAY);
    expect(json(await cli({ ...database.env, AUDIT_RETENTION_DAYS: '5' }, 'cleanup', '--json')).audit_events).toBe(1);
    expect(await times(db)).toHaveLength(1);
  });
});

describe('when an audit row cannot be written', () => {
  let h: WebHarness;
  beforeAll(async () => {
    h = await startWebHarness();
    // the table is out of reach for these tests: every audit write fails
    await sql`ALTER TABLE audit_events RENAME TO audit_events_away`.execute(h.db);
  });
  afterAll(async () => {
    await sql`ALTER TABLE audit_events_away RENAME TO audit_events`.execute(h.db);
    await h?.close();
  });

  it('a change that creates credentials is rolled back and fails', async () => {
    const before = await h.db.selectFrom('apps').select('client_id').execute();
    await expect(createApp({ db: h.db, clock: h.clock }, { name: 'Unrecorded', ownerId: h.userId })).rejects.toThrow();
    expect(await h.db.selectFrom('apps').select('client_id').execute()).toEqual(before);
    expect(await h.db.selectFrom('users').select('user_id').where('full_name', '=', 'Unrecorded').execute()).toEqual(
      [],
    );
  });

  it('an event after its change is logged at error level with the event, and the request goes on', async () => {
    const logged: { details: object; message: string }[] = [];
    const log: ErrorLog = { error: (details, message) => logged.push({ details, message }) };
    await recordAuditEventAfter(
      { db: h.db, clock: h.clock },
      { ip: '192.0.2.9', log },
      { type: 'signout', userId: h.userId },
    );
    expect(logged).toEqual([
      {
        message: 'audit event not recorded',
        details: { err: expect.any(Error), audit: { type: 'signout', userId: h.userId, ip: '192.0.2.9' } },
      },
    ]);
    // a real sign-in still signs in
    const browser = new TestBrowser(h.app);
    expect((await browser.signIn('alice', PASSWORD)).statusCode).toBe(303);
    expect((await browser.get('/account')).statusCode).toBe(200);
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUpExpired } from '../src/storage/cleanup.js';
import { SqlKv } from '../src/storage/kv/sql.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { migrations } from '../src/storage/migrations/index.js';
import type { Db } from '../src/storage/tables.js';
import { type TestDatabase, databaseBackends, migratorFor } from './backends.js';
import { TestClock } from './clock.js';

const PREVIOUS = '20261123210000_expiry_indexes';

// The replay cache of request-signed tokens (PROTOCOL.md §9) in its own table, on SQLite and PostgreSQL.
describe.each(databaseBackends)('spent request ids: $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new TestClock();

  beforeAll(async () => {
    database = await backend.open();
    db = database.storage.db;
  });
  afterAll(async () => database?.cleanup());

  it('the migration keeps the ids spent in the kv table spent, and leaves other kv rows alone', async () => {
    const migrator = migratorFor(database);
    expect((await migrator.migrateTo(PREVIOUS)).error).toBeUndefined();
    const spentBefore = randomUUID();
    const later = clock.now() + 600_000;
    await db
      .insertInto('kv')
      .values([
        // as the earlier version wrote them: lower case, behind "jti:"
        { key: `jti:${spentBefore}`, value: '1', expires_at: later },
        { key: 'rate:someone', value: '3', expires_at: later },
      ])
      .execute();
    expect((await migrateToLatest(database.storage)).applied).toEqual(
      Object.keys(migrations).filter((name) => name > PREVIOUS),
    );

    const kv = new SqlKv(database.storage, clock);
    expect(await kv.spendRequestId(spentBefore, 60_000)).toBe(false);
    expect(await kv.spendRequestId(spentBefore.toUpperCase(), 60_000)).toBe(false);
    expect(await kv.spendRequestId(randomUUID(), 60_000)).toBe(true);
    const kvKeys = (await db.selectFrom('kv').select('key').execute()).map((row) => row.key);
    expect(kvKeys).toContain('rate:someone');
    expect(kvKeys.filter((key) => key.startsWith('jti:'))).toEqual([]);
    await kv.close();
  });

  it('keeps each id as its 16 bytes, and the clean-up removes only the expired ones', async () => {
    await db.deleteFrom('spent_request_ids').execute();
    const kv = new SqlKv(database.storage, clock);
    const shortLived = randomUUID();
    const longLived = randomUUID();
    expect(await kv.spendRequestId(shortLived, 1000)).toBe(true);
    expect(await kv.spendRequestId(longLived, 60_000)).toBe(true);
    const stored = await db
      .selectFrom('spent_request_ids')
      .select(['id', 'expires_at'])
      .orderBy('expires_at')
      .execute();
    expect(stored.map((row) => Buffer.from(row.id).toString('hex'))).toEqual(
      [shortLived, longLived].map((id) => id.replaceAll('-', '')),
    );

    clock.advance(2000);
    const report = await cleanUpExpired({ db, clock, config: { auditRetentionDays: 90 } });
    expect(report.deleted.spent_request_ids).toBe(1);
    expect(await db.selectFrom('spent_request_ids').select('expires_at').execute()).toHaveLength(1);
    // the one still live is still spent
    expect(await kv.spendRequestId(longLived, 60_000)).toBe(false);
    await kv.close();
  });
});

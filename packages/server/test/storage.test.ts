import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, findUser, verifyCredentials } from '../src/accounts/service.js';
import { clientSecretMatches } from '../src/apps/secrets.js';
import { createApp, deleteApp, getApp, listApps, rotateSecret, updateApp } from '../src/apps/service.js';
import { FieldConflict, InvalidField, NotFound } from '../src/errors/platform.js';
import { MemoryKv } from '../src/storage/kv/index.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import type { Db } from '../src/storage/tables.js';
import { type TestDatabase, databaseBackends } from './backends.js';
import { TestClock } from './clock.js';

async function counts(db: Db) {
  const users = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const apps = await db
    .selectFrom('apps')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const counter = await db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', 'identity_number')
    .executeTakeFirstOrThrow();
  return { users: Number(users.n), apps: Number(apps.n), counter: Number(counter.value) };
}

describe.each(databaseBackends)('storage: $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new TestClock();
  const kv = new MemoryKv(clock);
  const deps = () => ({ db, hot: database.storage.hot, clock, kv });

  beforeAll(async () => {
    database = await backend.open();
    db = database.storage.db;
  });
  afterAll(async () => database?.cleanup());

  describe('migrations', () => {
    it('a second run on an up-to-date database applies nothing', async () => {
      expect((await migrateToLatest(database.storage)).applied).toEqual([]);
    });

    it('knows an up-to-date database without introspecting the catalog', async () => {
      // on PostgreSQL, Kysely's introspection reads every schema and fails when another is dropped meanwhile
      const blind = new Proxy(db, {
        get(target, key) {
          if (key === 'introspection') throw new Error('introspected the catalog');
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      expect((await migrateToLatest({ ...database.storage, db: blind })).applied).toEqual([]);
    });

    it('indexes expires_at wherever the clean-up looks for expired rows', async () => {
      const tables = [
        'authorization_codes',
        'access_tokens',
        'refresh_tokens',
        'authorizations',
        'device_requests',
        'web_sessions',
        'kv',
        'spent_request_ids',
      ];
      const query =
        database.storage.dialect === 'postgres'
          ? sql<{
              name: string;
            }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexdef like '%expires_at%'`
          : sql<{ name: string }>`select name from sqlite_master where type = 'index' and sql like '%expires_at%'`;
      const names = (await query.execute(db)).rows.map((row) => row.name);
      expect(names.sort()).toEqual(tables.map((table) => `${table}_expires_at`).sort());
    });
  });

  describe('users', () => {
    it('creates a user with the first identity number, an argon2id hash and the given fields', async () => {
      const user = await createUser(deps(), {
        username: 'Alice',
        password: 'correct horse',
        fullName: 'Alice A',
        phone: '+8613800000001',
      });
      expect(user.identity_number).toBe('7000');
      expect(user.user_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(user.password_hash).toMatch(/^\$argon2id\$/);
      expect(user.password_hash).not.toContain('correct horse');
      expect(user).toMatchObject({ username: 'Alice', full_name: 'Alice A', phone: '+8613800000001', kind: 'user' });
      expect((await findUser(deps(), 'alice')).user_id).toBe(user.user_id);
      expect((await findUser(deps(), user.user_id)).username).toBe('Alice');
    });

    it('checks passwords', async () => {
      expect(await verifyCredentials(deps(), 'ALICE', 'correct horse')).toMatchObject({
        ok: true,
        user: { username: 'Alice' },
      });
      expect(await verifyCredentials(deps(), 'alice', 'wrong horse')).toMatchObject({
        ok: false,
        reason: 'wrong_password',
        user: { username: 'Alice' },
      });
      expect(await verifyCredentials(deps(), 'nobody', 'correct horse')).toEqual({
        ok: false,
        reason: 'unknown_user',
        user: undefined,
      });
      // too long for any account: refused before argon2, still told apart for the audit log
      expect(await verifyCredentials(deps(), 'alice', 'x'.repeat(1025))).toMatchObject({
        ok: false,
        reason: 'wrong_password',
      });
    });

    it('refuses a duplicate username ignoring case, without using an identity number', async () => {
      const before = await counts(db);
      const attempt = createUser(deps(), { username: 'aLiCe', password: 'another password' });
      await expect(attempt).rejects.toBeInstanceOf(FieldConflict);
      await expect(attempt).rejects.toMatchObject({ field: 'username' });
      expect(await counts(db)).toEqual(before);
    });

    it.each([
      ['username', { username: 'ab', password: 'long enough' }],
      ['username', { username: 'bad name', password: 'long enough' }],
      ['password', { username: 'shortpw', password: 'seven77' }],
      ['phone', { username: 'badphone', password: 'long enough', phone: '13800000000' }],
      ['full_name', { username: 'longname', password: 'long enough', fullName: 'x'.repeat(65) }],
    ])('refuses a bad %s and stores nothing', async (field, input) => {
      const before = await counts(db);
      await expect(createUser(deps(), input)).rejects.toMatchObject({ field });
      expect(await counts(db)).toEqual(before);
    });

    it('assigns identity numbers in order, without gaps or duplicates, under concurrency and failures', async () => {
      const before = await counts(db);
      const attempts = Array.from({ length: 16 }, (_, i) =>
        // every fourth attempt reuses a name, so some transactions roll back mid-way
        createUser(deps(), { username: i % 4 === 3 ? 'dup-name' : `racer-${i}`, password: 'long enough' }),
      );
      const results = await Promise.allSettled(attempts);
      const created = results.filter((r) => r.status === 'fulfilled').map((r) => Number(r.value.identity_number));
      expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3);
      const expected = Array.from({ length: 13 }, (_, i) => before.counter + 1 + i);
      expect(created.sort((a, b) => a - b)).toEqual(expected);
      expect((await counts(db)).counter).toBe(before.counter + 13);
    });
  });

  describe('apps', () => {
    let ownerId: string;
    beforeAll(async () => {
      ownerId = (await createUser(deps(), { username: 'developer', password: 'long enough' })).user_id;
    });

    it('creates a confidential app with a hashed secret and a bot user whose id is the client_id', async () => {
      const { app, clientSecret } = await createApp(deps(), {
        ownerId,
        name: 'Photo Printer',
        description: 'Prints photos',
        website: 'https://printer.example',
        redirectUris: ['https://printer.example/cb', 'http://127.0.0.1/cb'],
        hosts: ['*.printer.example'],
      });
      expect(app.client_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(clientSecret).toMatch(/^[0-9a-f]{64}$/);
      const stored = await getApp(deps(), app.client_id);
      expect(stored.secret_hash).toBe(
        createHash('sha256')
          .update(clientSecret ?? '')
          .digest('hex'),
      );
      expect(JSON.stringify(stored)).not.toContain(clientSecret);
      expect(clientSecretMatches(stored.secret_hash, clientSecret ?? '')).toBe(true);
      expect(clientSecretMatches(stored.secret_hash, 'f'.repeat(64))).toBe(false);
      const bot = await findUser(deps(), app.client_id);
      expect(bot).toMatchObject({ kind: 'bot', full_name: 'Photo Printer', password_hash: null });
    });

    it('creates a public app without a secret', async () => {
      const { app, clientSecret } = await createApp(deps(), { ownerId, name: 'CLI tool', type: 'public' });
      expect(clientSecret).toBeUndefined();
      expect(app.secret_hash).toBeNull();
      await expect(rotateSecret(deps(), app.client_id)).rejects.toBeInstanceOf(InvalidField);
    });

    it('lists, updates, rotates and deletes', async () => {
      const { app, clientSecret } = await createApp(deps(), { ownerId, name: 'Lifecycle' });
      expect((await listApps(deps(), ownerId)).map((a) => a.client_id)).toContain(app.client_id);

      const updated = await updateApp(deps(), app.client_id, { name: 'Renamed', hosts: ['example.org'] });
      expect(updated.name).toBe('Renamed');
      expect(JSON.parse(updated.hosts)).toEqual(['example.org']);
      expect((await findUser(deps(), app.client_id)).full_name).toBe('Renamed');

      const rotated = await rotateSecret(deps(), app.client_id);
      expect(rotated.clientSecret).not.toBe(clientSecret);
      expect(clientSecretMatches(rotated.app.secret_hash, clientSecret ?? '')).toBe(false);
      expect(clientSecretMatches(rotated.app.secret_hash, rotated.clientSecret)).toBe(true);

      await deleteApp(deps(), app.client_id);
      await expect(getApp(deps(), app.client_id)).rejects.toBeInstanceOf(NotFound);
      await expect(findUser(deps(), app.client_id)).rejects.toBeInstanceOf(NotFound);
      await expect(deleteApp(deps(), app.client_id)).rejects.toBeInstanceOf(NotFound);
    });

    it.each([
      ['redirect_uris', { redirectUris: ['http://example.com/cb'] }],
      ['redirect_uris', { redirectUris: ['https://a.com/cb#x'] }],
      ['hosts', { hosts: ['*.com'] }],
      ['hosts', { hosts: ['*'] }],
      ['hosts', { hosts: ['ex*mple.com'] }],
      ['name', { name: 'n'.repeat(65) }],
      ['website', { website: 'http://insecure.example' }],
    ])('refuses a bad %s, naming the field, and stores nothing', async (field, bad) => {
      const before = await counts(db);
      const attempt = createApp(deps(), { ownerId, name: 'Bad app', ...bad });
      await expect(attempt).rejects.toBeInstanceOf(InvalidField);
      await expect(attempt).rejects.toMatchObject({ field });
      await expect(attempt).rejects.toThrow(field);
      expect(await counts(db)).toEqual(before);
    });

    it('refuses a bad update and leaves the app as it was', async () => {
      const { app } = await createApp(deps(), { ownerId, name: 'Stable', hosts: ['stable.example'] });
      await expect(updateApp(deps(), app.client_id, { name: 'Fine', hosts: ['*.com'] })).rejects.toMatchObject({
        field: 'hosts',
      });
      const after = await getApp(deps(), app.client_id);
      expect(after.name).toBe('Stable');
      expect(JSON.parse(after.hosts)).toEqual(['stable.example']);
    });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeystore, revokeKeystore } from '../src/accounts/keystores.js';
import { createApp } from '../src/apps/service.js';
import { listAuthorizations } from '../src/consent/authorizations.js';
import { MemoryKv } from '../src/storage/kv/index.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { migrations } from '../src/storage/migrations/index.js';
import type { Db } from '../src/storage/tables.js';
import { serverKeyPair } from '../src/tokens/server-key.js';
import { authorizeServiceLogin } from '../src/oauth/token/service-login.js';
import { type TestDatabase, databaseBackends, migratorFor } from './backends.js';
import { TestClock } from './clock.js';

const PREVIOUS = '20261204110000_device_requester';

// Issue 17 (L1): authorizations name the keystore session a service login came from.
describe.each(databaseBackends)('authorizations.key_session_id migration: $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const clock = new TestClock();

  beforeAll(async () => {
    database = await backend.open();
    db = database.storage.db;
  });
  afterAll(async () => database?.cleanup());

  it('keeps the authorizations written before it (as code redemptions, of no session), and service logins name theirs', async () => {
    expect((await migratorFor(database).migrateTo(PREVIOUS)).error).toBeUndefined();
    const deps = { db, hot: database.storage.hot, clock, kv: new MemoryKv(clock) };
    const userId = randomUUID();
    await db
      .insertInto('users')
      .values({
        user_id: userId,
        kind: 'user',
        identity_number: '6999',
        username: 'old',
        username_key: 'old',
        password_hash: null,
        full_name: 'Old',
        phone: null,
        avatar_url: '',
        biography: '',
        created_at: new Date(clock.now()).toISOString(),
      })
      .execute();
    const { app } = await createApp(deps, { name: 'Earlier App', ownerId: userId });
    const earlier = randomUUID();
    // as the earlier version wrote it: no key_session_id column yet
    await db
      .insertInto('authorizations')
      .values({
        authorization_id: earlier,
        user_id: userId,
        client_id: app.client_id,
        scopes: 'PROFILE:READ',
        ed25519_public_key: null,
        created_at: new Date(clock.now()).toISOString(),
        accessed_at: null,
        expires_at: clock.now() + 86_400_000,
        revoked_at: null,
      })
      .execute();

    expect((await migrateToLatest(database.storage)).applied).toEqual(
      Object.keys(migrations).filter((name) => name > PREVIOUS),
    );
    const row = await db
      .selectFrom('authorizations')
      .selectAll()
      .where('authorization_id', '=', earlier)
      .executeTakeFirstOrThrow();
    expect(row.key_session_id).toBeNull();

    const keystore = await createKeystore(deps, userId, (await serverKeyPair(database.storage)).publicKey);
    const { authorization } = await authorizeServiceLogin(
      deps,
      { userId, clientId: app.client_id, sessionId: keystore.session_id },
      {},
    );
    expect((await listAuthorizations(deps, userId)).map((item) => item.authorization_id).sort()).toEqual(
      [earlier, authorization.authorization_id].sort(),
    );
    // revoking the keystore ends its login and leaves the earlier authorization alone
    expect(await revokeKeystore(deps, userId, keystore.session_id)).toEqual([authorization.authorization_id]);
    expect((await listAuthorizations(deps, userId)).map((item) => item.authorization_id)).toEqual([earlier]);
    await deps.kv.close();
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TestDatabase, databaseBackends } from '../../test/backends.js';
import { UnsealError, createSealer, isSealed } from '../keys/sealer.js';
import { openServerSecrets, serverSecret } from './server-secrets.js';

describe.each(databaseBackends)('server secrets, sealed at rest ($name)', (backend) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await backend.open();
  });
  afterEach(async () => database?.cleanup());

  const rawValue = async (name: string) =>
    (
      await database.storage.db
        .selectFrom('server_secrets')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirstOrThrow()
    ).value;

  it('stores a secret sealed, never in clear, and gives every later read the same value', async () => {
    const secret = await serverSecret(database.storage, 'csrf_key');
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const stored = await rawValue('csrf_key');
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(Buffer.from(secret, 'hex').toString('base64url'));
    expect(await serverSecret(database.storage, 'csrf_key')).toBe(secret);
  });

  it('cannot be opened with another KEYS_SECRET', async () => {
    await serverSecret(database.storage, 'csrf_key');
    const elsewhere = { db: database.storage.db, sealer: createSealer('another-keys-secret-of-32-or-more-chars') };
    await expect(serverSecret(elsewhere, 'csrf_key')).rejects.toThrow(UnsealError);
    await expect(openServerSecrets(elsewhere)).rejects.toThrow(
      /^cannot open server_secrets:csrf_key: it was sealed under another KEYS_SECRET/,
    );
  });

  it('seals a row stored in clear before sealing existed, in place, keeping its value', async () => {
    const plaintext = 'ab'.repeat(32);
    await database.storage.db
      .insertInto('server_secrets')
      .values({ name: 'ed25519_seed', value: plaintext, created_at: new Date().toISOString() })
      .execute();
    expect(await serverSecret(database.storage, 'ed25519_seed')).toBe(plaintext);
    const stored = await rawValue('ed25519_seed');
    expect(isSealed(stored)).toBe(true);
    expect(stored).not.toContain(plaintext);
    expect(database.storage.sealer.open('server_secrets:ed25519_seed', stored)).toBe(plaintext);
    expect(await serverSecret(database.storage, 'ed25519_seed')).toBe(plaintext);
  });

  it('a sealed value moved to another row does not open there', async () => {
    await serverSecret(database.storage, 'csrf_key');
    await database.storage.db
      .insertInto('server_secrets')
      .values({ name: 'ed25519_seed', value: await rawValue('csrf_key'), created_at: new Date().toISOString() })
      .execute();
    await expect(serverSecret(database.storage, 'ed25519_seed')).rejects.toThrow(UnsealError);
  });
});

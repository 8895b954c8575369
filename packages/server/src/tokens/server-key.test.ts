import { sign, verify, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, openTestDatabase } from '../../test/backends.js';
import { ed25519PublicKeyFromSeed, serverKeyPair } from './server-key.js';

describe('the server ed25519 key', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database?.cleanup();
  });

  it('derives RFC 8032 test vector 1', () => {
    const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    expect(ed25519PublicKeyFromSeed(seed).toString('hex')).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    );
  });

  it('is made once, stored, and signs verifiably', async () => {
    const first = await serverKeyPair(database.storage);
    expect(first.seed).toHaveLength(32);
    expect(first.publicKey).toHaveLength(32);
    expect(await serverKeyPair(database.storage)).toBe(first);
    // stored sealed with KEYS_SECRET (storage/server-secrets.ts), never as the seed itself
    const stored = await database.storage.db
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', 'ed25519_seed')
      .executeTakeFirstOrThrow();
    expect(stored.value).not.toContain(first.seed.toString('hex'));
    expect(database.storage.sealer.open('server_secrets:ed25519_seed', stored.value)).toBe(first.seed.toString('hex'));

    const key = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), first.seed]),
      format: 'der',
      type: 'pkcs8',
    });
    const signature = sign(null, Buffer.from('hello'), key);
    const publicKey = {
      key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), first.publicKey]),
      format: 'der' as const,
      type: 'spki' as const,
    };
    expect(verify(null, Buffer.from('hello'), publicKey, signature)).toBe(true);
  });
});

import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYS_SECRET_FILE, openKeysSealer, readOrCreateSecretFile } from './keys-secret.js';
import { createSealer } from './sealer.js';

const SECRET = 'an-operator-keys-secret-of-32-characters-or-more';

describe('KEYS_SECRET', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'signet-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const opensWith = (sealed: string, secret: string) => createSealer(secret).open('slot', sealed);

  it('is used as set, and then no file is made', async () => {
    const { sealer, warning } = await openKeysSealer({ keysSecret: SECRET, databaseUrl: 'file:db/signet.db' }, dir);
    expect(opensWith(sealer.seal('slot', 'v'), SECRET)).toBe('v');
    expect(warning).toBeUndefined();
    expect(() => statSync(join(dir, 'db', KEYS_SECRET_FILE))).toThrow();
  });

  it('unset with SQLite: made once beside the database file, mode 0600, and read back after', async () => {
    const config = { keysSecret: undefined, databaseUrl: 'file:db/signet.db' };
    const first = await openKeysSealer(config, dir);
    const file = join(dir, 'db', KEYS_SECRET_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = readFileSync(file, 'utf8').trim();
    expect(stored.length).toBeGreaterThanOrEqual(32);
    expect(first.warning).toBeUndefined();
    const sealed = first.sealer.seal('slot', 'v');
    expect(opensWith(sealed, stored)).toBe('v');
    expect((await openKeysSealer(config, dir)).sealer.open('slot', sealed)).toBe('v');
  });

  it('unset with PostgreSQL: ./data/keys-secret under the working directory, with a warning to share one', async () => {
    const { sealer, warning } = await openKeysSealer(
      { keysSecret: undefined, databaseUrl: 'postgres://u@db/signet' },
      dir,
    );
    const stored = readFileSync(join(dir, 'data', KEYS_SECRET_FILE), 'utf8').trim();
    expect(opensWith(sealer.seal('slot', 'v'), stored)).toBe('v');
    expect(warning).toMatch(
      /KEYS_SECRET is not set: using .*data\/keys-secret\. Every host sharing this PostgreSQL database must use the same KEYS_SECRET/,
    );
  });

  it('made by processes starting together: every one of them reads the same secret', async () => {
    const path = join(dir, 'fresh', KEYS_SECRET_FILE);
    const secrets = await Promise.all(Array.from({ length: 8 }, () => readOrCreateSecretFile(path)));
    expect(new Set(secrets).size).toBe(1);
    expect(readFileSync(path, 'utf8').trim()).toBe(secrets[0]);
    // no candidate file is left behind
    expect(readdirSync(join(dir, 'fresh'))).toEqual([KEYS_SECRET_FILE]);
  });

  it('refuses a file that holds too little to be a key, rather than making another', async () => {
    writeFileSync(join(dir, KEYS_SECRET_FILE), 'short\n');
    await expect(readOrCreateSecretFile(join(dir, KEYS_SECRET_FILE))).rejects.toThrow(/holds no usable KEYS_SECRET/);
  });
});

import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { sqliteFile } from '../storage/database.js';
import { MIN_SECRET_LENGTH, type Sealer, createSealer } from './sealer.js';

/** The file an unset KEYS_SECRET is kept in, in the data directory. */
export const KEYS_SECRET_FILE = 'keys-secret';

export interface KeysSealer {
  sealer: Sealer;
  /** something the operator should hear at start-up (where the secret came from, and why that may not do) */
  warning?: string;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown }).code;
}

async function readSecretFile(path: string): Promise<string> {
  const secret = (await readFile(path, 'utf8')).trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${path} holds no usable KEYS_SECRET (fewer than ${MIN_SECRET_LENGTH} characters): restore it, or set KEYS_SECRET`,
    );
  }
  return secret;
}

/**
 * Reads the secret file, or makes it. Several processes may start together on a new data
 * directory: each writes its candidate to a private file ('wx', mode 0600) and links it into
 * place, which fails with EEXIST for all but the first, so all of them read the winner's whole
 * file (a 'wx' on the final name alone would let a loser read it before the winner wrote it).
 */
export async function readOrCreateSecretFile(path: string): Promise<string> {
  try {
    return await readSecretFile(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  const candidate = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  await writeFile(candidate, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  try {
    await link(candidate, path);
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') throw error;
  } finally {
    await unlink(candidate);
  }
  return readSecretFile(path);
}

/**
 * The sealer for secrets at rest, from KEYS_SECRET, or for the embedded default from a file
 * made on first start beside the SQLite database (PROTOCOL.md §15). Production never gets
 * here without KEYS_SECRET: loadConfig refuses that.
 */
export async function openKeysSealer(
  config: Pick<Config, 'keysSecret' | 'databaseUrl'>,
  cwd = process.cwd(),
): Promise<KeysSealer> {
  if (config.keysSecret !== undefined) return { sealer: createSealer(config.keysSecret) };
  if (config.databaseUrl.startsWith('file:')) {
    const file = sqliteFile(config.databaseUrl, cwd);
    // an in-memory database dies with the process, and so may its key
    if (!file) return { sealer: createSealer(randomBytes(32).toString('base64url')) };
    return { sealer: createSealer(await readOrCreateSecretFile(join(dirname(file), KEYS_SECRET_FILE))) };
  }
  const path = resolve(cwd, 'data', KEYS_SECRET_FILE);
  return {
    sealer: createSealer(await readOrCreateSecretFile(path)),
    warning: `KEYS_SECRET is not set: using ${path}. Every host sharing this PostgreSQL database must use the same KEYS_SECRET; set it.`,
  };
}

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { type SecretStore, serverSecret } from '../storage/server-secrets.js';
import type { Db } from '../storage/tables.js';

export interface ServerKeyPair {
  /** the 32-byte ed25519 seed (the private key) */
  seed: Buffer;
  /** the raw 32-byte ed25519 public key */
  publicKey: Buffer;
}

// PKCS#8 wrapping of a raw ed25519 seed (RFC 8410): node:crypto imports keys only in a container.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PublicKeyFromSeed(seed: Buffer): Buffer {
  if (seed.length !== 32) throw new Error('an ed25519 seed is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('ed25519 public key export failed');
  return Buffer.from(jwk.x, 'base64url');
}

// The seed never changes once stored, so one read per database handle is enough.
const cache = new WeakMap<Db, Promise<ServerKeyPair>>();

/** The server's ed25519 key pair, shared by every instance through the server_secrets table. */
export function serverKeyPair(store: SecretStore): Promise<ServerKeyPair> {
  const { db } = store;
  let pending = cache.get(db);
  if (!pending) {
    pending = loadKeyPair(store);
    cache.set(db, pending);
    // a failed read (database down) must not be remembered
    pending.catch(() => cache.delete(db));
  }
  return pending;
}

async function loadKeyPair(store: SecretStore): Promise<ServerKeyPair> {
  const seed = Buffer.from(await serverSecret(store, 'ed25519_seed'), 'hex');
  return { seed, publicKey: ed25519PublicKeyFromSeed(seed) };
}

import { ed25519 } from '@noble/curves/ed25519.js';
import type { KeystoreFile } from '@signet/protocol';
import { bytesToBase64Url, bytesToHex, hexToBytes, randomBytes } from './bytes.js';

/**
 * A user's (or an app bot's) session keystore, as `signet keystore create` prints it
 * (PROTOCOL.md §3). The user id may come as `user_id` or, as Mixin's SDKs name it for
 * bots, `app_id`: either is accepted, and the server key is not needed to sign.
 */
export type SessionKeystore = Pick<KeystoreFile, 'session_id' | 'session_private_key'> &
  Partial<Pick<KeystoreFile, 'user_id' | 'app_id' | 'server_public_key'>>;

/** An app's key for one authorization (the platform dialect with `ed25519`). */
export interface OAuthKeystore {
  /** the app's client_id (Mixin's SDKs call it app_id) */
  client_id?: string;
  app_id?: string;
  authorization_id: string;
  /** granted scopes, space-separated */
  scope: string;
  /** hex of the 32-byte ed25519 seed the app made for this authorization */
  session_private_key: string;
  server_public_key?: string;
}

export type Keystore = SessionKeystore | OAuthKeystore;

export function isOAuthKeystore(keystore: Keystore): keystore is OAuthKeystore {
  return 'authorization_id' in keystore;
}

export interface KeyPair {
  /** keep secret: hex of the 32-byte seed (a keystore's `session_private_key`) */
  seedHex: string;
  publicKey: Uint8Array;
  /** what `ed25519` carries in the token request */
  publicKeyBase64Url: string;
}

/**
 * A fresh ed25519 key pair to bind to an authorization at code exchange.
 *
 * @example
 * const keys = createKeyPair();
 * const grant = await exchangeCode({ issuer, clientId, code, clientSecret, dialect: 'platform', ed25519: keys.publicKeyBase64Url });
 */
export function createKeyPair(): KeyPair {
  const seed = randomBytes(32);
  const publicKey = ed25519.getPublicKey(seed);
  return { seedHex: bytesToHex(seed), publicKey, publicKeyBase64Url: bytesToBase64Url(publicKey) };
}

export function signWithSeed(message: Uint8Array, seedHex: string): Uint8Array {
  const seed = hexToBytes(seedHex);
  if (seed.length !== 32) throw new TypeError('session_private_key must be 32 bytes of hex');
  return ed25519.sign(message, seed);
}

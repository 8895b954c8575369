import { randomBytes, timingSafeEqual } from 'node:crypto';
import sodium from 'sodium-native';

/** A bearer secret (token, code, session id): 32 random bytes, base64url. */
export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Secrets are stored and looked up only by their SHA-256 (they are high-entropy: no slow
 * hash needed). libsodium's one-shot hash: every API call hashes its token or its `sig`
 * base, and node:crypto makes a hash object each time.
 */
export function sha256Hex(value: string): string {
  const digest = Buffer.allocUnsafe(sodium.crypto_hash_sha256_BYTES);
  sodium.crypto_hash_sha256(digest, Buffer.from(value, 'utf8'));
  return digest.toString('hex');
}

/** Constant-time: does `presented` hash to the stored SHA-256 (hex)? Digests have equal lengths, so no length hint leaks. */
export function matchesSha256Hex(storedHex: string, presented: string): boolean {
  const expected = Buffer.from(storedHex, 'hex');
  const actual = Buffer.from(sha256Hex(presented), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

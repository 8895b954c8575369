import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../tokens/opaque.js';

/** 32 random bytes, hex: shown once, stored only as its SHA-256 (high entropy needs no slow hash). */
export function newClientSecret(): string {
  return randomBytes(32).toString('hex');
}

export function hashClientSecret(secret: string): string {
  return sha256Hex(secret);
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function clientSecretMatches(secretHash: string | null, presented: string): boolean {
  if (!secretHash) return false;
  const expected = Buffer.from(secretHash, 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

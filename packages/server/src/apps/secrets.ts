import { randomBytes } from 'node:crypto';
import { matchesSha256Hex, sha256Hex } from '../tokens/opaque.js';

/** 32 random bytes, hex: shown once, stored only as its SHA-256 (high entropy needs no slow hash). */
export function newClientSecret(): string {
  return randomBytes(32).toString('hex');
}

export function hashClientSecret(secret: string): string {
  return sha256Hex(secret);
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function clientSecretMatches(secretHash: string | null, presented: string): boolean {
  return secretHash !== null && matchesSha256Hex(secretHash, presented);
}

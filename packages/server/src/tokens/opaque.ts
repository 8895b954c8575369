import { createHash, randomBytes } from 'node:crypto';

/** A bearer secret (token, code, session id): 32 random bytes, base64url. */
export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored and looked up only by their SHA-256 (they are high-entropy: no slow hash needed). */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption at rest for small secrets (PROTOCOL.md §15 "Keys"): AES-256-GCM under a key
 * derived by HKDF-SHA256 from a long secret (KEYS_SECRET), a random 96-bit IV per value,
 * and the slot's name as associated data, so a sealed value opens only in the slot it was
 * sealed for. Text format: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
export interface Sealer {
  seal(slot: string, plaintext: string): string;
  /** Throws UnsealError when the value was sealed under another secret, for another slot, or altered. */
  open(slot: string, sealed: string): string;
}

export class UnsealError extends Error {
  constructor(slot: string) {
    super(
      `cannot open ${slot}: it was sealed under another KEYS_SECRET, or altered; start with the KEYS_SECRET it was sealed with`,
    );
    this.name = 'UnsealError';
  }
}

/** Shorter than this, a secret could be guessed; the configuration and the sealer both refuse it. */
export const MIN_SECRET_LENGTH = 32;

const IV_BYTES = 12;
const TAG_BYTES = 16;
// the IV and the tag have fixed base64url lengths (16 and 22); the ciphertext is as long as the text
const SEALED = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{22})$/;
// fixed: the input is already a high-entropy secret; the info says what the derived key is for
const HKDF_SALT = 'signet';
const HKDF_INFO = 'signet sealer v1: AES-256-GCM';

/** Is this a value `seal` wrote (as opposed to one stored before sealing existed)? */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

export function createSealer(secret: string): Sealer {
  if (secret.length < MIN_SECRET_LENGTH)
    throw new Error(`a sealing secret has at least ${MIN_SECRET_LENGTH} characters`);
  const key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
  return {
    seal(slot, plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(Buffer.from(slot));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', ...[iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url'))].join('.');
    },
    open(slot, sealed) {
      const parts = SEALED.exec(sealed);
      if (!parts) throw new UnsealError(slot);
      const [iv, ciphertext, tag] = parts.slice(1, 4).map((part) => Buffer.from(part, 'base64url')) as [
        Buffer,
        Buffer,
        Buffer,
      ];
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES }).setAAD(
          Buffer.from(slot),
        );
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch {
        throw new UnsealError(slot);
      }
    },
  };
}

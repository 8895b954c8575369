import { randomFillSync, timingSafeEqual } from 'node:crypto';
import sodium from 'sodium-native';

// Each randomBytes() call costs about 1.7 µs of set-up for 32 bytes; token endpoints mint
// one or two secrets per request, so they draw from a pool refilled by the same CSPRNG
// (as Node's randomUUID does). Every byte is handed out once.
const POOL_BYTES = 8192;
const pool = Buffer.allocUnsafe(POOL_BYTES);
let poolOffset = POOL_BYTES;

/** Copies `length` fresh random bytes into `target` at `offset`. */
function fillRandom(target: Buffer, offset: number, length: number): void {
  if (length > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} random bytes at a time`);
  if (poolOffset + length > POOL_BYTES) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  pool.copy(target, offset, poolOffset, poolOffset + length);
  poolOffset += length;
}

/** A bearer secret (code, session id, CSRF token): `bytes` random bytes (32 by default), base64url. */
export function newOpaqueToken(bytes = 32): string {
  const secret = Buffer.allocUnsafe(bytes);
  fillRandom(secret, 0, bytes);
  return secret.toString('base64url');
}

/*
 * Access and refresh tokens are written on every grant and found again by a unique key.
 * A key that is only a hash lands on a random page of its index, and on SQLite each such
 * insert cost 15-20 µs even in batches: it dirties a page of its own, written to the WAL and
 * again at the checkpoint. So these tokens start with their issue time (6 bytes, ms) before
 * their 32 random bytes, and their key is that time in hex followed by the SHA-256 of the
 * whole token: keys grow with time, inserts append at the end of the index, and the lookup
 * is still one exact match on a value only the token's holder can compute.
 */
const TIME_BYTES = 6;
const SECRET_BYTES = 32;
/** base64url of TIME_BYTES + SECRET_BYTES: no padding, 4 characters per 3 bytes */
const TIMED_TOKEN_LENGTH = Math.ceil(((TIME_BYTES + SECRET_BYTES) * 4) / 3);
/** the time prefix in base64url: TIME_BYTES is a multiple of 3, so it ends on a character boundary */
const TIME_CHARS = (TIME_BYTES * 4) / 3;

/** A new access or refresh token issued at `now` (epoch ms), with the key it is stored under. */
export function newTimedToken(now: number): { token: string; key: string } {
  const bytes = Buffer.allocUnsafe(TIME_BYTES + SECRET_BYTES);
  bytes.writeUIntBE(Math.max(0, Math.min(now, 2 ** 48 - 1)), 0, TIME_BYTES);
  fillRandom(bytes, TIME_BYTES, SECRET_BYTES);
  const token = bytes.toString('base64url');
  // one rule for the key, whether the token is being issued or presented
  return { token, key: timedTokenKey(token) };
}

/**
 * The storage key of a presented access or refresh token. Tokens issued before timed
 * tokens existed (43 characters, no time) were stored under their bare SHA-256, and still are found.
 */
export function timedTokenKey(token: string): string {
  if (token.length !== TIMED_TOKEN_LENGTH) return sha256Hex(token);
  return Buffer.from(token.slice(0, TIME_CHARS), 'base64url').toString('hex') + sha256Hex(token);
}

/**
 * Secrets are stored and looked up only by their SHA-256 (they are high-entropy: no slow
 * hash needed). libsodium's one-shot hash: every API call hashes its token or its `sig`
 * base, and node:crypto makes a hash object each time.
 */
function sha256(value: string): Buffer {
  const digest = Buffer.allocUnsafe(sodium.crypto_hash_sha256_BYTES);
  sodium.crypto_hash_sha256(digest, Buffer.from(value, 'utf8'));
  return digest;
}

export function sha256Hex(value: string): string {
  return sha256(value).toString('hex');
}

/** Constant-time: does `presented` hash to the stored SHA-256 (hex)? Digests have equal lengths, so no length hint leaks. */
export function matchesSha256Hex(storedHex: string, presented: string): boolean {
  const expected = Buffer.from(storedHex, 'hex');
  const actual = sha256(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

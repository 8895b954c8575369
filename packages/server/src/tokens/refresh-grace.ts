import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Kv } from '../storage/kv/types.js';
import type { IssuedTokenPair } from './service.js';

/*
 * The retry grace of refresh rotation (README "Refresh tokens"): the answer a rotation gave
 * is kept in the shared kv for REFRESH_REUSE_GRACE seconds, so that the same spent token
 * presented again by its client (a second tab, a retried request) gets the same new pair
 * instead of revoking the authorization. The kv never sees the pair in clear: it is sealed
 * with AES-256-GCM under a key derived from the spent refresh token, which only its
 * holder has, and filed under the token's storage key (a hash).
 */

/** What a rotation answered, as a retry within the grace gets it again. */
export interface RememberedRotation {
  tokens: IssuedTokenPair;
  /** the scopes the rotating request asked for (null: it named none); a retry must ask the same */
  requested: string[] | null;
}

/** The spent refresh token, and who spent it. */
export interface SpentRefreshToken {
  refreshToken: string;
  /** its storage key (tokens/opaque.ts) */
  tokenHash: string;
  clientId: string;
}

const KEY_PREFIX = 'refresh-grace:';
const HKDF_INFO = 'signet refresh-grace v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** How long a loser of the rotation race waits for the winner's answer: at first often, then less; about 2 s in all. */
export const RECALL_WAITS_MS: readonly number[] = [0, 20, 40, 80, 160, 300, 500, 900];

const kvKey = (spent: SpentRefreshToken) => KEY_PREFIX + spent.tokenHash;

function sealingKey(refreshToken: string): Buffer {
  return Buffer.from(hkdfSync('sha256', refreshToken, Buffer.alloc(0), HKDF_INFO, 32));
}

/** Bound to the client and the token's key: a sealed answer read for another is not opened. */
const associatedData = (spent: SpentRefreshToken) => Buffer.from(`${spent.clientId}\n${spent.tokenHash}`, 'utf8');

function seal(spent: SpentRefreshToken, answer: RememberedRotation): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(spent.refreshToken), iv);
  cipher.setAAD(associatedData(spent));
  const body = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

function open(spent: SpentRefreshToken, sealed: string): RememberedRotation | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealingKey(spent.refreshToken), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(spent));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
    return JSON.parse(text) as RememberedRotation;
  } catch {
    // not sealed for this token and client: as good as absent
    return undefined;
  }
}

/** Keeps a rotation's answer for `ttlMs`, sealed (see above). */
export async function rememberRotation(
  kv: Kv,
  spent: SpentRefreshToken,
  answer: RememberedRotation,
  ttlMs: number,
): Promise<void> {
  await kv.set(kvKey(spent), seal(spent, answer), ttlMs);
}

/**
 * The answer the rotation of this token gave, waiting a little for it: the winner of a
 * concurrent rotation writes it just after its commit. Undefined when none comes.
 */
export async function recallRotation(
  kv: Kv,
  spent: SpentRefreshToken,
  waitsMs: readonly number[] = RECALL_WAITS_MS,
): Promise<RememberedRotation | undefined> {
  for (const waitMs of waitsMs) {
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const sealed = await kv.get(kvKey(spent));
    if (sealed !== null) return open(spent, sealed);
  }
  return undefined;
}

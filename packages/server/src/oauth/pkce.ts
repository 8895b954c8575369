import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

function s256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/**
 * The verifier's bytes as Mixin's SDKs hash them (they hash the random bytes the verifier
 * encodes, not its text); undefined when the verifier is not canonical base64url, so no
 * two verifiers decode to the same bytes.
 */
function mixinVerifierBytes(verifier: string): Buffer | undefined {
  if (!BASE64URL.test(verifier)) return undefined;
  const bytes = Buffer.from(verifier, 'base64url');
  return bytes.toString('base64url') === verifier ? bytes : undefined;
}

/**
 * Does the verifier answer the stored S256 challenge? Accepts RFC 7636's
 * BASE64URL(SHA256(ASCII(verifier))) and Mixin's BASE64URL(SHA256(base64url-decoded verifier)).
 */
export function codeVerifierMatches(challenge: string, verifier: string): boolean {
  if (!isValidCodeVerifier(verifier)) return false;
  const expected = Buffer.from(challenge, 'utf8');
  const candidates = [s256(Buffer.from(verifier, 'ascii'))];
  const mixinBytes = mixinVerifierBytes(verifier);
  if (mixinBytes) candidates.push(s256(mixinBytes));
  let matched = false;
  for (const digest of candidates) {
    const actual = Buffer.from(digest.toString('base64url'), 'utf8');
    // evaluate every candidate so the time taken does not say which form matched
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) matched = true;
  }
  return matched;
}

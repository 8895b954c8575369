import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToBase64Url, randomBytes, utf8 } from './bytes.js';

export interface Pkce {
  /** keep this secret until the token request */
  verifier: string;
  /** send this to /oauth/authorize */
  challenge: string;
  method: 'S256';
}

/**
 * A PKCE pair (RFC 7636, S256): a 43-character verifier from 32 random bytes.
 *
 * @example
 * const pkce = createPkce();
 * location.href = authorizeUrl({ issuer, clientId, redirectUri, codeChallenge: pkce.challenge });
 * sessionStorage.setItem('verifier', pkce.verifier);
 */
export function createPkce(): Pkce {
  const verifier = bytesToBase64Url(randomBytes(32));
  return { verifier, challenge: bytesToBase64Url(sha256(utf8(verifier))), method: 'S256' };
}

import { type AuthorizeCheck, appOf, redirectableParam } from './check.js';
import { InvalidRequest } from '../../errors/oauth.js';

// RFC 7636 §4.2: 43 to 128 characters of the base64url alphabet (S256 gives 43).
const CHALLENGE = /^[A-Za-z0-9_-]{43,128}$/;

/**
 * §5: PKCE with S256 only. Mixin calls it `SHA256`; Mixin's web clients send no method
 * at all, which means S256 here (never `plain`, which protects nothing against a
 * leaked authorization request). A public app has no secret, so PKCE is its only proof.
 */
export const checkPkce: AuthorizeCheck = ({ params, draft }) => {
  const challenge = redirectableParam(params, 'code_challenge');
  const method = redirectableParam(params, 'code_challenge_method');
  if (method !== undefined && method !== 'S256' && method !== 'SHA256') {
    throw new InvalidRequest('code_challenge_method must be S256.');
  }
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method was sent without code_challenge.');
    if (appOf(draft).type === 'public')
      throw new InvalidRequest('A public app must send a PKCE code_challenge (S256).');
    return;
  }
  if (!CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge must be 43 to 128 base64url characters.');
  draft.codeChallenge = challenge;
};

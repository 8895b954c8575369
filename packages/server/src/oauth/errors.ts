import { InvalidFieldError, SignetError } from '../errors/errors.js';

/*
 * The errors of the token, revocation and introspection endpoints. Each carries both
 * renderings: the RFC 6749 §5.2 code for the standard form, and a platform code for
 * Mixin's JSON form (credentials that do not check out are 401 there, as on Mixin;
 * a malformed request is 10002 naming the field; an expired code is 20121).
 */

export function invalidRequest(field: string, problem: string): SignetError {
  return new InvalidFieldError(field, problem, { oauthError: 'invalid_request' });
}

/** The client could not be authenticated: HTTP 401 in both dialects. */
export function invalidClient(description = 'Client authentication failed.'): SignetError {
  return new SignetError(401, description, { oauthError: 'invalid_client' });
}

/** The code or refresh token is unknown, spent, another client's, or does not match the request. */
export function invalidGrant(description: string): SignetError {
  return new SignetError(401, description, { oauthError: 'invalid_grant' });
}

export function expiredCode(): SignetError {
  return new SignetError(20121, 'Authorization code expired.', { oauthError: 'invalid_grant' });
}

export function invalidScope(description: string): SignetError {
  return new SignetError(403, description, { oauthError: 'invalid_scope' });
}

export function unauthorizedClient(description: string): SignetError {
  return new SignetError(403, description, { oauthError: 'unauthorized_client' });
}

export function unsupportedGrantType(grantType: string): SignetError {
  return new SignetError(400, `grant_type ${grantType} is not supported.`, { oauthError: 'unsupported_grant_type' });
}

/** RFC 6749 §5.2: 401 for a client that failed to authenticate, 400 for everything else; 429 for a throttled client or address (RFC 6585). */
export function standardHttpStatus(error: SignetError): number {
  if (error.code === 500 || error.code === 429) return error.code;
  return error.oauthError === 'invalid_client' ? 401 : 400;
}

import type { SignetError } from '../errors/signet-error.js';
import type { AuthorizeRequest } from './authorize-request.js';

/**
 * Adds parameters to a redirect URI, keeping its own query exactly as registered
 * (re-serializing it through URLSearchParams could change its encoding).
 */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (defined.length === 0) return uri;
  const hashAt = uri.indexOf('#');
  const base = hashAt === -1 ? uri : uri.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : uri.slice(hashAt);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${new URLSearchParams(defined).toString()}${fragment}`;
}

/** §5.6: `code`, `state`, `iss` (RFC 9207) and Mixin's `return_to`. */
export function codeRedirectUrl(issuer: string, request: AuthorizeRequest, code: string): string {
  return withQuery(request.redirectUri, { code, state: request.state, iss: issuer, return_to: request.returnTo });
}

/** RFC 6749 §4.1.2.1 error response, with `iss` (RFC 9207). */
export function errorRedirectUrl(issuer: string, redirectUri: string, state: string | undefined, error: SignetError): string {
  // error_description may only hold printable ASCII without `"` and `\` (RFC 6749 §4.1.2.1);
  // messages can quote what the request sent.
  const description = error.message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 300);
  return withQuery(redirectUri, { error: error.oauthError, error_description: description, state, iss: issuer });
}

import type { RouteContext } from '../context.js';
import type { SignetError } from '../errors/signet-error.js';
import type { AuthorizeRequest } from './authorize-request.js';
import { issueCode } from './codes.js';

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
export function errorRedirectUrl(
  issuer: string,
  redirectUri: string,
  state: string | undefined,
  error: SignetError,
): string {
  // error_description may only hold printable ASCII without `"` and `\` (RFC 6749 §4.1.2.1);
  // messages can quote what the request sent.
  const description = error.message.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, '?').slice(0, 300);
  return withQuery(redirectUri, { error: error.oauthError, error_description: description, state, iss: issuer });
}

/**
 * Issues the code for an approved request and gives the URL to send the browser to.
 * `scopes` are what this code carries: the requested ones (a remembered grant may be
 * wider) or what the user ticked.
 */
export async function approvedRedirectUrl(
  deps: Pick<RouteContext, 'db' | 'clock' | 'config'>,
  request: AuthorizeRequest,
  userId: string,
  scopes: readonly string[],
  authorizationId?: string,
): Promise<string> {
  const { code } = await issueCode(deps, {
    clientId: request.clientId,
    userId,
    redirectUri: request.redirectUri,
    redirectUriMatch: request.redirectUriMatch,
    redirectUriSent: request.redirectUriSent,
    codeChallenge: request.codeChallenge,
    scopes,
    ...(authorizationId ? { authorizationId } : {}),
  });
  return codeRedirectUrl(deps.config.issuer, request, code);
}

import { issueCode } from '../codes.js';
import type { RouteContext } from '../../context.js';
import type { AuthorizeRequest } from '../authorize-request.js';
import { codeRedirectUrl } from '../authorize-redirect.js';

/**
 * Issues the code for an approved request and gives the URL to send the browser to.
 * `scopes` are what this code carries: the requested ones (a remembered grant may be
 * wider) or what the user ticked.
 */
export async function approvedRedirectUrl(
  context: RouteContext,
  request: AuthorizeRequest,
  userId: string,
  scopes: readonly string[],
  authorizationId?: string,
): Promise<string> {
  const { code } = await issueCode(context, {
    clientId: request.clientId,
    userId,
    redirectUri: request.redirectUri,
    redirectUriMatch: request.redirectUriMatch,
    redirectUriSent: request.redirectUriSent,
    codeChallenge: request.codeChallenge,
    scopes,
    ...(authorizationId ? { authorizationId } : {}),
  });
  return codeRedirectUrl(context.config.issuer, request, code);
}

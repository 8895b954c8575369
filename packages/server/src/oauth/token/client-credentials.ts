import { parseScopes } from '@signet/protocol';
import type { RouteContext } from '../../context.js';
import { unknownScopes, withAlwaysGranted } from '../../consent/scopes.js';
import { issueClientToken } from '../../tokens/service.js';
import { authenticateClient, readClientCredentials } from '../client-auth.js';
import { InvalidScope, UnauthorizedClient } from '../../errors/oauth.js';
import { formParam } from '../form.js';
import type { StandardTokenRequest, TokenAnswer } from './answer.js';
import { expiresIn } from './answer.js';

/**
 * grant_type=client_credentials (RFC 6749 §4.4): a confidential app acting as its own
 * bot user (user_id = client_id). No refresh token: the app can always ask again.
 */
export async function clientCredentialsGrant(
  context: RouteContext,
  request: StandardTokenRequest,
): Promise<TokenAnswer> {
  const credentials = readClientCredentials(request.authorization, request.body);
  const requested = parseScopes(formParam(request.body, 'scope'));
  const app = await authenticateClient(context.hot, credentials);
  if (app.type !== 'confidential') throw new UnauthorizedClient('client_credentials is for confidential apps only.');
  const unknown = unknownScopes(context.scopes, requested);
  if (unknown.length > 0) throw new InvalidScope(`Unknown scope: ${unknown.join(' ')}.`);

  const issued = await issueClientToken(context, app.client_id, withAlwaysGranted(requested));
  return {
    access_token: issued.accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn(context, issued.expiresAt),
    scope: issued.scopes.join(' '),
  };
}

import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import { findUserById } from '../../accounts/repo.js';
import type { RouteContext } from '../../context.js';
import { InvalidField, ServerError } from '../../errors/platform.js';
import { InvalidGrant, UnauthorizedClient } from '../../errors/oauth.js';
import { authorizeServiceLogin } from './service-login.js';
import { verifySignedToken } from '../../tokens/signed.js';
import { authenticateClient, readClientCredentials } from '../client-auth.js';
import { requiredFormParam } from '../form.js';
import { type StandardTokenRequest, type TokenAnswer, expiresIn } from './answer.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * Service login (PROTOCOL.md §11, RFC 8693): a user signs a session token for GET /me
 * with `aud` = the service's client_id and hands it over; the service, authenticated,
 * trades it for a bearer token acting for that user with PROFILE:READ only. The token lives
 * in an authorization under the user's grant to the service, so the user sees the service
 * and revoking it (or the keystore that signed) ends the token (tokens/service-login.ts).
 */
export async function tokenExchangeGrant(context: RouteContext, request: StandardTokenRequest): Promise<TokenAnswer> {
  const credentials = readClientCredentials(request.authorization, request.body);
  const subjectToken = requiredFormParam(request.body, 'subject_token');
  if (requiredFormParam(request.body, 'subject_token_type') !== JWT_TOKEN_TYPE) {
    throw new InvalidField('subject_token_type', `must be ${JWT_TOKEN_TYPE}`);
  }
  const app = await authenticateClient(context.hot, credentials);
  // a public client proves no identity, so any token "for" it could be replayed by anyone
  if (app.type !== 'confidential') throw new UnauthorizedClient('Token exchange is for confidential apps only.');

  const verdict = await verifySignedToken(
    { hot: context.hot, kv: context.kv, clock: context.clock, maxAgeSeconds: context.config.signedTokenMaxAge },
    subjectToken,
    // the token must have been signed for GET /me, the request a user makes to show who they are
    { method: 'GET', target: '/me', body: '', requestId: undefined },
    // `aud` is checked before the jti is spent, so a token for another service stays unused
    { audience: app.client_id },
  );
  if (!verdict.ok) {
    // answered as invalid_grant, so the error hook never sees it: count the refusal here
    context.metrics.tokenRefused(verdict.reason);
    throw new InvalidGrant(`The subject token was refused: ${verdict.reason}.`);
  }
  const { principal } = verdict;
  if (principal.kind !== 'session') throw new InvalidGrant('The subject token must be a user’s session token.');
  const user = await findUserById(context.db, principal.userId);
  if (!user) throw new ServerError();

  const { issued } = await authorizeServiceLogin(
    context,
    { userId: user.user_id, clientId: app.client_id, sessionId: principal.sessionId },
    { ip: request.source.ip },
  );
  return {
    access_token: issued.accessToken,
    issued_token_type: ACCESS_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: expiresIn(context, issued.expiresAt),
    scope: ALWAYS_GRANTED_SCOPE,
    user: {
      user_id: user.user_id,
      identity_number: user.identity_number,
      full_name: user.full_name,
      avatar_url: user.avatar_url,
    },
  };
}

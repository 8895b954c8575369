import { parseScopes } from '@signet/protocol';
import { recordAuditEventAfter } from '../../audit/service.js';
import type { RouteContext } from '../../context.js';
import { findAuthorization } from '../../tokens/repo.js';
import { rotateRefreshToken } from '../../tokens/rotation.js';
import { authenticateClient, readClientCredentials } from '../client-auth.js';
import { InvalidGrant, InvalidScope } from '../../errors/oauth.js';
import { formParam, requiredFormParam } from '../form.js';
import { tokenFields } from './authorization-code.js';
import type { StandardTokenRequest, TokenAnswer } from './answer.js';

/**
 * grant_type=refresh_token (RFC 6749 §6): every use rotates the token; `scope` may
 * narrow the new access token within the authorization, never widen it. A spent token
 * presented again is a retry within REFRESH_REUSE_GRACE, and a reuse after it (tokens/rotation.ts).
 */
export async function refreshTokenGrant(context: RouteContext, request: StandardTokenRequest): Promise<TokenAnswer> {
  const refreshToken = requiredFormParam(request.body, 'refresh_token');
  const credentials = readClientCredentials(request.authorization, request.body);
  const scopeParam = formParam(request.body, 'scope');
  const scopes = scopeParam === undefined ? undefined : parseScopes(scopeParam);
  // a failed client login must not spend the token
  const app = await authenticateClient(context.hot, credentials);

  const policy = { graceMs: context.config.refreshReuseGrace * 1000, log: request.source.log };
  const result = await rotateRefreshToken(context, { refreshToken, clientId: app.client_id, scopes }, policy);
  switch (result.status) {
    case 'invalid':
      throw new InvalidGrant('The refresh token is invalid, expired or revoked.');
    case 'reused': {
      const authorization = await findAuthorization(context.db, result.authorizationId);
      await recordAuditEventAfter(context, request.source, {
        type: 'refresh_token.reused',
        userId: authorization?.user_id,
        clientId: app.client_id,
        authorizationId: result.authorizationId,
        detail: { authorization_revoked: true },
      });
      throw new InvalidGrant('The refresh token was already used; its authorization is revoked.');
    }
    case 'invalid_scope':
      throw new InvalidScope('scope exceeds what the authorization granted.');
    case 'rotated':
      return {
        ...tokenFields(context, result.authorization, result.tokens),
        refresh_token: result.tokens.refreshToken,
      };
  }
}

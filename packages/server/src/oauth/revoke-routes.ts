import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { recordAuditEventAfter } from '../audit/service.js';
import type { RouteContext } from '../context.js';
import { FORM_TYPE, type RouteDocs } from '../docs/route-docs.js';
import { findAuthorization } from '../tokens/repo.js';
import { revokeAccessToken, revokeByRefreshToken } from '../tokens/service.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import { useStandardEndpoint } from '../plugins/standard-endpoint.js';
import { formParam, requiredFormParam, requireFormBody } from './form.js';

/** RFC 7009 §2 (documentation only: see docs/route-docs.ts). Clients authenticate as at the token endpoint. */
const revokeDocs: RouteDocs = {
  body: {
    [FORM_TYPE]: Type.Object({
      token: Type.String(),
      token_type_hint: Type.Optional(Type.Union([Type.Literal('access_token'), Type.Literal('refresh_token')])),
      client_id: Type.Optional(Type.String()),
      client_secret: Type.Optional(Type.String()),
    }),
  },
  responses: { 200: null },
  errors: 'oauth',
};

/**
 * POST /oauth/revoke (RFC 7009). An access token ends alone; a refresh token ends its
 * whole authorization (PROTOCOL.md §8). A token that is unknown or another client's is
 * answered 200 all the same, so the endpoint tells nobody which tokens exist.
 */
export async function revokeRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  useStandardEndpoint(app);

  app.post('/oauth/revoke', { config: { openapi: revokeDocs } }, async (request, reply) => {
    const body = requireFormBody(request.headers, request.body);
    const credentials = readClientCredentials(request.headers.authorization, body);
    const token = requiredFormParam(body, 'token');
    const client = await authenticateClient(context.hot, credentials);
    const refreshToken = async () => {
      const authorizationId = await revokeByRefreshToken(context, token, client.client_id);
      if (authorizationId === undefined) return false;
      // an access token ends alone and is not recorded; a refresh token ends an authorization
      const authorization = await findAuthorization(context.db, authorizationId);
      const detail = { via: 'oauth_revoke' };
      await recordAuditEventAfter(context, request, {
        type: 'authorization.revoked',
        userId: authorization?.user_id,
        clientId: client.client_id,
        authorizationId,
        detail,
      });
      return true;
    };
    const accessToken = () => revokeAccessToken(context, token, client.client_id);
    // the hint only orders the search (RFC 7009 §2.1); an unknown hint is ignored
    const attempts =
      formParam(body, 'token_type_hint') === 'refresh_token'
        ? [refreshToken, accessToken]
        : [accessToken, refreshToken];
    for (const attempt of attempts) if (await attempt()) break;
    return reply.status(200).send();
  });
}

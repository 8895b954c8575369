import { Exact } from '@signet/protocol/views';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { FORM_TYPE, type RouteDocs } from '../docs/route-docs.js';
import { lookupAccessToken } from '../tokens/service.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';
import { InvalidClient } from '../errors/oauth.js';
import { useStandardEndpoint } from '../plugins/standard-endpoint.js';
import { requiredFormParam, requireFormBody } from './form.js';

/** RFC 7662 §2.2; an inactive token says nothing else. */
const IntrospectionAnswer = Type.Union([
  Exact({ active: Type.Literal(false) }),
  Exact({
    active: Type.Literal(true),
    scope: Type.String(),
    client_id: Type.String(),
    sub: Type.String({ description: 'the user_id; for a client-credentials token, the client_id (its bot user)' }),
    exp: Type.Integer(),
    iat: Type.Integer(),
    token_type: Type.Literal('Bearer'),
    authorization_id: Type.Optional(Type.String()),
  }),
]);
export type IntrospectionAnswer = Static<typeof IntrospectionAnswer>;

/** Documentation only: see docs/route-docs.ts. */
const introspectDocs: RouteDocs = {
  body: {
    [FORM_TYPE]: Type.Object({
      token: Type.String(),
      client_id: Type.Optional(Type.String()),
      client_secret: Type.Optional(Type.String()),
    }),
  },
  responses: { 200: IntrospectionAnswer },
  errors: 'oauth',
};

const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * POST /oauth/introspect (RFC 7662): a confidential app learns about access tokens issued
 * to itself; any other token, and every inactive one, is `{"active":false}`.
 */
export async function introspectRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  useStandardEndpoint(app);

  app.post(
    '/oauth/introspect',
    { config: { openapi: introspectDocs } },
    async (request): Promise<IntrospectionAnswer> => {
      const body = requireFormBody(request.headers, request.body);
      const credentials = readClientCredentials(request.headers.authorization, body);
      const token = requiredFormParam(body, 'token');
      const client = await authenticateClient(context.hot, credentials);
      if (client.type !== 'confidential') throw new InvalidClient('Only a confidential app may introspect tokens.');

      const info = await lookupAccessToken(context, token);
      if (!info?.active || info.clientId !== client.client_id) return { active: false };
      return {
        active: true,
        scope: info.scopes.join(' '),
        client_id: info.clientId,
        // a client-credentials token acts as the app's bot user, whose user_id is the client_id
        sub: info.userId,
        exp: seconds(info.expiresAt),
        iat: seconds(info.issuedAt),
        token_type: 'Bearer',
        ...(info.authorizationId ? { authorization_id: info.authorizationId } : {}),
      };
    },
  );
}

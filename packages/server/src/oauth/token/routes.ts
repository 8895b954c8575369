import { PlatformTokenAnswer, PlatformTokenRequest, TokenAnswer } from '@signet/protocol/views';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../context.js';
import { FORM_TYPE, JSON_TYPE, type RouteDocs, dataOf } from '../../docs/route-docs.js';
import { PLATFORM_GRANT } from '../../metrics/metrics.js';
import { acceptBodies } from '../../plugins/raw-body.js';
import { UnsupportedGrantType } from '../../errors/oauth.js';
import { useStandardEndpoint } from '../../plugins/standard-endpoint.js';
import { formBody, isFormRequest, requiredFormParam } from '../form.js';
import type { GrantHandler } from './answer.js';
import { authorizationCodeGrant } from './authorization-code.js';
import { clientCredentialsGrant } from './client-credentials.js';
import { platformCodeExchange } from './platform.js';
import { refreshTokenGrant } from './refresh-token.js';
import { TOKEN_EXCHANGE_GRANT, tokenExchangeGrant } from './token-exchange.js';

/** Every grant the standard form supports; the metadata document lists exactly these. */
export const grantHandlers: ReadonlyMap<string, GrantHandler> = new Map([
  ['authorization_code', authorizationCodeGrant],
  ['refresh_token', refreshTokenGrant],
  ['client_credentials', clientCredentialsGrant],
  [TOKEN_EXCHANGE_GRANT, tokenExchangeGrant],
]);

const optionalString = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));

/** Both request forms and both answers (documentation only: see docs/route-docs.ts). */
const tokenDocs: RouteDocs = {
  body: {
    [JSON_TYPE]: PlatformTokenRequest,
    [FORM_TYPE]: Type.Object(
      {
        grant_type: Type.String({
          examples: ['authorization_code', 'refresh_token', 'client_credentials', TOKEN_EXCHANGE_GRANT],
        }),
        code: optionalString('authorization_code'),
        redirect_uri: optionalString('authorization_code, when it was sent to /oauth/authorize'),
        code_verifier: optionalString('authorization_code (PKCE)'),
        refresh_token: optionalString('refresh_token'),
        scope: optionalString('refresh_token, client_credentials: space-separated'),
        subject_token: optionalString('token exchange (PROTOCOL.md §11)'),
        subject_token_type: optionalString('token exchange: urn:ietf:params:oauth:token-type:jwt'),
        ed25519: optionalString('authorization_code: binds a client key as in the platform form'),
        client_id: optionalString('client_secret_post, or a public client'),
        client_secret: optionalString('client_secret_post'),
      },
      { description: 'The standard form (RFC 6749): errors per RFC 6749 §5.2' },
    ),
  },
  responses: { 200: Type.Union([TokenAnswer, dataOf(PlatformTokenAnswer)]) },
  errors: 'both',
};

/**
 * POST /oauth/token (PROTOCOL.md §7). A form body is the standard dialect (RFC 6749,
 * errors per §5.2); anything else is Mixin's JSON form, answered in the platform envelope.
 */
export async function tokenRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  useStandardEndpoint(app, (request) => !isFormRequest(request.headers));

  app.post(
    '/oauth/token',
    { onRequest: acceptBodies(JSON_TYPE, FORM_TYPE), config: { openapi: tokenDocs } },
    async (request) => {
      const authorization = request.headers.authorization;
      if (!isFormRequest(request.headers)) {
        const data = await platformCodeExchange(context, { authorization, body: request.body, source: request });
        context.metrics.tokenIssued(PLATFORM_GRANT);
        return { data };
      }
      const body = formBody(request.body);
      const grantType = requiredFormParam(body, 'grant_type');
      const handler = grantHandlers.get(grantType);
      if (!handler) throw new UnsupportedGrantType(grantType);
      const answer = await handler(context, { authorization, body, source: request });
      // labelled only after the lookup above: an unknown grant_type never becomes a label value
      context.metrics.tokenIssued(grantType);
      return answer;
    },
  );
}

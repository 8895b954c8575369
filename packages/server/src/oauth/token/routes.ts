import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../context.js';
import { unsupportedGrantType } from '../errors.js';
import { formBody, isFormRequest, requiredFormParam, useStandardEndpoint } from '../form.js';
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

/**
 * POST /oauth/token (PROTOCOL.md §7). A form body is the standard dialect (RFC 6749,
 * errors per §5.2); anything else is Mixin's JSON form, answered in the platform envelope.
 */
export async function tokenRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  useStandardEndpoint(app, (request) => !isFormRequest(request));

  app.post('/oauth/token', async (request) => {
    const authorization = request.headers.authorization;
    if (!isFormRequest(request)) return { data: await platformCodeExchange(context, { authorization, body: request.body }) };
    const body = formBody(request);
    const grantType = requiredFormParam(body, 'grant_type');
    const handler = grantHandlers.get(grantType);
    if (!handler) throw unsupportedGrantType(grantType);
    return handler(context, { authorization, body });
  });
}

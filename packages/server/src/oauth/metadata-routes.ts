import { Exact } from '@signet/protocol/views';
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import type { RouteDocs } from '../docs/route-docs.js';
import { grantHandlers } from './token/routes.js';

const strings = Type.Array(Type.String());

/** RFC 8414 §2, the fields this server sends. */
const Metadata = Exact({
  issuer: Type.String(),
  authorization_endpoint: Type.String(),
  token_endpoint: Type.String(),
  revocation_endpoint: Type.String(),
  introspection_endpoint: Type.String(),
  response_types_supported: strings,
  grant_types_supported: strings,
  code_challenge_methods_supported: strings,
  token_endpoint_auth_methods_supported: strings,
  revocation_endpoint_auth_methods_supported: strings,
  introspection_endpoint_auth_methods_supported: strings,
  scopes_supported: strings,
  authorization_response_iss_parameter_supported: Type.Boolean(),
});

/** Documentation only: see docs/route-docs.ts. */
const metadataDocs: RouteDocs = { responses: { 200: Metadata }, errors: 'platform' };

/** GET /.well-known/oauth-authorization-server (RFC 8414): exactly what this server supports. */
export async function metadataRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  const issuer = context.config.issuer;
  const document: Static<typeof Metadata> = {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    response_types_supported: ['code'],
    grant_types_supported: [...grantHandlers.keys()],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    // public apps may revoke their own tokens (RFC 7009 §5); only confidential apps introspect
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    scopes_supported: [...context.scopes.keys()],
    authorization_response_iss_parameter_supported: true,
  };
  app.get('/.well-known/oauth-authorization-server', { config: { openapi: metadataDocs } }, async () => document);
}

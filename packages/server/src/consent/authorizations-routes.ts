import { AuthorizationView, AuthorizationsQuery, CancelRequest, type Received } from '@signet/protocol/views';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publicIconUrl } from '../apps/logos.js';
import type { RouteContext } from '../context.js';
import { JSON_TYPE, type RouteDocs, dataOf } from '../docs/route-docs.js';
import { InvalidField } from '../errors/platform.js';
import { acceptBodies } from '../plugins/raw-body.js';
import { authenticateSession } from '../plugins/authenticate.js';
import { listAuthorizations } from './authorizations.js';
import { revokeAppForUser } from './revoke-app.js';

const docs = {
  list: { query: AuthorizationsQuery, responses: { 200: dataOf(Type.Array(AuthorizationView)) }, errors: 'platform' },
  cancel: {
    body: { [JSON_TYPE]: CancelRequest },
    responses: { 200: dataOf(Type.Object({}, { additionalProperties: false })) },
    errors: 'platform',
  },
} satisfies Record<string, RouteDocs>;

/** PROTOCOL.md §8: a user lists and revokes what they granted (FULL: their own session token). */
export async function authorizationsRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get<{ Querystring: Received<AuthorizationsQuery> }>(
    '/authorizations',
    { config: { openapi: docs.list } },
    async (request) => {
      const principal = await authenticateSession(context, request);
      const clientId =
        typeof request.query.app === 'string' && request.query.app !== '' ? request.query.app : undefined;
      const list = await listAuthorizations(context, principal.userId, clientId);
      // an uploaded logo is stored as a path on this server: apps elsewhere need the whole URL
      return {
        data: list.map((item) => ({
          ...item,
          app: { ...item.app, icon_url: publicIconUrl(item.app.icon_url, context.config.issuer) },
        })),
      };
    },
  );

  app.post(
    '/oauth/cancel',
    { onRequest: acceptBodies(JSON_TYPE), config: { openapi: docs.cancel } },
    async (request) => {
      const principal = await authenticateSession(context, request);
      const clientId = (request.body as Received<CancelRequest> | undefined)?.client_id;
      if (typeof clientId !== 'string' || clientId === '') throw new InvalidField('client_id', 'is required');
      await revokeAppForUser(context, request, principal.userId, clientId, 'api');
      return { data: {} };
    },
  );
}

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { publicIconUrl } from '../apps/logos.js';
import type { RouteContext } from '../context.js';
import { JSON_TYPE, type RouteDocs, Timestamp, Uuid, dataOf } from '../docs/route-docs.js';
import { InvalidField } from '../errors/platform.js';
import { acceptBodies } from '../plugins/raw-body.js';
import { authenticateSession } from '../plugins/authenticate.js';
import { listAuthorizations } from './authorizations.js';
import { revokeAppForUser } from './revoke-app.js';

/** What listAuthorizations answers (documentation only: see docs/route-docs.ts). */
const Authorization = Type.Object({
  type: Type.Literal('authorization'),
  authorization_id: Uuid,
  scopes: Type.Array(Type.String(), { description: "the grant's scopes" }),
  app: Type.Object({ app_id: Uuid, name: Type.String(), icon_url: Type.String(), home_uri: Type.String(), redirect_uri: Type.String() }),
  created_at: Timestamp,
  accessed_at: Timestamp,
});
const docs = {
  list: {
    query: Type.Object({ app: Type.Optional(Type.String({ description: 'only the authorizations of this client_id' })) }),
    responses: { 200: dataOf(Type.Array(Authorization)) },
    errors: 'platform',
  },
  cancel: { body: { [JSON_TYPE]: Type.Object({ client_id: Uuid }) }, responses: { 200: dataOf(Type.Object({})) }, errors: 'platform' },
} satisfies Record<string, RouteDocs>;

/** PROTOCOL.md §8: a user lists and revokes what they granted (FULL: their own session token). */
export async function authorizationsRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get<{ Querystring: { app?: string } }>('/authorizations', { config: { openapi: docs.list } }, async (request) => {
    const principal = await authenticateSession(context, request);
    const clientId = typeof request.query.app === 'string' && request.query.app !== '' ? request.query.app : undefined;
    const list = await listAuthorizations(context, principal.userId, clientId);
    // an uploaded logo is stored as a path on this server: apps elsewhere need the whole URL
    return { data: list.map((item) => ({ ...item, app: { ...item.app, icon_url: publicIconUrl(item.app.icon_url, context.config.issuer) } })) };
  });

  app.post('/oauth/cancel', { onRequest: acceptBodies(JSON_TYPE), config: { openapi: docs.cancel } }, async (request) => {
    const principal = await authenticateSession(context, request);
    const clientId = (request.body as { client_id?: unknown } | undefined)?.client_id;
    if (typeof clientId !== 'string' || clientId === '') throw new InvalidField('client_id', 'is required');
    await revokeAppForUser(context, request, principal.userId, clientId, 'api');
    return { data: {} };
  });
}

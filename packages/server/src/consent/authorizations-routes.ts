import type { FastifyInstance } from 'fastify';
import { publicIconUrl } from '../apps/logos.js';
import type { RouteContext } from '../context.js';
import { InvalidFieldError } from '../errors/errors.js';
import { authenticateSession } from '../tokens/authenticate.js';
import { revokeGrant } from '../tokens/service.js';
import { listAuthorizations } from './authorizations.js';

/** PROTOCOL.md §8: a user lists and revokes what they granted (FULL: their own session token). */
export async function authorizationsRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get<{ Querystring: { app?: string } }>('/authorizations', async (request) => {
    const principal = await authenticateSession(context, request);
    const clientId = typeof request.query.app === 'string' && request.query.app !== '' ? request.query.app : undefined;
    const list = await listAuthorizations(context, principal.userId, clientId);
    // an uploaded logo is stored as a path on this server: apps elsewhere need the whole URL
    return { data: list.map((item) => ({ ...item, app: { ...item.app, icon_url: publicIconUrl(item.app.icon_url, context.config.issuer) } })) };
  });

  app.post('/oauth/cancel', async (request) => {
    const principal = await authenticateSession(context, request);
    const clientId = (request.body as { client_id?: unknown } | undefined)?.client_id;
    if (typeof clientId !== 'string' || clientId === '') throw new InvalidFieldError('client_id', 'is required');
    await revokeGrant(context, principal.userId, clientId);
    return { data: {} };
  });
}

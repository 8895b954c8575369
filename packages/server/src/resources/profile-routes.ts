import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import { UserView } from '@signet/protocol/views';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { NotFound } from '../errors/platform.js';
import { type RouteDocs, dataOf } from '../docs/route-docs.js';
import { guard } from '../plugins/authenticate.js';
import { satisfies } from './scopes.js';
import { findProfile, findProfileById, profileView } from './profile.js';

const PHONE_READ = 'PHONE:READ';

/** What profileView answers (documentation only: see docs/route-docs.ts). */
const userDocs: RouteDocs = { responses: { 200: dataOf(UserView) }, errors: 'platform' };

/** PROTOCOL.md §10: the caller's own profile and other users' public ones. */
export async function profileRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get('/me', { config: { openapi: userDocs } }, async (request) => {
    const principal = await guard(context, request, ALWAYS_GRANTED_SCOPE);
    const row = await findProfileById(context, principal.userId);
    // the token outlived its user (an account deleted under it)
    if (!row) throw new NotFound('User not found.');
    return { data: profileView(row, { self: true, withPhone: satisfies(principal, PHONE_READ) }) };
  });

  app.get<{ Params: { id: string } }>('/users/:id', { config: { openapi: userDocs } }, async (request) => {
    const principal = await guard(context, request, ALWAYS_GRANTED_SCOPE);
    const row = await findProfile(context, request.params.id);
    if (!row) throw new NotFound('User not found.');
    // a public profile never carries the phone, not even the caller's own (that is /me)
    return { data: profileView(row, { self: row.user_id === principal.userId, withPhone: false }) };
  });
}

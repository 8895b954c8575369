import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../context.js';
import { NotFoundError } from '../errors/errors.js';
import { guard, holds } from './guard.js';
import { findProfile, findProfileById, profileView } from './profile.js';

const PHONE_READ = 'PHONE:READ';

/** PROTOCOL.md §10: the caller's own profile and other users' public ones. */
export async function profileRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get('/me', async (request) => {
    const principal = await guard(context, request, ALWAYS_GRANTED_SCOPE);
    const row = await findProfileById(context.db, principal.userId);
    // the token outlived its user (an account deleted under it)
    if (!row) throw new NotFoundError('User');
    return { data: profileView(row, { self: true, withPhone: holds(principal, PHONE_READ) }) };
  });

  app.get<{ Params: { id: string } }>('/users/:id', async (request) => {
    const principal = await guard(context, request, ALWAYS_GRANTED_SCOPE);
    const row = await findProfile(context.db, request.params.id);
    if (!row) throw new NotFoundError('User');
    // a public profile never carries the phone, not even the caller's own (that is /me)
    return { data: profileView(row, { self: row.user_id === principal.userId, withPhone: false }) };
  });
}

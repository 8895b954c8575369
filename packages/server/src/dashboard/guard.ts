import { isUuid } from '@signet/protocol';
import { signInUrl } from '../accounts/local-path.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { UserView } from '../accounts/service.js';
import type { AppRow } from '../apps/repo.js';
import { findApp } from '../apps/repo.js';
import type { Db } from '../storage/tables.js';
import { errorPage, sendPage } from '../plugins/views.js';
import { currentUser } from '../plugins/web-session.js';

/** preHandler for every dashboard route: a signed-out browser is sent to sign in, then back. */
export async function requireSignIn(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (currentUser(request)) return undefined;
  // after a POST the way back is the page the form was on, not the POST's target
  const back = request.method === 'GET' ? request.url : '/dashboard';
  return reply.redirect(signInUrl(back), 303);
}

export function signedInUser(request: FastifyRequest): UserView {
  const user = currentUser(request);
  if (!user) throw new Error('requireSignIn must run first');
  return user;
}

/** The app when the signed-in user owns it; someone else's app looks exactly like a missing one. */
export async function ownedApp(db: Db, request: FastifyRequest, clientId: string): Promise<AppRow | null> {
  if (!isUuid(clientId)) return null;
  const app = await findApp(db, clientId.toLowerCase());
  return app && app.owner_id === signedInUser(request).user_id ? app : null;
}

export function notFound(reply: FastifyReply): FastifyReply {
  return sendPage(reply, errorPage('Not found', 'There is no such app among yours.'), 404);
}

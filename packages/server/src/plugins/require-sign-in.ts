import type { FastifyReply, FastifyRequest } from 'fastify';
import { signInUrl } from '../accounts/local-path.js';
import type { UserView } from '../accounts/service.js';
import { currentUser } from './web-session.js';

/** preHandler for pages that need a signed-in user (the dashboard): a signed-out browser is sent to sign in, then back. */
export async function requireSignIn(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (currentUser(request)) return undefined;
  // after a POST the way back is the page the form was on, not the POST's target
  const back = request.method === 'GET' ? request.url : '/dashboard';
  return reply.redirect(signInUrl(back), 303);
}

/** The user requireSignIn let through. */
export function signedInUser(request: FastifyRequest): UserView {
  const user = currentUser(request);
  if (!user) throw new Error('requireSignIn must run first');
  return user;
}

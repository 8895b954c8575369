import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { csrfField, verifyCsrf } from '../plugins/csrf.js';
import { sendPage } from '../plugins/views.js';
import { currentUser, signIn, signOut } from '../plugins/web-session.js';
import { localPath } from './local-path.js';
import { signInPage } from './pages.js';
import { recordAuditEventAfter } from '../audit/service.js';
import { type UserRow, findUserByUsername } from './repo.js';
import { toUserView, verifyCredentials } from './service.js';
import { beginSignInAttempt } from './signin-throttle.js';
import { isUsername } from './validation.js';
import { formText } from './form-text.js';

function renderSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  next: string,
  username: string,
  error?: string,
) {
  return sendPage(reply, signInPage({ csrf: csrfField(request), next, username, error }), status);
}

/** GET/POST /signin and POST /signout (PROTOCOL.md §14). */
export async function accountRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/signin', async (request, reply) => {
    const user = currentUser(request);
    const intro = user ? `You are signed in as ${user.full_name}. Sign in again to switch accounts.` : undefined;
    return sendPage(reply, signInPage({ csrf: csrfField(request), next: localPath(request.query.next), intro }));
  });

  app.post('/signin', { preHandler: verifyCsrf }, async (request, reply) => {
    const username = formText(request.body, 'username').trim();
    const password = formText(request.body, 'password');
    const next = localPath(formText(request.body, 'next'));
    if (username === '' || password === '') {
      return renderSignIn(request, reply, 401, next, username, 'Enter your username and password.');
    }
    const attempt = context.config.rateLimits ? await beginSignInAttempt(context, username, request.ip) : undefined;
    if (attempt && !attempt.allowed) {
      if (attempt.firstRefusal)
        await signInFailed(
          request,
          username,
          'throttled',
          isUsername(username) ? await findUserByUsername(context.db, username) : undefined,
        );
      return renderSignIn(
        request,
        reply,
        429,
        next,
        username,
        'Too many failed sign-ins. Wait a few minutes, then try again.',
      );
    }
    const check = await verifyCredentials(context, username, password);
    if (!check.ok) {
      await signInFailed(request, username, check.reason, check.user);
      return renderSignIn(request, reply, 401, next, username, 'Wrong username or password.');
    }
    await attempt?.succeeded();
    await signIn(reply, context, toUserView(check.user));
    await recordAuditEventAfter(context, request, {
      type: 'signin.succeeded',
      userId: check.user.user_id,
      detail: { method: 'password' },
    });
    return reply.redirect(next, 303);
  });

  app.post('/signout', { preHandler: verifyCsrf }, async (request, reply) => {
    const user = currentUser(request);
    await signOut(reply, context);
    // signing out a browser that was not signed in changes nothing worth a record
    if (user) await recordAuditEventAfter(context, request, { type: 'signout', userId: user.user_id });
    return reply.redirect('/signin', 303);
  });

  /** The record of a refused sign-in: the account when the name is one, the name only when it could be one; never the password. */
  async function signInFailed(
    request: FastifyRequest,
    username: string,
    reason: 'unknown_user' | 'wrong_password' | 'throttled',
    user: UserRow | undefined,
  ) {
    const detail = { reason, ...(user ? {} : { username: isUsername(username) ? username : null }) };
    await recordAuditEventAfter(context, request, { type: 'signin.failed', userId: user?.user_id, detail });
  }
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { csrfField, verifyCsrf } from '../plugins/csrf.js';
import { sendPage } from '../plugins/views.js';
import { currentUser, signIn, signOut } from '../plugins/web-session.js';
import { localPath } from './local-path.js';
import { signInPage } from './pages.js';
import { checkPassword, toUserView } from './service.js';
import { beginSignInAttempt } from './signin-throttle.js';

// Longer input is never a valid account; refusing it early keeps argon2 and kv keys small.
const MAX_USERNAME = 64;
const MAX_PASSWORD = 1024;

function field(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

function renderSignIn(request: FastifyRequest, reply: FastifyReply, status: number, next: string, username: string, error?: string) {
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
    const username = field(request.body, 'username').trim();
    const password = field(request.body, 'password');
    const next = localPath(field(request.body, 'next'));
    if (username === '' || password === '') {
      return renderSignIn(request, reply, 401, next, username, 'Enter your username and password.');
    }
    const attempt = context.config.rateLimits ? await beginSignInAttempt(context, username, request.ip) : undefined;
    if (attempt && !attempt.allowed) {
      return renderSignIn(request, reply, 429, next, username, 'Too many failed sign-ins. Wait a few minutes, then try again.');
    }
    const user =
      username.length <= MAX_USERNAME && password.length <= MAX_PASSWORD ? await checkPassword(context, username, password) : null;
    if (!user) return renderSignIn(request, reply, 401, next, username, 'Wrong username or password.');
    await attempt?.succeeded();
    await signIn(reply, context, toUserView(user));
    return reply.redirect(next, 303);
  });

  app.post('/signout', { preHandler: verifyCsrf }, async (_request, reply) => {
    await signOut(reply, context);
    return reply.redirect('/signin', 303);
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAuditEventAfter } from '../audit/service.js';
import type { RouteContext } from '../context.js';
import { InvalidField } from '../errors/platform.js';
import { csrfField, verifyCsrf } from '../plugins/csrf.js';
import { sendPage } from '../plugins/views.js';
import { signIn } from '../plugins/web-session.js';
import { localPath } from './local-path.js';
import { createUser, toUserView } from './service.js';
import { type SignUpPageInput, signUpPage } from './signup-page.js';
import { allowSignUp } from './signup-throttle.js';
import { formText } from './form-text.js';

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  input: Omit<SignUpPageInput, 'csrf'>,
): FastifyReply {
  return sendPage(reply, signUpPage({ csrf: csrfField(request), ...input }), status);
}

/** GET/POST /signup: a new account, signed in at once (PROTOCOL.md §14). */
export async function signupRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  app.get<{ Querystring: Record<string, unknown> }>('/signup', async (request, reply) =>
    render(request, reply, 200, {
      next: localPath(request.query.next),
      values: { username: '', full_name: '', phone: '' },
    }),
  );

  app.post('/signup', { preHandler: verifyCsrf }, async (request, reply) => {
    const values = {
      username: formText(request.body, 'username').trim(),
      full_name: formText(request.body, 'full_name'),
      phone: formText(request.body, 'phone').trim(),
    };
    const next = localPath(formText(request.body, 'next'));
    if (context.config.rateLimits && !(await allowSignUp(context, request.ip))) {
      return render(request, reply, 429, {
        next,
        values,
        error: { field: 'username', message: 'Too many sign-ups from this address. Try again in an hour.' },
      });
    }
    try {
      const user = await createUser(context, {
        username: values.username,
        password: formText(request.body, 'password'),
        fullName: values.full_name,
        phone: values.phone || undefined,
      });
      // a fresh browser id: one planted before sign-up is worth nothing after it
      await signIn(reply, context, toUserView(user));
      await recordAuditEventAfter(context, request, {
        type: 'signin.succeeded',
        userId: user.user_id,
        detail: { method: 'signup' },
      });
      return reply.redirect(next, 303);
    } catch (error) {
      if (!(error instanceof InvalidField)) throw error;
      const message = `${labels[error.field] ?? error.field} ${String(error.extra?.reason ?? 'is invalid')}.`;
      return render(request, reply, error.httpStatus, { next, values, error: { field: error.field, message } });
    }
  });
}

const labels: Record<string, string> = {
  username: 'Username',
  password: 'Password',
  full_name: 'Full name',
  phone: 'Phone',
};

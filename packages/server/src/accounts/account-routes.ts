import { isUuid } from '@signet/protocol';
import { signInUrl } from './local-path.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { InvalidField } from '../errors/platform.js';
import { csrfField, verifyCsrf } from '../plugins/csrf.js';
import { applySecurityHeaders, sendPage } from '../plugins/views.js';
import { currentUser } from '../plugins/web-session.js';
import { serverKeyPair } from '../tokens/server-key.js';
import { recordAuditEventAfter } from '../audit/service.js';
import { revokeAppForUser } from '../consent/revoke-app.js';
import { type AccountPageInput, NOTICES, type NoticeKey, accountPage } from './account-pages.js';
import { listAuthorizedApps } from './authorized-apps.js';
import { createKeystore, listKeystores, revokeKeystore } from './keystores.js';
import { type ProfileField, type ProfileInput, updateProfile, validateProfile } from './profile.js';
import type { UserView } from './service.js';
import { formText } from './form-text.js';

const SIGN_IN = signInUrl('/account');
const PROFILE_FIELDS: readonly ProfileField[] = ['full_name', 'avatar_url', 'biography', 'phone'];

function isNotice(value: unknown): value is NoticeKey {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value);
}

/** Minutes in UTC: the page cannot know the reader's zone without a script. */
function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The signed-in user, or a redirect to sign in (303 after a POST, so the browser GETs the sign-in page). */
function requireUser(request: FastifyRequest, reply: FastifyReply): UserView | undefined {
  const user = currentUser(request);
  if (!user) void applySecurityHeaders(reply).redirect(SIGN_IN, request.method === 'GET' ? 302 : 303);
  return user ?? undefined;
}

/** PROTOCOL.md §14: the account page and its forms; every POST is CSRF-checked first and answers 303. */
export async function accountPageRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  async function render(
    request: FastifyRequest,
    reply: FastifyReply,
    user: UserView,
    extra: Partial<AccountPageInput> = {},
    status = 200,
  ) {
    const [keystores, apps] = await Promise.all([
      listKeystores(context.db, user.user_id),
      listAuthorizedApps(context, user.user_id),
    ]);
    return sendPage(reply, accountPage({ user, csrf: csrfField(request), keystores, apps, when, ...extra }), status);
  }

  app.get<{ Querystring: { notice?: string } }>(
    '/account',
    { schema: { summary: 'Account page: profile, session keystores, authorized apps', tags: ['pages'] } },
    async (request, reply) => {
      const user = requireUser(request, reply);
      if (!user) return reply;
      return render(request, reply, user, {
        notice: isNotice(request.query.notice) ? request.query.notice : undefined,
      });
    },
  );

  app.post(
    '/account/profile',
    { preHandler: verifyCsrf, schema: { summary: 'Save the profile form', tags: ['pages'] } },
    async (request, reply) => {
      const user = requireUser(request, reply);
      if (!user) return reply;
      const typed = Object.fromEntries(
        PROFILE_FIELDS.map((name) => [name, formText(request.body, name)]),
      ) as unknown as ProfileInput;
      try {
        await updateProfile(context, user.user_id, validateProfile(typed));
      } catch (error) {
        if (!(error instanceof InvalidField)) throw error;
        const reason = typeof error.extra?.reason === 'string' ? error.extra.reason : error.message;
        return render(
          request,
          reply,
          user,
          { profile: typed, profileError: { field: error.field as ProfileField, message: `This ${reason}.` } },
          400,
        );
      }
      return reply.redirect('/account?notice=profile-saved', 303);
    },
  );

  app.post(
    '/account/keystores',
    {
      preHandler: verifyCsrf,
      schema: { summary: 'Create a session keystore; answers its JSON file, once', tags: ['pages'] },
    },
    async (request, reply) => {
      const user = requireUser(request, reply);
      if (!user) return reply;
      const keystore = await createKeystore(context, user.user_id, (await serverKeyPair(context.storage)).publicKey, {
        ip: request.ip,
        via: 'account',
      });
      // the private key exists nowhere else: no cache may keep a copy
      return applySecurityHeaders(reply)
        .header('Content-Disposition', `attachment; filename="signet-keystore-${keystore.session_id}.json"`)
        .type('application/json; charset=utf-8')
        .send(`${JSON.stringify(keystore, null, 2)}\n`);
    },
  );

  app.post(
    '/account/keystores/revoke',
    { preHandler: verifyCsrf, schema: { summary: 'Revoke one of my session keystores', tags: ['pages'] } },
    async (request, reply) => {
      const user = requireUser(request, reply);
      if (!user) return reply;
      const sessionId = formText(request.body, 'session_id');
      const ended = isUuid(sessionId)
        ? await revokeKeystore(context, user.user_id, sessionId.toLowerCase())
        : undefined;
      if (ended) {
        // the service logins the keystore signed ended with it
        const detail = {
          session_id: sessionId.toLowerCase(),
          via: 'account',
          ...(ended.length > 0 ? { authorization_ids: ended } : {}),
        };
        await recordAuditEventAfter(context, request, { type: 'keystore.revoked', userId: user.user_id, detail });
      }
      return reply.redirect(`/account?notice=${ended ? 'keystore-revoked' : 'keystore-gone'}`, 303);
    },
  );

  app.post(
    '/account/apps/revoke',
    {
      preHandler: verifyCsrf,
      schema: { summary: 'Revoke an app: its grant, authorizations and tokens end at once', tags: ['pages'] },
    },
    async (request, reply) => {
      const user = requireUser(request, reply);
      if (!user) return reply;
      const clientId = formText(request.body, 'client_id');
      // only this user's rows are touched, so an id that is not theirs changes nothing
      if (clientId !== '') await revokeAppForUser(context, request, user.user_id, clientId, 'account');
      return reply.redirect('/account?notice=app-revoked', 303);
    },
  );
}

import { signInUrl } from '../../accounts/local-path.js';
import { ALWAYS_GRANTED_SCOPE } from '@signet/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { signInPage } from '../../accounts/pages.js';
import type { AppRow } from '../../apps/repo.js';
import { recordAuditEventAfter } from '../../audit/service.js';
import type { RouteContext } from '../../context.js';
import { deviceApprovalSection } from '../../consent/device-section.js';
import { grantCovers, recordGrant } from '../../consent/grants.js';
import { DECISION_FIELD, GRANTED_FIELD, consentPage } from '../../consent/pages.js';
import { csrfField, verifyCsrf } from '../../plugins/csrf.js';
import { applySecurityHeaders, errorPage, sendPage } from '../../plugins/views.js';
import { browserId, currentUser } from '../../plugins/web-session.js';
import { type AuthorizeOutcome, pickAuthorizeParams, runAuthorizeChecks } from './checks.js';
import { AccessDenied, ConsentRequired, LoginRequired } from '../../errors/oauth.js';
import { approvedRedirectUrl, errorRedirectUrl } from '../authorize-redirect.js';
import type { AuthorizeRequest } from '../authorize-request.js';

type Failure = Extract<AuthorizeOutcome, { ok: false }>;

function redirect(reply: FastifyReply, url: string, status: 302 | 303): FastifyReply {
  return applySecurityHeaders(reply).redirect(url, status);
}

function fail(context: RouteContext, reply: FastifyReply, failure: Failure, status: 302 | 303): FastifyReply {
  if (failure.redirect) {
    const { redirectUri, state } = failure.redirect;
    return redirect(reply, errorRedirectUrl(context.config.issuer, redirectUri, state, failure.error), status);
  }
  return sendPage(reply, errorPage('This sign-in request is not valid', failure.error.message), 400);
}

function failWith(
  context: RouteContext,
  reply: FastifyReply,
  request: AuthorizeRequest,
  error: LoginRequired | ConsentRequired | AccessDenied,
  status: 302 | 303,
) {
  return fail(
    context,
    reply,
    { ok: false, error, redirect: { redirectUri: request.redirectUri, state: request.state } },
    status,
  );
}

/**
 * The authorize URL to come back to after signing in. `prompt=login` is dropped: it
 * has been honoured by the time the browser returns, and keeping it would loop.
 */
function returnUrl(params: Record<string, unknown>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && !(name === 'prompt' && value === 'login')) query.set(name, value);
  }
  return `/oauth/authorize?${query.toString()}`;
}

function hiddenFields(params: Record<string, unknown>): Record<string, string> {
  const hidden: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) if (typeof value === 'string') hidden[name] = value;
  return hidden;
}

async function showSignIn(
  context: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  authz: AuthorizeRequest,
  app: AppRow,
  params: Record<string, unknown>,
) {
  const requester = { browserId: browserId(request), ip: request.ip, userAgent: request.headers['user-agent'] };
  const aside = await deviceApprovalSection(context, authz, requester);
  const intro = `Sign in to continue to ${app.name}.`;
  return sendPage(reply, signInPage({ csrf: csrfField(request), next: returnUrl(params), aside, intro }));
}

/**
 * §5.4: a remembered grant answers without asking only when nothing forces the page and the
 * redirect URI is one the app registered. A host pattern also allows hosts the app may not
 * control (a taken-over subdomain, a user-content host), so a code for one of those is
 * never handed over without the user seeing where it goes (RFC 9700 §2.1).
 */
async function maySkipConsent(context: RouteContext, userId: string, authz: AuthorizeRequest): Promise<boolean> {
  if (authz.forceConsent || authz.redirectUriMatch !== 'exact') return false;
  return grantCovers(context.db, userId, authz.clientId, authz.scopes);
}

/** GET /oauth/authorize and the consent form's POST /oauth/authorize/decision (PROTOCOL.md §5). */
export async function authorizeRoutes(app: FastifyInstance, context: RouteContext): Promise<void> {
  // No automatic HEAD twin: a HEAD would issue codes and open device requests nobody sees.
  app.get('/oauth/authorize', { exposeHeadRoute: false }, async (request, reply) => {
    const params = pickAuthorizeParams(request.query);
    const outcome = await runAuthorizeChecks(context, params);
    if (!outcome.ok) return fail(context, reply, outcome, 302);
    const authz = outcome.request;
    const user = currentUser(request);

    if (authz.prompt === 'none') {
      if (!user) return failWith(context, reply, authz, new LoginRequired('The user is not signed in.'), 302);
      if (!(await maySkipConsent(context, user.user_id, authz))) {
        const why =
          authz.redirectUriMatch === 'exact'
            ? 'has not approved these scopes'
            : 'must approve a redirect URI that only a host pattern allows';
        return failWith(context, reply, authz, new ConsentRequired(`The user ${why}.`), 302);
      }
      return redirect(reply, await approvedRedirectUrl(context, authz, user.user_id, authz.scopes), 302);
    }
    if (!user || authz.prompt === 'login') return showSignIn(context, request, reply, authz, outcome.app, params);
    if (await maySkipConsent(context, user.user_id, authz)) {
      // the code carries what was asked for now, not everything ever granted
      return redirect(reply, await approvedRedirectUrl(context, authz, user.user_id, authz.scopes), 302);
    }
    const page = consentPage({
      app: outcome.app,
      scopes: authz.scopes,
      registry: context.scopes,
      user,
      redirectUri: authz.redirectUri,
      redirectUriMatch: authz.redirectUriMatch,
      action: '/oauth/authorize/decision',
      hidden: hiddenFields(params),
      csrf: csrfField(request),
    });
    return sendPage(reply, page);
  });

  app.post('/oauth/authorize/decision', { preHandler: verifyCsrf }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const params = pickAuthorizeParams(body);
    // never trust the hidden fields: the whole request is checked again
    const outcome = await runAuthorizeChecks(context, params);
    if (!outcome.ok) return fail(context, reply, outcome, 303);
    const authz = outcome.request;
    const decision = body[DECISION_FIELD];
    const user = currentUser(request);
    if (decision === 'deny') {
      const detail = { asked: authz.scopes, via: 'authorize' };
      await recordAuditEventAfter(context, request, {
        type: 'consent.denied',
        userId: user?.user_id,
        clientId: authz.clientId,
        detail,
      });
      return failWith(context, reply, authz, new AccessDenied('The user denied the request.'), 303);
    }
    if (decision !== 'authorize')
      return sendPage(reply, errorPage('Choose Authorize or Deny', 'The form was sent without a decision.'), 400);

    if (!user) return redirect(reply, signInUrl(returnUrl(params)), 303);
    const ticked = new Set([body[GRANTED_FIELD]].flat().filter((s): s is string => typeof s === 'string'));
    const granted = authz.scopes.filter((scope) => scope === ALWAYS_GRANTED_SCOPE || ticked.has(scope));
    await recordGrant(context, user.user_id, authz.clientId, granted, {
      asked: authz.scopes,
      ip: request.ip,
      via: 'authorize',
    });
    return redirect(reply, await approvedRedirectUrl(context, authz, user.user_id, granted), 303);
  });
}

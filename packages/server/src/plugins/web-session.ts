import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deleteWebSession, findWebSessionUser, insertWebSession } from '../accounts/repo.js';
import { type UserView, toUserView } from '../accounts/service.js';
import { isHttpsIssuer } from '../config/schema.js';
import { type RouteContext, lifetimes } from '../context.js';
import { newOpaqueToken, sha256Hex } from '../tokens/opaque.js';
import { unencapsulated } from './unencapsulated.js';

/**
 * Browser sessions. Every browser carries a random id (`signet_sid`) from its first
 * page, signed in or not: CSRF tokens and pending device approvals bind to it. Being
 * signed in is a `web_sessions` row keyed by the id's SHA-256, so a stolen database
 * does not hand out live cookies.
 */
export const SESSION_COOKIE = 'signet_sid';
/**
 * Its name under an https issuer. Browsers take a `__Host-` cookie only from a secure origin,
 * with Secure, Path=/ and no Domain, so a sibling subdomain or a plain-http page cannot plant
 * or overwrite the id (session fixation, CSRF tokens bound to an id of the attacker's choosing).
 */
export const HOST_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(issuer: string): string {
  return isHttpsIssuer(issuer) ? HOST_SESSION_COOKIE : SESSION_COOKIE;
}

/** The cookie every browser of this deployment gets, decided once from the issuer. */
interface CookieSpec {
  name: string;
  secure: boolean;
}

const SID_FORMAT = /^[A-Za-z0-9_-]{43}$/;

interface BrowserState {
  /** undefined until something asks for it: API calls never do, and random ids are not free */
  sid: string | undefined;
  /** minted for this request: the cookie still has to be sent */
  unsent: boolean;
  user: UserView | null;
  cookie: CookieSpec;
  reply: FastifyReply;
}

declare module 'fastify' {
  interface FastifyRequest {
    signetBrowser: BrowserState | null;
  }
}

function state(request: FastifyRequest): BrowserState {
  if (!request.signetBrowser) throw new Error('the web-session plugin is not registered');
  return request.signetBrowser;
}

/** A signed-in id lives as long as its session row; a signed-out one only for the browser session. */
function sendCookie(browser: BrowserState & { sid: string }, maxAgeSeconds?: number): void {
  void browser.reply.setCookie(browser.cookie.name, browser.sid, {
    httpOnly: true,
    sameSite: 'lax',
    // both required of a __Host- cookie, as is having no Domain
    path: '/',
    secure: browser.cookie.secure,
    ...(maxAgeSeconds ? { maxAge: maxAgeSeconds } : {}),
  });
}

/**
 * This browser's id. The cookie goes out with the first response that uses it, so API
 * calls (which never ask) do not collect cookies they will not keep.
 */
export function browserId(request: FastifyRequest): string {
  const browser = state(request);
  browser.sid ??= newOpaqueToken();
  const sid = browser.sid;
  if (browser.unsent) sendCookie({ ...browser, sid });
  browser.unsent = false;
  return sid;
}

/** The signed-in user, or null. */
export function currentUser(request: FastifyRequest): UserView | null {
  return state(request).user;
}

async function findSignedIn(context: RouteContext, sid: string): Promise<UserView | null> {
  const row = await findWebSessionUser(context.db, sha256Hex(sid), context.clock.now());
  return row ? toUserView(row) : null;
}

/** A fresh id replaces the old one: an id planted before sign-in is worth nothing after it. */
async function rotate(
  reply: FastifyReply,
  context: RouteContext,
  maxAgeSeconds?: number,
): Promise<BrowserState & { sid: string }> {
  const browser = state(reply.request);
  if (browser.sid) await deleteWebSession(context.db, sha256Hex(browser.sid));
  const sid = newOpaqueToken();
  browser.sid = sid;
  browser.user = null;
  sendCookie({ ...browser, sid }, maxAgeSeconds);
  browser.unsent = false;
  return { ...browser, sid };
}

export async function signIn(reply: FastifyReply, context: RouteContext, user: UserView): Promise<void> {
  const browser = await rotate(reply, context, Math.floor(lifetimes.webSessionMs / 1000));
  const now = context.clock.now();
  await insertWebSession(context.db, {
    session_hash: sha256Hex(browser.sid),
    user_id: user.user_id,
    created_at: now,
    expires_at: now + lifetimes.webSessionMs,
  });
  browser.user = user;
}

export async function signOut(reply: FastifyReply, context: RouteContext): Promise<void> {
  await rotate(reply, context);
}

/** Reads the browser id and the signed-in user for every request, in every route module. */
export const webSessionPlugin = unencapsulated(async (app: FastifyInstance, context: RouteContext) => {
  const spec: CookieSpec = {
    name: sessionCookieName(context.config.issuer),
    secure: isHttpsIssuer(context.config.issuer),
  };
  app.decorateRequest('signetBrowser', null);
  app.addHook('onRequest', async (request, reply) => {
    const cookie = request.cookies[spec.name];
    if (cookie && SID_FORMAT.test(cookie)) {
      request.signetBrowser = {
        sid: cookie,
        unsent: false,
        user: await findSignedIn(context, cookie),
        cookie: spec,
        reply,
      };
    } else {
      request.signetBrowser = { sid: undefined, unsent: true, user: null, cookie: spec, reply };
    }
  });
});

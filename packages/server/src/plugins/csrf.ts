import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { serverSecret } from '../storage/server-secrets.js';
import { type SafeHtml, html } from './html.js';
import { errorPage, sendPage } from './views.js';
import { browserId } from './web-session.js';
import { unencapsulated } from './unencapsulated.js';

/**
 * CSRF tokens for browser forms: HMAC of the browser id under a server-wide key, so
 * nothing is stored, every instance agrees, and a token is worth nothing to another
 * browser. Only cookie-authenticated form posts need it; API calls that carry an
 * Authorization header are not sent by the browser on its own and do not.
 */
export const CSRF_FIELD = '_csrf';

declare module 'fastify' {
  interface FastifyInstance {
    signetCsrfKey: Buffer;
  }
}

export function csrfToken(request: FastifyRequest): string {
  return createHmac('sha256', request.server.signetCsrfKey).update(browserId(request)).digest('base64url');
}

/** The hidden input every form carries. */
export function csrfField(request: FastifyRequest): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken(request)}">`;
}

function sentToken(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[CSRF_FIELD];
  return typeof value === 'string' ? value : undefined;
}

export function hasValidCsrfToken(request: FastifyRequest): boolean {
  const sent = sentToken(request);
  if (sent === undefined) return false;
  const expected = Buffer.from(csrfToken(request));
  const given = Buffer.from(sent);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** preHandler for browser form POSTs: a missing or foreign token stops the request with a 403 page before anything changes. */
export async function verifyCsrf(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  if (hasValidCsrfToken(request)) return undefined;
  return sendPage(
    reply,
    errorPage('Form expired', 'This form could not be verified. Go back, reload the page and try again.'),
    403,
  );
}

/** Loads the CSRF key once at startup and makes it available to every route module. */
export const csrfPlugin = unencapsulated(async (app: FastifyInstance, context: RouteContext) => {
  app.decorate('signetCsrfKey', Buffer.from(await serverSecret(context.storage, 'csrf_key'), 'hex'));
});

import { FULL_SCOPE } from '@signet/protocol';
import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { InsufficientScope, InvalidToken } from '../errors/oauth.js';
import { type Need, satisfies } from '../resources/scopes.js';
import { type Principal, authenticateRequest } from '../tokens/authenticate.js';

/*
 * The HTTP side of API authentication: hands the request's parts to tokens/authenticate.ts
 * and turns a refusal into its RFC 6750 error (401 invalid_token, 403 insufficient_scope).
 */

/** Who sent this request (signed token or bearer token, PROTOCOL.md §9-10), or 401. */
export async function authenticate(context: RouteContext, request: FastifyRequest): Promise<Principal> {
  const verdict = await authenticateRequest(context, {
    method: request.method,
    url: request.url,
    headers: request.headers,
    rawBody: request.rawBody,
  });
  if (!verdict.ok) throw new InvalidToken(verdict.reason, verdict.detail);
  return verdict.principal;
}

/** For FULL routes: only a user's (or bot's) own session token will do; an app's token is 403. */
export async function authenticateSession(
  context: RouteContext,
  request: FastifyRequest,
): Promise<Principal & { kind: 'session' }> {
  const principal = await authenticate(context, request);
  if (principal.kind !== 'session') throw new InsufficientScope(FULL_SCOPE);
  return principal;
}

/**
 * The one scope check of the resource API: authenticates the request and refuses with
 * 403 what its scopes do not cover.
 */
export async function guard(context: RouteContext, request: FastifyRequest, need: Need): Promise<Principal> {
  const principal = await authenticate(context, request);
  if (!satisfies(principal, need)) throw new InsufficientScope(typeof need === 'string' ? need : need.join(' '));
  return principal;
}

import { ALWAYS_GRANTED_SCOPE, FULL_SCOPE } from '@signet/protocol';
import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { type Principal, authenticate } from '../tokens/authenticate.js';
import { InsufficientScope } from '../errors/oauth.js';

/** What a protected route needs: a scope, any one of several scopes, or FULL (the user's own session). */
export type Need = string | readonly string[];

function satisfies(principal: Principal, need: Need): boolean {
  if (principal.full) return true;
  const anyOf = typeof need === 'string' ? [need] : need;
  if (anyOf.includes(FULL_SCOPE)) return false;
  // PROFILE:READ cannot be unticked: every grant carries it
  return anyOf.some((scope) => scope === ALWAYS_GRANTED_SCOPE || principal.scopes.includes(scope));
}

/** Does this caller hold the scope (a session token holds everything)? */
export function holds(principal: Principal, scope: string): boolean {
  return satisfies(principal, scope);
}

/**
 * The one scope check of the resource API: authenticates the request (signed token or
 * bearer token, PROTOCOL.md §9-10) and refuses with 403 what its scopes do not cover.
 */
export async function guard(context: RouteContext, request: FastifyRequest, need: Need): Promise<Principal> {
  const principal = await authenticate(context, request);
  if (!satisfies(principal, need)) throw new InsufficientScope(typeof need === 'string' ? need : need.join(' '));
  return principal;
}

import { ALWAYS_GRANTED_SCOPE, FULL_SCOPE } from '@signet/protocol';
import type { Principal } from '../tokens/authenticate.js';

/** What a protected route needs: a scope, any one of several scopes, or FULL (the user's own session). */
export type Need = string | readonly string[];

/** Does this caller's token cover the need (a session token covers everything)? */
export function satisfies(principal: Principal, need: Need): boolean {
  if (principal.full) return true;
  const anyOf = typeof need === 'string' ? [need] : need;
  if (anyOf.includes(FULL_SCOPE)) return false;
  // PROFILE:READ cannot be unticked: every grant carries it
  return anyOf.some((scope) => scope === ALWAYS_GRANTED_SCOPE || principal.scopes.includes(scope));
}

import type { RouteContext } from '../context.js';
import { noteAuthorizationAccess } from './repo.js';

/**
 * Records that an authorization was used, at most once a minute per authorization and
 * process, without making the request wait for the write (tokens/repo.ts).
 */
export function noteAccess(context: Pick<RouteContext, 'hot' | 'clock'>, authorizationId: string): void {
  noteAuthorizationAccess(context.hot, authorizationId, context.clock.now());
}

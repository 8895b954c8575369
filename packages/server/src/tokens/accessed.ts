import type { RouteContext } from '../context.js';

// `accessed_at` is for people ("last used"), so minute precision is plenty and spares
// the hot path a write on every request.
const PRECISION_MS = 60_000;
const lastNoted = new Map<string, number>();

/**
 * Records that an authorization was used, at most once a minute per authorization and
 * process, without making the request wait for the write.
 */
export function noteAccess(context: Pick<RouteContext, 'db' | 'clock'>, authorizationId: string): void {
  const now = context.clock.now();
  const last = lastNoted.get(authorizationId);
  if (last !== undefined && now - last < PRECISION_MS) return;
  if (lastNoted.size > 100_000) lastNoted.clear();
  lastNoted.set(authorizationId, now);
  const nowIso = new Date(now).toISOString();
  const staleBefore = new Date(now - PRECISION_MS).toISOString();
  context.db
    .updateTable('authorizations')
    .set({ accessed_at: nowIso })
    .where('authorization_id', '=', authorizationId)
    .where((eb) => eb.or([eb('accessed_at', 'is', null), eb('accessed_at', '<', staleBefore)]))
    .execute()
    .catch(() => lastNoted.delete(authorizationId));
}

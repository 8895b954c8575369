import type { Clock, Kv } from './types.js';

/**
 * A fixed-window allowance per subject (an address, say), counted in the kv so that every
 * instance shares it. The attempt is counted up front with one atomic increment: a burst
 * of parallel attempts cannot all pass before any is counted. True while within `max`.
 */
export async function withinWindowAllowance(
  deps: { kv: Kv; clock: Clock },
  limit: { name: string; windowMs: number; max: number },
  subject: string,
): Promise<boolean> {
  const window = Math.floor(deps.clock.now() / limit.windowMs);
  const attempts = await deps.kv.increment(`${limit.name}:${window}:${subject}`, limit.windowMs);
  return attempts <= limit.max;
}

import type { Clock, Kv } from '../storage/kv/types.js';

/**
 * Sign-ups per client address, so one address cannot mint accounts without end. Every
 * attempt is counted up front with one atomic increment (a burst of parallel attempts
 * cannot all pass before any is counted); the allowance is generous enough that a few
 * refused forms (a taken name, a short password) do not use it up.
 */
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;
export const MAX_SIGNUPS_PER_ADDRESS = 20;

/** Counts this attempt; false once the address has used up its window's allowance. */
export async function allowSignUp(deps: { kv: Kv; clock: Clock }, address: string): Promise<boolean> {
  const window = Math.floor(deps.clock.now() / SIGNUP_WINDOW_MS);
  const attempts = await deps.kv.increment(`signup:${window}:ip:${address}`, SIGNUP_WINDOW_MS);
  return attempts <= MAX_SIGNUPS_PER_ADDRESS;
}

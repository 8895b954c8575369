import type { Clock, Kv } from '../storage/kv/types.js';
import { addressSubject } from '../storage/kv/address-subject.js';
import { withinWindowAllowance } from '../storage/kv/window-limit.js';

/**
 * Sign-ups per client address, so one address cannot mint accounts without end. The
 * allowance is generous enough that a few refused forms (a taken name, a short password)
 * do not use it up.
 */
export const SIGNUP_WINDOW_MS = 60 * 60 * 1000;
export const MAX_SIGNUPS_PER_ADDRESS = 20;
const SIGNUP_LIMIT = { name: 'signup', windowMs: SIGNUP_WINDOW_MS, max: MAX_SIGNUPS_PER_ADDRESS };

/** Counts this attempt; false once the address has used up its window's allowance. */
export function allowSignUp(deps: { kv: Kv; clock: Clock }, address: string): Promise<boolean> {
  return withinWindowAllowance(deps, SIGNUP_LIMIT, `ip:${addressSubject(address)}`);
}

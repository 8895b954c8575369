import { addressSubject } from '../storage/kv/address-subject.js';
import type { Clock, Kv } from '../storage/kv/types.js';

/**
 * Failed sign-ins, limited per account and per client address.
 *
 * Counting only after a password check fails would let a burst of parallel guesses all
 * pass the check before any of them is counted. So every attempt is counted up front
 * with one atomic increment, every success is counted too, and failures are the
 * difference. Both counters live in the same clock-aligned window, so successes from
 * one window can never pay for guesses in another.
 */
export const SIGNIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export interface SigninThrottleDeps {
  kv: Kv;
  clock: Clock;
}

interface Counter {
  key: string;
  limit: number;
}

function counters(deps: SigninThrottleDeps, username: string, address: string): Counter[] {
  const window = Math.floor(deps.clock.now() / SIGNIN_WINDOW_MS);
  return [
    { key: `signin:${window}:ip:${addressSubject(address)}`, limit: MAX_FAILURES_PER_ADDRESS },
    { key: `signin:${window}:user:${username.trim().toLowerCase()}`, limit: MAX_FAILURES_PER_ACCOUNT },
  ];
}

export interface SignInAttempt {
  /** false when the account or the address already has too many failures in this window */
  allowed: boolean;
  /**
   * true for the one refusal that crossed a limit; the refusals after it in the same window
   * are not worth a record each (a scripted guesser would otherwise write a row per try)
   */
  firstRefusal: boolean;
  /** A success cancels its own attempt, so successful sign-ins are never held against anyone. */
  succeeded(): Promise<void>;
}

/** Counts an attempt; when it is not allowed the caller must refuse without checking the password. */
export async function beginSignInAttempt(
  deps: SigninThrottleDeps,
  username: string,
  address: string,
): Promise<SignInAttempt> {
  const keys = counters(deps, username, address);
  // One at a time, address first: a refused attempt must not count against the account
  // too, or anyone behind a busy address could lock other people's accounts.
  let allowed = true;
  let firstRefusal = false;
  for (const { key, limit } of keys) {
    const attempts = await deps.kv.increment(`${key}:attempts`, SIGNIN_WINDOW_MS);
    const successes = Number((await deps.kv.get(`${key}:successes`)) ?? 0);
    // this attempt is not yet a failure: it may still succeed
    const failuresBefore = attempts - 1 - successes;
    if (failuresBefore >= limit) {
      allowed = false;
      // the increment is atomic, so one attempt alone sees the count land on the limit
      firstRefusal = failuresBefore === limit;
      break;
    }
  }
  return {
    allowed,
    firstRefusal,
    succeeded: async () => {
      await Promise.all(keys.map(({ key }) => deps.kv.increment(`${key}:successes`, SIGNIN_WINDOW_MS)));
    },
  };
}

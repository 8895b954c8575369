/** The first wait before replacing a worker that died. */
export const FIRST_RESTART_DELAY_MS = 100;
/** The longest wait, however often a worker keeps dying. */
export const MAX_RESTART_DELAY_MS = 10_000;
/** A worker that lived this long was healthy: its death starts the backoff afresh. */
export const HEALTHY_AFTER_MS = 10_000;

/**
 * How long to wait before replacing a worker that died after `livedMs`: short at first,
 * doubling while its replacements keep dying young, so a crash loop does not spin.
 */
export function restartDelay(previousDelayMs: number | undefined, livedMs: number): number {
  if (previousDelayMs === undefined || livedMs >= HEALTHY_AFTER_MS) return FIRST_RESTART_DELAY_MS;
  return Math.min(previousDelayMs * 2, MAX_RESTART_DELAY_MS);
}

import { describe, expect, it } from 'vitest';
import { FIRST_RESTART_DELAY_MS, HEALTHY_AFTER_MS, MAX_RESTART_DELAY_MS, restartDelay } from './restart-delay.js';

describe('restartDelay', () => {
  it('replaces a first casualty quickly', () => {
    expect(restartDelay(undefined, 5)).toBe(FIRST_RESTART_DELAY_MS);
  });

  it('doubles while replacements die young, up to a ceiling', () => {
    const delays: number[] = [];
    let delay: number | undefined;
    for (let i = 0; i < 12; i++) {
      delay = restartDelay(delay, 50);
      delays.push(delay);
    }
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
    expect(Math.max(...delays)).toBe(MAX_RESTART_DELAY_MS);
    expect(delays.at(-1)).toBe(MAX_RESTART_DELAY_MS);
  });

  it('starts afresh after a worker that lived long enough', () => {
    expect(restartDelay(MAX_RESTART_DELAY_MS, HEALTHY_AFTER_MS)).toBe(FIRST_RESTART_DELAY_MS);
    expect(restartDelay(MAX_RESTART_DELAY_MS, HEALTHY_AFTER_MS - 1)).toBe(MAX_RESTART_DELAY_MS);
  });
});

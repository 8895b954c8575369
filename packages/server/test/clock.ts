import type { Clock } from '../src/storage/kv/types.js';

/**
 * A clock tests move by hand: frozen at a fixed instant, or (`ticking()`) running with the wall
 * clock, for tests where something outside the server, such as a real SDK, reads the real time.
 */
export class TestClock implements Clock {
  constructor(
    private current = Date.UTC(2026, 10, 23, 12, 0, 0),
    private readonly realTime = false,
  ) {}
  /** The wall clock, still moved ahead by `advance`: the server and a real SDK never disagree, however long a test runs. */
  static ticking(): TestClock {
    return new TestClock(0, true);
  }
  now(): number {
    return this.realTime ? Date.now() + this.current : this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Resolves when the predicate holds, polling; fails after the limit so a broken delivery cannot hang a test. */
export async function eventually(predicate: () => boolean | Promise<boolean>, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** The promise's value, or a failure naming what did not happen within `ms`, so a lost message cannot hang a test either. */
export async function within<T>(ms: number, promise: Promise<T>, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${failure} within ${Math.round(ms)} ms`)), Math.max(0, ms));
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

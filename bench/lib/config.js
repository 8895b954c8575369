// What a bench run measures and for how long. `npm run bench` with no environment runs every
// part at full length; the variables below shorten development runs, which then write their
// results to bench/out/RESULTS.md and leave bench/RESULTS.md alone.
export const PARTS = ['me', 'anchors', 'exchange', 'growth', 'memory'];

function number(name, fallback, { min = 0 } = {}) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= min)
    throw new Error(`${name} must be a number above ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function parts() {
  const raw = process.env.BENCH_ONLY;
  if (!raw) return PARTS;
  const chosen = raw
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = chosen.filter((part) => !PARTS.includes(part));
  if (unknown.length > 0)
    throw new Error(`BENCH_ONLY: unknown part ${unknown.join(', ')} (parts: ${PARTS.join(', ')})`);
  return PARTS.filter((part) => chosen.includes(part));
}

const durationSeconds = number('BENCH_SECONDS', 8);

export const BENCH = {
  parts: parts(),
  /** every measured load: a warm-up, then the measured seconds */
  durationSeconds,
  warmupSeconds: Math.min(2, durationSeconds),
  connections: 50,
  memoryMinutes: number('BENCH_MEMORY_MINUTES', 5),
  /**
   * each compared figure is measured this many times, alternating with what it is compared to,
   * each time in a fresh server process; the median counts (a process keeps one speed for its
   * whole life on a shared virtual machine, and one sample of it decided verdicts before)
   */
  rounds: Math.round(number('BENCH_ROUNDS', 3)),
  /** the larger of the two stores the growth part compares (the smaller is 1,000) */
  growthLarge: Math.round(number('BENCH_GROWTH_LARGE', 1_000_000, { min: 1000 })),
};

/** A shortened or partial run: its figures are not the record. */
export const isShortRun = [
  'BENCH_ONLY',
  'BENCH_SECONDS',
  'BENCH_MEMORY_MINUTES',
  'BENCH_GROWTH_LARGE',
  'BENCH_ROUNDS',
].some((name) => process.env[name]);

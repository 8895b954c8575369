// npm run bench: every part of bench/lib measured in one run, written to bench/RESULTS.md
// (a shortened or partial run writes bench/out/RESULTS.md instead). Fails (exit 1) if any
// request under load was not answered 200 with the expected body.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runAnchors } from './lib/anchors.js';
import { BENCH, isShortRun } from './lib/config.js';
import { runExchange } from './lib/exchange.js';
import { runGrowth } from './lib/growth.js';
import { runMe } from './lib/me.js';
import { runMemory } from './lib/memory.js';
import { PROFILES, clearProfiles } from './lib/profiled.js';
import { loadAverage, renderResults } from './lib/report.js';

const RESULTS = fileURLToPath(new URL(isShortRun ? './out/RESULTS.md' : './RESULTS.md', import.meta.url));
const log = (line) => process.stderr.write(`bench: ${line}\n`);

const PART_RUNNERS = { me: runMe, anchors: runAnchors, exchange: runExchange, growth: runGrowth, memory: runMemory };

async function main() {
  const started = performance.now();
  const results = {
    date: new Date().toISOString(),
    loadBefore: loadAverage(),
    parts: BENCH.parts,
    shortRun: isShortRun,
  };
  clearProfiles();
  for (const part of BENCH.parts) {
    const partStarted = performance.now();
    const loadAtStart = loadAverage();
    log(`--- ${part}`);
    results[part] = await PART_RUNNERS[part](log);
    results[part].load = { start: loadAtStart, end: loadAverage() };
    results[part].minutes = (performance.now() - partStarted) / 60_000;
  }
  results.minutes = (performance.now() - started) / 60_000;
  mkdirSync(PROFILES, { recursive: true });
  writeFileSync(RESULTS, renderResults(results));
  log(`done in ${results.minutes.toFixed(1)} min; wrote ${RESULTS}`);
}

main().catch((error) => {
  process.stderr.write(`bench: FAILED: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});

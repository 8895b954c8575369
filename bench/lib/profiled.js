// A missed target gets a profiled run of its own: a fresh server under `node --cpu-prof`,
// loaded as `prepare(server)` says, its profile summarised (the throughput is not a figure).
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LOAD, load } from './load.js';
import { profileOf, summarise } from './profile.js';
import { startSignet } from './signet.js';

export const PROFILES = fileURLToPath(new URL('../out/', import.meta.url));

/** Profiles of an earlier run would be mistaken for this one's. */
export function clearProfiles() {
  rmSync(PROFILES, { recursive: true, force: true });
}

/** `prepare(signet)` returns load options (path, method, next, check, ...) for that server. */
export async function profiled(title, prepare, log, startOptions = {}) {
  const signet = await startSignet({ ...startOptions, cpuProfile: true });
  try {
    const run = await load({ ...(await prepare(signet)), url: signet.url, seconds: LOAD.durationSeconds });
    log(`${title}: ${Math.round(run.rps)} req/s under the profiler`);
  } finally {
    await signet.stop();
  }
  return { title, summary: summarise(profileOf(PROFILES, signet.pid)) };
}

// Issue 7, memory: a sustained mixed load for BENCH.memoryMinutes while the server's RSS (and
// V8 heap, when /metrics gives it) is sampled, then a verdict on whether it stayed flat.
import { readFileSync } from 'node:fs';
import { BENCH } from './config.js';
import { FORM, assertAllOk, basicAuth, load } from './load.js';
import { clientCredentialsToken, startSignet } from './signet.js';
import { sessionToken, signerFromSeed } from './tokens.js';

/**
 * Flat: after the first fifth of the run (warm-up), the last fifth's mean is at most
 * `maxGrowth` above the second fifth's, and the four post-warm-up means do not climb (each
 * above the one before, ending more than `climbMin` above the first).
 */
export const FLAT = { maxGrowth: 0.1, climbMin: 0.02 };

function metric(text, name) {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

const statusKiB = (text, field) => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
};

/**
 * The server's resident memory from `/proc/<pid>/status`, with its split into anonymous pages
 * (its V8 heap and malloc: SQLite's page caches, buffers) and file-backed ones (node's binary
 * and libraries, SQLite's mapped `-shm`), plus the V8 heap from `GET /metrics` when served.
 * The split says which kind moved when RSS does.
 */
export async function memorySampler(url, pid) {
  const fromProc = () => {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rss: statusKiB(text, 'VmRSS'), anon: statusKiB(text, 'RssAnon'), file: statusKiB(text, 'RssFile') };
  };
  const heapFromMetrics = async () => {
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? metric(await response.text(), 'nodejs_heap_size_used_bytes') : undefined;
  };
  const served = (await heapFromMetrics().catch(() => undefined)) !== undefined;
  return {
    source: served ? '`/proc/<pid>/status` (RSS) and `GET /metrics` (V8 heap, prom-client)' : '`/proc/<pid>/status`',
    sample: async () => ({ ...fromProc(), heap: served ? await heapFromMetrics() : undefined }),
  };
}

/** The mix each connection goes through in turn: signed and bearer GET /me, a grant, an introspection. */
function mix(signet, bearer) {
  const signer = signerFromSeed(signet.keystore.session_private_key);
  const client = { authorization: basicAuth(signet.app.client_id, signet.app.client_secret), 'content-type': FORM };
  return [
    {
      path: '/me',
      // minted as each request goes out: five minutes of pre-made tokens would weigh on this process
      next() {
        const { token, jti } = sessionToken(signet.keystore, signer, 'GET', '/me');
        return { headers: { authorization: `Bearer ${token}`, 'x-request-id': jti } };
      },
    },
    { path: '/me', headers: { authorization: `Bearer ${bearer}` } },
    {
      method: 'POST',
      path: '/oauth/token',
      headers: client,
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'PROFILE:READ' }).toString(),
      check: (text) => (text.includes('"access_token"') ? undefined : 'no access_token'),
    },
    {
      method: 'POST',
      path: '/oauth/introspect',
      headers: client,
      body: new URLSearchParams({ token: bearer }).toString(),
      check: (text) => (text.includes('"active":true') ? undefined : 'not active'),
    },
  ];
}

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;

const floor = (values) => Math.min(...values);

/**
 * One figure per fifth of the run after the warm-up (the mean by default), and the verdict
 * on them. The V8 heap is judged on each fifth's floor: "used" counts garbage not yet
 * collected, so its samples saw-tooth with the collector and their mean moves with when
 * the samples fell; the floor is what survives collection, where a leak would show.
 */
export function flatness(samples, seconds, field, summarise = mean) {
  // half-open windows; the last one also holds the sample taken as the load ended
  const inFifth = (t, k) => t >= (k * seconds) / 5 && (k === 4 || t < ((k + 1) * seconds) / 5);
  const fifths = [1, 2, 3, 4].map((k) => samples.filter((s) => inFifth(s.t, k)).map((s) => s[field]));
  if (fifths.some((values) => values.length === 0 || values.some((v) => v === undefined))) return undefined;
  const means = fifths.map(summarise);
  const growth = means[3] / means[0] - 1;
  const climbing = means.slice(1).every((m, i) => m > means[i]) && growth > FLAT.climbMin;
  return { means, growth, climbing, flat: growth <= FLAT.maxGrowth && !climbing };
}

export async function runMemory(log) {
  const seconds = Math.round(BENCH.memoryMinutes * 60);
  const intervalSeconds = Math.min(10, Math.max(1, seconds / 30));
  const signet = await startSignet();
  try {
    const bearer = await clientCredentialsToken(signet.url, signet.app);
    const sampler = await memorySampler(signet.url, signet.pid);
    log(`memory: ${seconds} s of mixed load, sampling every ${intervalSeconds} s from ${sampler.source}`);
    const samples = [];
    const started = performance.now();
    const take = async () => samples.push({ t: (performance.now() - started) / 1000, ...(await sampler.sample()) });
    await take();
    const timer = setInterval(() => void take().catch(() => undefined), intervalSeconds * 1000);
    let run;
    try {
      run = await load({ url: signet.url, seconds, requests: mix(signet, bearer) });
    } finally {
      clearInterval(timer);
    }
    await take();
    assertAllOk('memory mix', run);
    const rss = flatness(samples, seconds, 'rss');
    const heap = flatness(samples, seconds, 'heap', floor);
    log(
      `memory: ${Math.round(run.rps)} req/s; RSS ${rss?.flat ? 'flat' : 'NOT flat'} (${((rss?.growth ?? NaN) * 100).toFixed(1)}%)`,
    );
    return {
      seconds,
      intervalSeconds,
      source: sampler.source,
      samples,
      run,
      rss,
      heap,
      flat: Boolean(rss?.flat) && (heap === undefined || heap.flat),
    };
  } finally {
    await signet.stop();
  }
}

// HTTP load with autocannon (in this process; the server under test runs in its own).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { BENCH } from './config.js';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds a process (all its threads, user and kernel) has used, from /proc. */
function cpuSecondsOf(pid) {
  // fields after the command name, which may hold spaces: utime and stime are the 12th and 13th
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export const LOAD = {
  connections: BENCH.connections,
  warmupSeconds: BENCH.warmupSeconds,
  durationSeconds: BENCH.durationSeconds,
};

export const FORM = 'application/x-www-form-urlencoded';

/** HTTP Basic client authentication (RFC 6749 §2.3.1: form-urlencoded before base64). */
export function basicAuth(clientId, clientSecret) {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}

/**
 * One kind of request in a load: `method path` with `headers` and `body`.
 * `next()`, when given, supplies each request's own `{ headers, body }` (a fresh token or code).
 * `check(body)` looks at every 200 answer and returns what is wrong with it, if anything.
 */
function autocannonRequest(spec, tally) {
  const { method = 'GET', path, headers = {}, body, next, check } = spec;
  const request = {
    method,
    path,
    headers,
    ...(body === undefined ? {} : { body }),
    onResponse(status, text) {
      if (status !== 200) return tally.refuse(`${method} ${path}: ${status} ${text}`);
      const problem = check?.(text);
      if (problem) tally.refuse(`${method} ${path}: 200 but ${problem}: ${text}`, true);
    },
  };
  if (next) {
    request.setupRequest = (req) => {
      const own = next();
      return {
        ...req,
        headers: { ...req.headers, ...own.headers },
        ...(own.body === undefined ? {} : { body: own.body }),
      };
    };
  }
  return request;
}

/**
 * Loads `url` for `seconds` with `connections` keep-alive connections. Either one request
 * (`path`, `method`, ...) or `requests`, a list each connection goes through in turn.
 */
export async function load({ url, seconds, connections = LOAD.connections, requests, serverPid, ...single }) {
  const specs = requests ?? [single];
  let firstRefusal;
  let wrong = 0;
  const tally = {
    refuse(what, isWrongBody = false) {
      if (isWrongBody) wrong++;
      firstRefusal ??= what.slice(0, 500);
    },
  };
  const cpuBefore = serverPid ? cpuSecondsOf(serverPid) : undefined;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: specs.map((spec) => autocannonRequest(spec, tally)),
  });
  const serverCpuSeconds = cpuBefore === undefined ? undefined : cpuSecondsOf(serverPid) - cpuBefore;
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const ok = (statuses['200'] ?? 0) - wrong;
  // With X-Request-Id, refusals come back as HTTP 202 envelopes: anything but a checked 200 is a failure.
  const failures = result.requests.total - ok + result.errors + result.timeouts;
  return {
    rps: result.requests.average,
    completed: result.requests.total,
    ok,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    failures,
    firstRefusal,
    seconds,
    connections,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    // with `serverPid`: the server's CPU time per answered request (clock-tick resolution, 10 ms over the run)
    ...(serverCpuSeconds === undefined
      ? {}
      : { serverCpuMicros: (serverCpuSeconds * 1e6) / Math.max(1, result.requests.total) }),
  };
}

/** Throws, loudly, if any request of a run was not answered 200 with the expected body. */
export function assertAllOk(name, run) {
  if (run.failures === 0 && run.completed > 0) return;
  throw new Error(
    `${name}: ${run.failures} of ${run.completed} requests failed ` +
      `(statuses ${JSON.stringify(run.statuses)}, errors ${run.errors}, timeouts ${run.timeouts}); first refusal: ${run.firstRefusal ?? 'none'}`,
  );
}

/** A warm-up run (JIT, caches, connections), then the measured run. */
export async function measure(name, options) {
  const warm = await load({ ...options, seconds: LOAD.warmupSeconds });
  assertAllOk(`${name} (warm-up)`, warm);
  const run = await load({ ...options, seconds: LOAD.durationSeconds });
  assertAllOk(name, run);
  return run;
}

/**
 * The median of several rounds of one figure by `measure` (a run's rate unless told; the lower
 * middle for an even count), with every round's value for the record.
 */
export function medianRound(rounds, measure = (run) => run.rps) {
  const sorted = [...rounds].sort((a, b) => measure(a) - measure(b));
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: rounds.map(measure) };
}

/**
 * Runs `round(i)` BENCH.rounds times; each answers its runs by name ({ hello, bearer }, ...).
 * Answers, by name, the median run. Side by side: every round measures each figure once.
 */
export async function inRounds(round, log) {
  const byName = {};
  for (let i = 0; i < BENCH.rounds; i++) {
    if (BENCH.rounds > 1) log(`round ${i + 1} of ${BENCH.rounds}`);
    for (const [name, run] of Object.entries(await round(i))) {
      byName[name] ??= [];
      byName[name].push(run);
    }
  }
  return Object.fromEntries(Object.entries(byName).map(([name, runs]) => [name, medianRound(runs)]));
}

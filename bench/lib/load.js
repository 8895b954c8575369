// HTTP load with autocannon (in this process; the server under test runs in its own).
import autocannon from 'autocannon';

export const LOAD = { connections: 50, warmupSeconds: 2, durationSeconds: 8 };

/**
 * Loads `url + path` for `seconds` with `connections` keep-alive connections.
 * `nextHeaders()`, when given, supplies each request's own headers (a fresh token);
 * otherwise `headers` are sent as they are.
 */
export async function load({ url, path, headers = {}, nextHeaders, seconds, connections = LOAD.connections }) {
  let firstRefusal;
  const request = {
    method: 'GET',
    path,
    onResponse(status, body) {
      if (status !== 200 && firstRefusal === undefined) firstRefusal = `${status} ${body}`;
    },
  };
  if (nextHeaders) request.setupRequest = (req) => ({ ...req, headers: { ...req.headers, ...nextHeaders() } });
  const result = await autocannon({ url, connections, duration: seconds, headers, requests: [request] });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  const ok = statuses['200'] ?? 0;
  // With X-Request-Id, refusals come back as HTTP 202 envelopes: anything but 200 is a failure.
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
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}

/** Throws, loudly, if any request of a run was not answered 200. */
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

// bench/RESULTS.md, written from one run's figures.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { LOAD } from './load.js';
import { SETUP_COMMANDS } from './signet.js';

const n = (value) => Math.round(value).toLocaleString('en-US');
const pct = (value) => `${(value * 100).toFixed(1)}%`;

function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export const loadAverage = () => loadavg()[0];

export function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : cpus()[0]?.model ?? 'unknown';
}

function loadRow(name, run) {
  return `| ${name} | ${n(run.rps)} req/s | p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms; ${n(run.ok)} × 200, 0 other |`;
}

function profileSection(title, summary) {
  const rows = (list) => list.map(({ frame, share }) => `| ${pct(share)} | \`${frame}\` |`).join('\n');
  return `### ${title}

${n(summary.busyMs)} ms of busy (non-idle) server CPU sampled (start-up and migrations included).

Self time by owner (native calls are credited to the package whose JavaScript made them, e.g.
SQLite's work to \`better-sqlite3\` and \`kysely\`; \`native: writev\` is the socket write of responses):

| share | owner |
|---:|---|
${rows(summary.owners)}

Self time (the function itself):

| share | function |
|---:|---|
${rows(summary.self)}

Signet's own functions, inclusive (everything they call; database work that runs after an
\`await\` inside Kysely is credited to Kysely's frames, not to the Signet function that asked):

| share | function |
|---:|---|
${rows(summary.signet)}
`;
}

export function renderResults(r) {
  const verdict = (ok) => (ok ? '**PASS**' : '**FAIL**');
  const profiles = r.profiles.map(({ title, summary }) => profileSection(title, summary)).join('\n');
  return `# Benchmark results

Written by \`npm run bench\` (\`node bench/run.js\`); every figure below comes from one run.

- date: ${r.date}
- commit: ${gitHead()} (the server as last built into \`packages/server/dist\`)
- node: ${process.version} (${process.platform} ${process.arch})
- CPU: ${cpuModel()}, ${cpus().length} cores; the load generator (autocannon, in the bench process)
  and the server under test (its own process) share them
- machine load average (1 min) at start ${r.loadBefore.toFixed(2)}, at end ${loadAverage().toFixed(2)}:
  anything above ~0.5 means other work shared the cores and every figure is lower than it would be alone
- load: autocannon, ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.durationSeconds} s measured, loopback (127.0.0.1)
- Signet: the built server (\`packages/server/dist\`), SQLite in a temp dir, \`RATE_LIMITS=off\`, \`LOG_LEVEL=silent\`, set up with:
${SETUP_COMMANDS.map((c) => `  - \`${c}\``).join('\n')}
- signed \`GET /me\`: ${n(r.tokenCount)} session tokens made ahead (sodium-native \`crypto_sign_detached\`), one per
  request, each with its own \`jti\` sent as \`X-Request-Id\`; every answer had to be HTTP 200
  (a refused token would come back as a 202 envelope)
- bearer \`GET /me\`: an access token from \`POST /oauth/token\` (\`grant_type=client_credentials\`)

## Figures

| measure | figure | detail |
|---|---:|---|
| ed25519 verify, sodium-native (1 core) | ${n(r.verify.sodium)} /s | ${r.verify.messageBytes}-byte signing input of a real token |
| ed25519 verify, node:crypto (1 core, reference) | ${n(r.verify.nodeCrypto)} /s | KeyObject made once |
${loadRow('hello (bare Fastify, constant)', r.hello)}
${loadRow('signed `GET /me`', r.signed)}
${loadRow('bearer `GET /me`', r.bearer)}

## Targets (issue 4)
${r.loadBefore > 1 ? `\n> **Warning:** the machine was busy with other work during this run (load average ${r.loadBefore.toFixed(2)} on\n> ${cpus().length} cores), so the figures and verdicts below measure contention as much as Signet.\n> Rerun \`npm run bench\` on an idle machine before trusting them.\n` : ''}
| target | computed | ratio | verdict |
|---|---|---:|---|
| signed \`GET /me\` ≥ 75% of 1/(1/hello + 1/verify) | ${n(r.signed.rps)} / ${n(r.composed)} | ${pct(r.signedRatio)} | ${verdict(r.signedRatio >= 0.75)} |
| bearer \`GET /me\` ≥ 50% of hello | ${n(r.bearer.rps)} / ${n(r.hello.rps)} | ${pct(r.bearerRatio)} | ${verdict(r.bearerRatio >= 0.5)} |

For scale: signed \`GET /me\` is ${pct(r.signed.rps / r.hello.rps)} of hello.
${profiles ? `\n## Where the time goes\n\nA separate, profiled run (\`node --cpu-prof\` on the server; its throughput is not a figure above),\nbecause a target failed.\n\n${profiles}` : ''}`;
}

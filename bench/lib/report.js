// bench/RESULTS.md, written from one run's figures: the header and the issue-4 section here,
// the issue-7 sections in report-issue7.js.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { BENCH } from './config.js';
import { LOAD } from './load.js';
import { loadRow, n, partLoad, pct, profilesBlock, verdict } from './report-format.js';
import { renderIssue7 } from './report-issue7.js';
import { SETUP_COMMANDS } from './signet.js';

function gitHead() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export const loadAverage = () => loadavg()[0];

export function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('model name'));
  return line ? line.split(':')[1].trim() : (cpus()[0]?.model ?? 'unknown');
}

/** What the formula's two costs reach in one process with nothing else: how much room the target leaves. */
function helloVerifyNote(r) {
  return `
The formula, measured: a server whose route is hello plus a sodium-native verify of each request's token
(\`bench/lib/hello-verify-server.js\`: no claims, no \`jti\`, no lookups, on the signed run's tokens) answers
${n(r.helloVerify.rps)} req/s, ${pct(r.helloVerify.rps / r.composed)} of 1/(1/hello + 1/verify). The target's 75% leaves
${((r.helloVerify.rps / r.composed - 0.75) * 100).toFixed(1)} points of the ceiling for everything PROTOCOL.md section 9 adds to it. Signed \`GET /me\` is
${pct(r.signed.rps / r.helloVerify.rps)} of this server.
`;
}

function renderIssue4(r) {
  return `## Issue 4: signed and bearer \`GET /me\` against the ceilings

- ${partLoad(r)}
- signed \`GET /me\`: ${n(r.tokenCount)} session tokens made ahead (sodium-native \`crypto_sign_detached\`), one per
  request, each with its own \`jti\` sent as \`X-Request-Id\`; every answer had to be HTTP 200
  (a refused token would come back as a 202 envelope)
- bearer \`GET /me\`: an access token from \`POST /oauth/token\` (\`grant_type=client_credentials\`)

### Figures

| measure | figure | detail |
|---|---:|---|
| ed25519 verify, sodium-native (1 core) | ${n(r.verify.sodium)} /s | ${r.verify.messageBytes}-byte signing input of a real token${r.verify.rounds?.length > 1 ? `; median of ${r.verify.rounds.map(n).join(' / ')}` : ''} |
| ed25519 verify, node:crypto (1 core, reference) | ${n(r.verify.nodeCrypto)} /s | KeyObject made once; the median round's |
${loadRow('hello (bare Fastify, constant)', r.hello)}
${loadRow('signed `GET /me`', r.signed)}
${loadRow('bearer `GET /me`', r.bearer)}
${r.helloVerify ? loadRow('hello + verify, one server (reference)', r.helloVerify) : ''}

### Targets (issue 4)

| target | computed | ratio | verdict |
|---|---|---:|---|
| signed \`GET /me\` ≥ 75% of 1/(1/hello + 1/verify) | ${n(r.signed.rps)} / ${n(r.composed)} | ${pct(r.signedRatio)} | ${verdict(r.signedRatio >= 0.75)} |
| bearer \`GET /me\` ≥ 50% of hello | ${n(r.bearer.rps)} / ${n(r.hello.rps)} | ${pct(r.bearerRatio)} | ${verdict(r.bearerRatio >= 0.5)} |

For scale: signed \`GET /me\` is ${pct(r.signed.rps / r.hello.rps)} of hello.
${r.helloVerify ? helloVerifyNote(r) : ''}${profilesBlock(r.profiles, '###')}`;
}

export function renderResults(r) {
  // only the start tells of other work: by the end the bench's own load generator and server
  // have kept both cores busy for minutes, and every full run ended above 1
  const busy = r.loadBefore > 0.5;
  return `# Benchmark results

Written by \`npm run bench\` (\`node --max-semi-space-size=64 bench/run.js\`: a large young generation for the load
generator, whose garbage collection otherwise made every figure after it bimodal); every figure below comes
from one run of ${r.minutes.toFixed(1)} minutes.
${r.shortRun ? `\n> **Shortened or partial run** (parts: ${r.parts.join(', ')}): for development only, not the record.\n` : ''}
- date: ${r.date}
- commit: ${gitHead()} (the server as last built into \`packages/server/dist\`)
- node: ${process.version} (${process.platform} ${process.arch})
- CPU: ${cpuModel()}, ${cpus().length} cores; the load generator (autocannon, in the bench process)
  and the server under test (its own process) share them
- machine load average (1 min) at start ${r.loadBefore.toFixed(2)}, at end ${loadAverage().toFixed(2)}: at the start,
  anything above ~0.5 means other work shared the cores and every figure is lower than it would be alone; the end
  figure is mostly the bench's own (its load generator and the server under test)
- load: autocannon, ${LOAD.connections} connections, ${LOAD.warmupSeconds} s warm-up then ${LOAD.durationSeconds} s measured, loopback (127.0.0.1),
  for every figure except the memory run (${BENCH.memoryMinutes} min, no separate warm-up)
- rounds: every figure a target compares (issue 4's, the anchors', growth's) was measured ${BENCH.rounds} time${BENCH.rounds > 1 ? 's' : ''}, each
  time in fresh server processes and alternating with the figures it is compared to; the median round counts and
  the detail column lists every round. On this shared virtual machine one server process can run ~40% slower
  than the next for its whole life, so a single sample used to decide verdicts. Code exchanges and memory are single runs
- Signet: the built server (\`packages/server/dist\`), a fresh SQLite database in a temp dir for each part,
  \`RATE_LIMITS=off\`, \`LOG_LEVEL=silent\`, \`METRICS=open\`, set up with:
${SETUP_COMMANDS.map((c) => `  - \`${c}\``).join('\n')}
${busy ? `\n> **Warning:** the machine was busy with other work when this run began (load average ${r.loadBefore.toFixed(2)} at start,\n> on ${cpus().length} cores), so the figures and verdicts below measure contention as much as Signet.\n> Rerun \`npm run bench\` on an idle machine before trusting them.\n` : ''}
${r.me ? renderIssue4(r.me) : ''}
${renderIssue7(r)}`;
}

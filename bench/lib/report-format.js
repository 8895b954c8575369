// Formatting shared by the RESULTS.md sections.

export const n = (value) => Math.round(value).toLocaleString('en-US');
export const pct = (value) => `${(value * 100).toFixed(1)}%`;
/** A change as a percentage with its sign: +2.9%, -8.0%. */
export const signedPct = (value) => `${value >= 0 ? '+' : ''}${pct(value)}`;
export const verdict = (ok) => (ok ? '**PASS**' : '**FAIL**');

export function loadRow(name, run, unit = 'req/s') {
  const cpu = run.serverCpuMicros === undefined ? '' : `; server CPU ${run.serverCpuMicros.toFixed(1)} µs a request`;
  const rounds = run.rounds?.length > 1 ? `; median of ${run.rounds.map(n).join(' / ')}` : '';
  return `| ${name} | ${n(run.rps)} ${unit} | p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms; ${n(run.ok)} × 200, 0 other${cpu}${rounds} |`;
}

/** The machine's load while a part ran: other work on the cores lowers every figure. */
export const partLoad = (part) =>
  `machine load average (1 min) at the start of this part ${part.load.start.toFixed(2)}, at its end ${part.load.end.toFixed(2)}`;

export function profileSection(title, summary) {
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

export function profilesBlock(profiles, level = '##') {
  if (profiles.length === 0) return '';
  const body = profiles
    .map(({ title, summary }) => profileSection(title, summary).replace(/^### /, `${level}# `))
    .join('\n');
  return `\n${level} Where the time goes\n\nA separate, profiled run (\`node --cpu-prof\` on the server; its throughput is not a figure above),\nbecause a target failed.\n\n${body}`;
}

// The issue-7 sections of bench/RESULTS.md: the anchor, code exchanges, growth and memory.
import { createRequire } from 'node:module';
import { TARGET as ANCHOR_TARGET, ANCHOR_SCOPE, SIGNET_SCOPE } from './anchors.js';
import { BENCH } from './config.js';
import { EXCHANGE_SETUP } from './exchange.js';
import { EXPIRED_AUTHORIZATIONS, MEASURED, TARGET as GROWTH_TARGET } from './growth.js';
import { FLAT } from './memory.js';
import { loadRow, n, partLoad, pct, profilesBlock, signedPct, verdict } from './report-format.js';

const oidcProviderVersion = createRequire(import.meta.url)('oidc-provider/package.json').version;
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const times = (ratio) => `${ratio.toFixed(2)}×`;
const ratioRow = (name, a, b, ratio, target, unit = 'req/s') =>
  `| ${name} | ${n(a.rps)} ${unit} | ${n(b.rps)} ${unit} | ${times(ratio)} | ≥ ${target}× | ${verdict(ratio >= target)} |`;

function anchorsSection(r) {
  return `### Against oidc-provider: client credentials and introspection

- ${partLoad(r)}
- anchor: [oidc-provider](https://github.com/panva/node-oidc-provider) ${oidcProviderVersion} (a devDependency) in its own process
  (\`bench/lib/anchor-server.js\`), configured as its documentation says: \`features.clientCredentials\` and
  \`features.introspection\` enabled, one static confidential client (\`token_endpoint_auth_method: client_secret_basic\`,
  \`grant_types: ['client_credentials']\`, \`scope: '${ANCHOR_SCOPE}'\`), opaque access tokens (no resource indicator),
  its own RS256 signing key and cookie keys (neither is used by these two endpoints); \`provider.listen\`, no proxy.
  It warns that it wants Node 22; it runs on this Node.
- **storage differs, in the anchor's favour:** Signet persists every token to SQLite; the anchor keeps them in its
  default in-memory adapter (an LRU of 1,000 entries, which its docs call development-only). This is the more
  generous setting for the anchor.
- grants: \`POST /oauth/token\` (oidc-provider: \`POST /token\`), \`grant_type=client_credentials&scope=${SIGNET_SCOPE}\`
  (\`scope=${ANCHOR_SCOPE}\`), client_secret_basic; every answer had to be 200 with an \`access_token\`
- introspection: \`POST /oauth/introspect\` (oidc-provider: \`POST /token/introspection\`) of one valid token
  minted right before its run, client_secret_basic; every answer had to be 200 with \`"active":true\`
- order: Signet's grants, the anchor's grants, Signet's introspections, the anchor's; both servers up throughout

| measure | Signet | oidc-provider | Signet / oidc-provider | target | verdict |
|---|---:|---:|---:|---|---|
${ratioRow('client-credentials grants', r.grant.signet, r.grant.anchor, r.grant.ratio, ANCHOR_TARGET)}
${ratioRow('introspections', r.introspect.signet, r.introspect.anchor, r.introspect.ratio, ANCHOR_TARGET)}

| run | figure | detail |
|---|---:|---|
${loadRow('Signet client-credentials grant', r.grant.signet)}
${loadRow('oidc-provider client-credentials grant', r.grant.anchor)}
${loadRow('Signet introspection', r.introspect.signet)}
${loadRow('oidc-provider introspection', r.introspect.anchor)}
${profilesBlock(r.profiles, '###')}`;
}

function exchangeSection(r, anchors) {
  const scale = anchors
    ? ` For scale: ${pct(r.run.rps / anchors.grant.signet.rps)} of Signet's client-credentials grants/s above.`
    : '';
  return `### Authorization code + PKCE exchanges

- ${partLoad(r)}
- ${n(r.codes)} codes minted before the server started (${r.seedSeconds.toFixed(1)} s) by \`bench/lib/seed-codes.js\` through the
  built server's own \`recordGrant\` and \`issueCode\` on the same SQLite file, each with its own S256 challenge
- each request redeems one unused code: \`POST /oauth/token\`, ${EXCHANGE_SETUP.body};
  ${EXCHANGE_SETUP.client}; every answer had to be 200 with an \`access_token\` and a \`refresh_token\` (each exchange writes the authorization and
  both tokens in one transaction); a redeemed code was checked to be refused a second time before the run
- no target in the issue: the figure is reported.${scale}

| measure | figure | detail |
|---|---:|---|
${loadRow('authorization_code + PKCE exchange', r.run, 'exchanges/s')}
`;
}

/** While a backlog lasts, the clean-up must delete at least what a minute of the fastest sustained issuance writes. */
function cleanupRow(c) {
  if (!c) return '| clean-up capacity | not measured | | | | |';
  if (c.perMinute === undefined)
    return `| clean-up capacity vs rows refresh issues a minute | all ${n(c.rows)} rows in one pass | ${n(c.issuedPerMinute)} rows/min | | ≥ 1 | ${verdict(true)} |`;
  return `| clean-up capacity (${n(c.rowsPerPass)} rows a pass) vs rows refresh issues a minute | ${n(c.perMinute)} rows/min | ${n(c.issuedPerMinute)} rows/min | ${c.ratio.toFixed(2)} | ≥ 1 | ${verdict(c.ratio >= 1)} |`;
}

function growthSection(r) {
  const size = (s) =>
    `${n(s.count)} authorizations: seeded in ${s.seedSeconds.toFixed(1)} s, database ${mib(s.bytes)} MiB (${Object.entries(
      s.rows,
    )
      .map(([table, rows]) => `${n(rows)} ${table}`)
      .join(', ')})`;
  const row = (name, key, ratio) =>
    `| ${name} | ${n(r.small[key].rps)} req/s | ${n(r.large[key].rps)} req/s | ${ratio.toFixed(3)} | ≥ ${GROWTH_TARGET} | ${verdict(ratio >= GROWTH_TARGET)} |`;
  return `### Growth: ${n(r.small.count)} and ${n(r.large.count)} authorizations stored

- ${partLoad(r)}
- each store seeded before its server started by \`bench/lib/seed-authorizations.js\`: rows written straight into SQLite
  with better-sqlite3 (one transaction per 50,000 authorizations, secondary indexes dropped and remade from their own
  definitions), shaped like a code redemption through the standard form with an \`ed25519\` key: the authorization
  with its bound key, one access token, one refresh token; ten authorizations per user, each user with a consent grant
  - ${size(r.small)}
  - ${size(r.large)}
- both stores are measured through the same number of authorizations (${n(MEASURED)}, spread evenly through the store,
  with real key pairs; the others hold random keys that are never used)
- signed \`GET /me\`: OAuth request-signed tokens (\`iss\` = the app, \`aid\` = one of those authorizations, \`scp\`
  PROFILE:READ, \`sig\` of \`GET /me\`, a fresh \`jti\` sent as \`X-Request-Id\`), made ahead, round-robin over them
- token issuance: \`grant_type=refresh_token\`, because it is the issuance whose work touches what is stored (it
  finds the refresh token and its authorization among those stored, spends the one and writes a new pair);
  a client-credentials grant reads no authorization and only appends a token. Each answer's new refresh token goes
  back in the queue, as a client would use it

| measure | ${n(r.small.count)} stored | ${n(r.large.count)} stored | ratio | target | verdict |
|---|---:|---:|---:|---|---|
${row('signed `GET /me`', 'signed', r.signedRatio)}
${row('refresh-token grant', 'refresh', r.refreshRatio)}
| one clean-up pass | ${n(r.small.cleanupMs)} ms | ${n(r.large.cleanupMs)} ms | | no target | |
${cleanupRow(r.cleanup)}

| measure | figure | detail |
|---|---:|---|
${[r.small, r.large].flatMap((s) => [loadRow(`signed \`GET /me\`, ${n(s.count)} stored`, s.signed), loadRow(`refresh-token grant, ${n(s.count)} stored`, s.refresh)]).join('\n')}

The clean-up pass is the server's own \`cleanUpExpired\` (what it runs once a minute), timed alone on each database
after its server stopped. Its capacity is measured on a third store of ${n(EXPIRED_AUTHORIZATIONS)} authorizations seeded 400 days
in the past (every row expired, with its access and refresh token), in passes until it is clean: the rows a pass
deletes before its time budget runs out, times the passes a minute the server runs while a backlog lasts (a pass,
then a pause as long as its budget), against the rows a minute of refresh grants writes on the large store. On SQLite the server runs it on its event loop through a synchronous driver, so for that
long it answers nothing; tables whose expiry column has no index are scanned whole.
`;
}

function memorySection(r) {
  const heapCell = (value) => (value === undefined ? '—' : mib(value));
  const samples = r.samples
    .map((s) => `| ${s.t.toFixed(0)} | ${mib(s.rss)} | ${mib(s.anon)} | ${mib(s.file)} | ${heapCell(s.heap)} |`)
    .join('\n');
  const judged = (name, f) =>
    f === undefined
      ? `| ${name} | not sampled | | | |`
      : `| ${name} | ${f.means.map(mib).join(' → ')} | ${signedPct(f.growth)} | ${f.climbing ? 'yes' : 'no'} | ${verdict(f.flat)} |`;
  return `### Memory over ${(r.seconds / 60).toFixed(1)} minutes of load

- ${partLoad(r)}
- load: autocannon, ${n(r.run.connections)} connections, for ${r.seconds} s without a pause; each connection goes through, in turn, a signed
  \`GET /me\` (a session token made as the request goes out), a bearer \`GET /me\`, a client-credentials grant and an
  introspection; ${n(r.run.completed)} requests (${n(r.run.rps)} req/s), every answer checked as above
- samples every ${r.intervalSeconds} s from ${r.source}${r.samples.some((s) => s.heap !== undefined) ? '' : ' (the server serves no `/metrics`, so no heap figure)'}
- **flat** means: after a warm-up (the first fifth of the run), the mean of the last fifth is at most
  ${pct(FLAT.maxGrowth)} above the mean of the second fifth, and the four post-warm-up means do not climb (each above the one
  before while ending more than ${pct(FLAT.climbMin)} above the first). Judged on RSS (means), and on the V8 heap when
  sampled, by each fifth's floor (its lowest sample: heap used saw-tooths with the collector, the floor is what
  survives collection). RSS is also shown split into anonymous pages (the V8 heap and everything the server
  mallocs, SQLite's page caches included) and file-backed ones (node's binary and libraries, SQLite's mapped \`-shm\`)

| measure | fifths 2–5 (MiB): RSS means, heap floors | last vs second | climbing | verdict |
|---|---|---:|---|---|
${judged('RSS', r.rss)}
${judged('V8 heap used', r.heap)}

| t (s) | RSS (MiB) | anonymous (MiB) | file-backed (MiB) | heap used (MiB) |
|---:|---:|---:|---:|---:|
${samples}
`;
}

function targetsTable(r) {
  const rows = [];
  if (r.anchors) {
    rows.push(
      `| client-credentials grants ≥ ${ANCHOR_TARGET}× oidc-provider | ${times(r.anchors.grant.ratio)} | ${verdict(r.anchors.grant.ratio >= ANCHOR_TARGET)} |`,
    );
    rows.push(
      `| introspections ≥ ${ANCHOR_TARGET}× oidc-provider | ${times(r.anchors.introspect.ratio)} | ${verdict(r.anchors.introspect.ratio >= ANCHOR_TARGET)} |`,
    );
  }
  if (r.me) {
    rows.push(
      `| signed \`GET /me\` ≥ 75% of its ceiling (issue 4) | ${pct(r.me.signedRatio)} | ${verdict(r.me.signedRatio >= 0.75)} |`,
    );
    rows.push(
      `| bearer \`GET /me\` ≥ 50% of hello (issue 4) | ${pct(r.me.bearerRatio)} | ${verdict(r.me.bearerRatio >= 0.5)} |`,
    );
  }
  if (r.exchange) rows.push(`| authorization code + PKCE exchanges/s | ${n(r.exchange.run.rps)} /s | no target |`);
  if (r.growth) {
    rows.push(
      `| signed \`GET /me\`, ${n(r.growth.large.count)} / ${n(r.growth.small.count)} stored ≥ ${GROWTH_TARGET} | ${r.growth.signedRatio.toFixed(3)} | ${verdict(r.growth.signedRatio >= GROWTH_TARGET)} |`,
    );
    rows.push(
      `| refresh grants, ${n(r.growth.large.count)} / ${n(r.growth.small.count)} stored ≥ ${GROWTH_TARGET} | ${r.growth.refreshRatio.toFixed(3)} | ${verdict(r.growth.refreshRatio >= GROWTH_TARGET)} |`,
    );
  }
  if (r.memory) {
    const growth = (f) => (f ? signedPct(f.growth) : 'n/a');
    rows.push(
      `| memory flat over ${(r.memory.seconds / 60).toFixed(1)} min | RSS ${growth(r.memory.rss)}, heap floor ${growth(r.memory.heap)} | ${verdict(r.memory.flat)} |`,
    );
  }
  return rows.length === 0 ? '' : `| target | ratio | verdict |\n|---|---:|---|\n${rows.join('\n')}\n`;
}

export function renderIssue7(r) {
  if (!r.anchors && !r.exchange && !r.growth && !r.memory) return '';
  return `## Issue 7: against oidc-provider, code exchanges, growth and memory

Each figure side by side in this one run, on this machine. The large store holds ${n(BENCH.growthLarge)} authorizations.

${targetsTable(r)}
${r.anchors ? anchorsSection(r.anchors) : ''}
${r.exchange ? exchangeSection(r.exchange, r.anchors) : ''}
${r.growth ? growthSection(r.growth) : ''}
${r.memory ? memorySection(r.memory) : ''}`;
}

// Issue 7: authorization-code + PKCE exchanges per second. Every request redeems one fresh
// code (minted before the server starts by seed-codes.js) with its code_verifier.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runNode } from './children.js';
import { FORM, LOAD, basicAuth, measure } from './load.js';
import { startSignet } from './signet.js';

const SEED_CODES = fileURLToPath(new URL('./seed-codes.js', import.meta.url));
const REDIRECT_URI = 'https://bench.example/callback';
const SCOPE = 'PROFILE:READ';
// codes per second of load to mint: far above what one SQLite writer can redeem here
const CODES_PER_SECOND = 6_000;

export const EXCHANGE_SETUP = {
  client: 'the confidential bench app, `client_secret_basic`',
  body: '`grant_type=authorization_code`, `code`, `redirect_uri` (sent to authorize, so repeated), `code_verifier` (S256)',
};

async function seedCodes({ dir, env, user, app }, count) {
  const out = join(dir, 'codes.json');
  const started = performance.now();
  await runNode(
    [
      SEED_CODES,
      JSON.stringify({
        count,
        out,
        clientId: app.client_id,
        userId: user.user_id,
        redirectUri: REDIRECT_URI,
        scope: SCOPE,
      }),
    ],
    { env },
  );
  return { pairs: JSON.parse(readFileSync(out, 'utf8')), seconds: (performance.now() - started) / 1000 };
}

/** Each request takes the next unused code; running out fails the run rather than reusing one. */
function codeFeed(pairs) {
  let next = 0;
  return () => {
    if (next >= pairs.length) throw new Error(`ran out of the ${pairs.length} minted codes: raise CODES_PER_SECOND`);
    const [code, verifier] = pairs[next++];
    return {
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      }).toString(),
    };
  };
}

const exchangeRequest = (app, pairs) => ({
  method: 'POST',
  path: '/oauth/token',
  headers: { authorization: basicAuth(app.client_id, app.client_secret), 'content-type': FORM },
  next: codeFeed(pairs),
  check: (text) =>
    /"access_token":"[^"]+"/.test(text) && /"refresh_token":"[^"]+"/.test(text)
      ? undefined
      : 'no access_token and refresh_token',
});

/** One redemption by hand, and its replay refused: the bench measures the real single-use check. */
async function preflight(signet, request) {
  const own = request.next();
  const send = () => fetch(`${signet.url}/oauth/token`, { method: 'POST', headers: request.headers, body: own.body });
  const first = await send();
  const text = await first.text();
  if (first.status !== 200 || request.check(text)) throw new Error(`code exchange: ${first.status} ${text}`);
  if ((await send()).status === 200)
    throw new Error('a code was redeemed twice: refusing to benchmark without the single-use check');
}

export async function runExchange(log) {
  const count = Math.ceil(CODES_PER_SECOND * (LOAD.warmupSeconds + LOAD.durationSeconds));
  log(`minting ${count} authorization codes`);
  const signet = await startSignet({ beforeStart: (fixtures) => seedCodes(fixtures, count) });
  try {
    const { pairs, seconds } = signet.seeded;
    log(`minted ${pairs.length} codes in ${seconds.toFixed(1)} s`);
    const request = exchangeRequest(signet.app, pairs);
    await preflight(signet, request);
    const run = await measure('authorization_code + PKCE exchange', { url: signet.url, ...request });
    log(`authorization_code + PKCE: ${Math.round(run.rps)} exchanges/s`);
    return { run, codes: pairs.length, seedSeconds: seconds };
  } finally {
    await signet.stop();
  }
}

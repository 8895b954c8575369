// Issue 7, how cost grows: signed GET /me (OAuth tokens: iss = the app, aid = an authorization
// with a bound key) and token issuance by refresh, with 1,000 and with BENCH.growthLarge
// authorizations stored. Both stores are measured through the same 1,000 authorizations.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLEANUP_BACKLOG_PAUSE_MS } from '../../packages/server/dist/main.js';
import { verifyCeilings } from './ceilings.js';
import { runNode } from './children.js';
import { BENCH } from './config.js';
import { FORM, LOAD, basicAuth, inRounds, measure } from './load.js';
import { restartSignet, startSignet } from './signet.js';
import { oauthToken, signerFromSeed } from './tokens.js';

const SEED = fileURLToPath(new URL('./seed-authorizations.js', import.meta.url));
const CLEANUP = fileURLToPath(new URL('./time-cleanup.js', import.meta.url));
const SCOPE = 'PROFILE:READ';
export const MEASURED = 1_000;
export const TARGET = 0.8;
// signed tokens to make, per second of load, for each verify one core does: GET /me verifies
// one signature a request, so it never outruns this (a fixed count ran out on a fast machine)
const TOKENS_PER_VERIFY = 1.3;

async function seed({ dir, env, app }, count, ageMs = 0) {
  const out = join(dir, 'authorizations.json');
  await runNode(
    [
      SEED,
      JSON.stringify({ count, measured: Math.min(MEASURED, count), out, clientId: app.client_id, scope: SCOPE, ageMs }),
    ],
    { env },
  );
  return JSON.parse(readFileSync(out, 'utf8'));
}

/** Pre-made signed tokens for GET /me, round-robin over the measured authorizations. */
function signedFeed(clientId, measured, count) {
  const signers = measured.map(({ seedHex }) => signerFromSeed(seedHex));
  const nowSeconds = Math.floor(Date.now() / 1000);
  const headers = new Array(count);
  for (let i = 0; i < count; i++) {
    const k = i % measured.length;
    const { token, jti } = oauthToken(
      { clientId, authorizationId: measured[k].authorizationId, scope: SCOPE },
      signers[k],
      'GET',
      '/me',
      nowSeconds,
    );
    headers[i] = { authorization: `Bearer ${token}`, 'x-request-id': jti };
  }
  let next = 0;
  return () => {
    if (next >= count) throw new Error(`ran out of the ${count} pre-made signed tokens: raise TOKENS_PER_VERIFY`);
    return { headers: headers[next++] };
  };
}

/**
 * grant_type=refresh_token as a client does it: each answer's new refresh token goes back
 * in the queue and is used in its turn (the spent one would revoke the authorization).
 */
function refreshRequest(app, measured) {
  const queue = measured.map(({ refreshToken }) => refreshToken);
  let head = 0;
  return {
    method: 'POST',
    path: '/oauth/token',
    headers: { authorization: basicAuth(app.client_id, app.client_secret), 'content-type': FORM },
    next() {
      if (head >= queue.length)
        throw new Error('no unspent refresh token left: more connections than measured authorizations?');
      return { body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: queue[head++] }).toString() };
    },
    check(text) {
      const match = /"refresh_token":"([^"]+)"/.exec(text);
      if (!match || !text.includes('"access_token"')) return 'no access_token and refresh_token';
      queue.push(match[1]);
      return undefined;
    },
  };
}

/** A seeded authorization works as a real one: a signed GET /me once (not twice) and a refresh. */
async function preflight(signet, measured, refresh) {
  const signer = signerFromSeed(measured[0].seedHex);
  const { token, jti } = oauthToken(
    { clientId: signet.app.client_id, authorizationId: measured[0].authorizationId, scope: SCOPE },
    signer,
    'GET',
    '/me',
  );
  const send = () => fetch(`${signet.url}/me`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': jti } });
  const first = await send();
  const text = await first.text();
  if (first.status !== 200 || !text.includes(measured[0].userId))
    throw new Error(`signed GET /me with a seeded authorization: ${first.status} ${text}`);
  if ((await send()).status === 200)
    throw new Error('a replayed jti was accepted: refusing to benchmark without the single-use check');
  const own = refresh.next();
  const answer = await fetch(`${signet.url}/oauth/token`, { method: 'POST', headers: refresh.headers, body: own.body });
  const answerText = await answer.text();
  if (answer.status !== 200 || refresh.check(answerText))
    throw new Error(`refresh with a seeded token: ${answer.status} ${answerText}`);
}

/** Seeds a store of `count` authorizations and checks it works; its server is stopped again. */
async function seededStore(count, log) {
  log(`growth: seeding ${count.toLocaleString('en-US')} authorizations`);
  const signet = await startSignet({ beforeStart: (fixtures) => seed(fixtures, count) });
  try {
    const { measured, seconds, bytes } = signet.seeded;
    log(
      `growth: seeded ${count.toLocaleString('en-US')} in ${seconds.toFixed(1)} s (${Math.round(bytes / 2 ** 20)} MiB)`,
    );
    const refresh = refreshRequest(signet.app, measured);
    await preflight(signet, measured, refresh);
    return { count, signet, refresh };
  } finally {
    await signet.stop();
  }
}

/** One round on a store: a fresh server process, signed GET /me, then refreshes. */
async function storeRound({ count, signet: stopped, refresh }, verifiesPerSecond, log) {
  const signet = await restartSignet(stopped);
  try {
    const { measured } = signet.seeded;
    const tokenCount = Math.ceil(TOKENS_PER_VERIFY * verifiesPerSecond * (LOAD.warmupSeconds + LOAD.durationSeconds));
    const signed = await measure(`signed GET /me at ${count}`, {
      url: signet.url,
      serverPid: signet.pid,
      path: '/me',
      next: signedFeed(signet.app.client_id, measured, tokenCount),
    });
    log(`growth ${count}: signed GET /me ${Math.round(signed.rps)} req/s`);
    const issued = await measure(`refresh at ${count}`, { url: signet.url, serverPid: signet.pid, ...refresh });
    log(`growth ${count}: refresh ${Math.round(issued.rps)} req/s`);
    return { [`signed_${count}`]: signed, [`refresh_${count}`]: issued };
  } finally {
    await signet.stop();
  }
}

/** sodium-native verifies a second on one core, over a real OAuth token of the store. */
function signatureVerifyRate({ app, seeded }) {
  const [first] = seeded.measured;
  const signer = signerFromSeed(first.seedHex);
  const { token } = oauthToken(
    { clientId: app.client_id, authorizationId: first.authorizationId, scope: SCOPE },
    signer,
    'GET',
    '/me',
  );
  return verifyCeilings(token, signer.publicKey, 1).sodium;
}

/** The store's row counts and size, and one timed clean-up pass over it. */
async function closeStore({ count, signet }, log) {
  const { ms: cleanupMs } = JSON.parse(await runNode([CLEANUP], { env: signet.env }));
  log(`growth ${count}: one clean-up pass ${Math.round(cleanupMs)} ms`);
  const { rows, seconds, bytes } = signet.seeded;
  return { count, rows, seedSeconds: seconds, bytes, cleanupMs };
}

// expired rows for the clean-up to take: enough that one pass cannot finish them within its budget
export const EXPIRED_AUTHORIZATIONS = 300_000;
// older than every lifetime plus the day spent rows are kept
const EXPIRED_AGE_MS = 400 * 24 * 60 * 60 * 1000;

/**
 * How many expired rows the clean-up deletes a minute while it has a backlog, on a store of
 * expired authorizations with their access and refresh tokens. Passes run until the store is
 * clean; the passes that ran out of budget show the capacity.
 */
async function cleanupCapacity(log) {
  const signet = await startSignet({
    beforeStart: (fixtures) => seed(fixtures, EXPIRED_AUTHORIZATIONS, EXPIRED_AGE_MS),
  });
  await signet.stop();
  try {
    const passes = [];
    for (;;) {
      const pass = JSON.parse(await runNode([CLEANUP], { env: signet.env }));
      passes.push(pass);
      log(`growth: clean-up pass ${passes.length} deleted ${pass.deleted} rows in ${Math.round(pass.ms)} ms`);
      if (pass.complete || passes.length >= 50) break;
    }
    const full = passes.filter((pass) => !pass.complete);
    if (full.length === 0) return { rows: passes.reduce((sum, pass) => sum + pass.deleted, 0), passes };
    // while a backlog lasts the server runs a pass, pauses, and runs the next (main.ts)
    const rowsPerPass = Math.min(...full.map((pass) => pass.deleted));
    const passMs = full.reduce((sum, pass) => sum + pass.ms, 0) / full.length;
    return {
      rows: passes.reduce((sum, pass) => sum + pass.deleted, 0),
      passes,
      rowsPerPass,
      perMinute: (rowsPerPass * 60_000) / (passMs + CLEANUP_BACKLOG_PAUSE_MS),
    };
  } finally {
    rmSync(signet.dir, { recursive: true, force: true });
  }
}

export async function runGrowth(log) {
  const stores = [];
  try {
    stores.push(await seededStore(MEASURED, log));
    stores.push(await seededStore(BENCH.growthLarge, log));
    const verifiesPerSecond = signatureVerifyRate(stores[0].signet);
    // side by side: every round measures the small store, then the large one
    const runs = await inRounds(
      async () => ({
        ...(await storeRound(stores[0], verifiesPerSecond, log)),
        ...(await storeRound(stores[1], verifiesPerSecond, log)),
      }),
      log,
    );
    const sizes = [];
    for (const store of stores) {
      sizes.push({
        ...(await closeStore(store, log)),
        signed: runs[`signed_${store.count}`],
        refresh: runs[`refresh_${store.count}`],
      });
    }
    const cleanup = await cleanupCapacity(log);
    // each refresh writes an access token and a refresh token, which expire and must go again
    const issuedPerMinute = 2 * sizes[1].refresh.rps * 60;
    return {
      small: sizes[0],
      large: sizes[1],
      signedRatio: sizes[1].signed.rps / sizes[0].signed.rps,
      refreshRatio: sizes[1].refresh.rps / sizes[0].refresh.rps,
      cleanup: {
        ...cleanup,
        issuedPerMinute,
        ratio: cleanup.perMinute === undefined ? undefined : cleanup.perMinute / issuedPerMinute,
      },
    };
  } finally {
    // the large store is a gigabyte: gone before the next part, not at exit
    for (const { signet } of stores) rmSync(signet.dir, { recursive: true, force: true });
  }
}

// Issue 4: the ceilings (ed25519 verify, hello Fastify) and signed and bearer GET /me against them.
import { fileURLToPath } from 'node:url';
import { verifyCeilings } from './ceilings.js';
import { startListening } from './children.js';
import { LOAD, inRounds, measure, medianRound } from './load.js';
import { profiled } from './profiled.js';
import { clientCredentialsToken, startSignet } from './signet.js';
import { sessionToken, sessionTokens, signerFromSeed } from './tokens.js';

const HELLO = fileURLToPath(new URL('./hello-server.js', import.meta.url));
const HELLO_VERIFY = fileURLToPath(new URL('./hello-verify-server.js', import.meta.url));

/** Request options that hand out the pre-made tokens one by one; running out is a failure, not a reuse. */
export function tokenFeed({ tokens, jtis }) {
  let next = 0;
  return () => {
    if (next >= tokens.length) throw new Error(`ran out of the ${tokens.length} pre-made tokens: raise their count`);
    const i = next++;
    return { headers: { authorization: `Bearer ${tokens[i]}`, 'x-request-id': jtis[i] } };
  };
}

/** One signed GET /me must succeed and its replay must not: the bench measures the real checks. */
async function preflight(signet, bearer) {
  const signer = signerFromSeed(signet.keystore.session_private_key);
  const { token, jti } = sessionToken(signet.keystore, signer, 'GET', '/me');
  const send = (headers) => fetch(`${signet.url}/me`, { headers });
  const first = await send({ authorization: `Bearer ${token}`, 'x-request-id': jti });
  const body = await first.text();
  if (first.status === 404)
    throw new Error('GET /me is not registered in the built server yet (run `npm run build` once it lands)');
  if (first.status !== 200 || !body.includes(signet.keystore.user_id))
    throw new Error(`signed GET /me: ${first.status} ${body}`);
  const replay = await send({ authorization: `Bearer ${token}`, 'x-request-id': jti });
  if (replay.status === 200)
    throw new Error('a replayed jti was accepted: refusing to benchmark without the single-use check');
  const viaBearer = await send({ authorization: `Bearer ${bearer}` });
  if (viaBearer.status !== 200) throw new Error(`bearer GET /me: ${viaBearer.status} ${await viaBearer.text()}`);
}

async function measureHello() {
  const helloServer = await startListening([HELLO]);
  try {
    return await measure('hello', { url: helloServer.url, serverPid: helloServer.pid, path: '/hello' });
  } finally {
    await helloServer.stop();
  }
}

/** The composition the formula predicts, as one server: hello plus a verify of each request's token, nothing else. */
async function measureHelloVerify(tokens, publicKey) {
  const server = await startListening([HELLO_VERIFY], { env: { SIGNET_BENCH_PUBLIC_KEY: publicKey.toString('hex') } });
  try {
    return await measure('hello + verify', {
      url: server.url,
      serverPid: server.pid,
      path: '/me',
      next: tokenFeed(tokens),
    });
  } finally {
    await server.stop();
  }
}

/**
 * One round: hello, then bearer and signed GET /me on a fresh Signet, the verify rate in between,
 * and last hello + verify as one server (on the signed run's tokens: it spends no jti).
 */
async function meRound(log, verifies) {
  const hello = await measureHello();
  log(`hello: ${Math.round(hello.rps)} req/s`);
  const signet = await startSignet();
  try {
    const bearerToken = await clientCredentialsToken(signet.url, signet.app);
    await preflight(signet, bearerToken);

    const signer = signerFromSeed(signet.keystore.session_private_key);
    const verify = verifyCeilings(sessionToken(signet.keystore, signer, 'GET', '/me').token, signer.publicKey);
    verifies.push(verify);
    log(`verify: sodium-native ${Math.round(verify.sodium)}/s, node:crypto ${Math.round(verify.nodeCrypto)}/s`);

    const bearer = await measure('bearer GET /me', {
      url: signet.url,
      serverPid: signet.pid,
      path: '/me',
      headers: { authorization: `Bearer ${bearerToken}` },
    });
    log(`bearer GET /me: ${Math.round(bearer.rps)} req/s`);

    // no more requests than hello could carry, nor more signatures than one core verifies, with room
    // to spare: on a fast machine hello's figure alone asked for 1.5M tokens (600 MB in the load
    // generator, whose garbage collection then competed with the server for the two cores)
    const tokenCount = Math.max(
      200_000,
      Math.ceil(Math.min(hello.rps, verify.sodium) * (LOAD.warmupSeconds + LOAD.durationSeconds) * 1.5),
    );
    log(`making ${tokenCount} signed tokens`);
    const tokens = sessionTokens(signet.keystore, signet.keystore.session_private_key, '/me', tokenCount);
    const signed = {
      ...(await measure('signed GET /me', {
        url: signet.url,
        serverPid: signet.pid,
        path: '/me',
        next: tokenFeed(tokens),
      })),
      tokenCount,
    };
    log(`signed GET /me: ${Math.round(signed.rps)} req/s`);
    await signet.stop();
    const helloVerify = await measureHelloVerify(tokens, signer.publicKey);
    log(`hello + verify: ${Math.round(helloVerify.rps)} req/s`);
    return { hello, bearer, signed, helloVerify };
  } finally {
    await signet.stop();
  }
}

export async function runMe(log) {
  const verifies = [];
  const { hello, bearer, signed, helloVerify } = await inRounds(() => meRound(log, verifies), log);
  const verify = medianRound(verifies, (v) => v.sodium);
  const tokenCount = signed.tokenCount;
  const composed = 1 / (1 / hello.rps + 1 / verify.sodium);
  const results = {
    verify,
    hello,
    bearer,
    signed,
    helloVerify,
    tokenCount,
    composed,
    signedRatio: signed.rps / composed,
    bearerRatio: bearer.rps / hello.rps,
    profiles: [],
  };

  // a missed target gets a profiled run of its own
  if (results.signedRatio < 0.75) {
    const tokensFor = (s) => sessionTokens(s.keystore, s.keystore.session_private_key, '/me', tokenCount);
    results.profiles.push(
      await profiled('signed `GET /me`', async (s) => ({ path: '/me', next: tokenFeed(tokensFor(s)) }), log),
    );
  }
  if (results.bearerRatio < 0.5) {
    const headersFor = async (s) => ({ authorization: `Bearer ${await clientCredentialsToken(s.url, s.app)}` });
    results.profiles.push(
      await profiled('bearer `GET /me`', async (s) => ({ path: '/me', headers: await headersFor(s) }), log),
    );
  }
  log(
    `signed ${(results.signedRatio * 100).toFixed(1)}% of composed ceiling, bearer ${(results.bearerRatio * 100).toFixed(1)}% of hello`,
  );
  return results;
}

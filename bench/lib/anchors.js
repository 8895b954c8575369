// Issue 7, against an anchor: client-credentials grants/s and introspections/s of Signet
// (persisting to SQLite) and of oidc-provider (in memory), same duration and connections.
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startListening } from './children.js';
import { FORM, basicAuth, inRounds, measure } from './load.js';
import { profiled } from './profiled.js';
import { startSignet } from './signet.js';

const ANCHOR = fileURLToPath(new URL('./anchor-server.js', import.meta.url));
export const ANCHOR_SCOPE = 'api:read';
export const SIGNET_SCOPE = 'PROFILE:READ';
export const TARGET = 3;

/** The two endpoints of one server, as load options; `scope` is what the grant asks for. */
function endpoints({ url, pid, tokenPath, introspectPath, clientId, clientSecret, scope }) {
  const headers = { authorization: basicAuth(clientId, clientSecret), 'content-type': FORM };
  return {
    url,
    pid,
    grant: {
      method: 'POST',
      path: tokenPath,
      headers,
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      check: (text) => (/"access_token":"[^"]+"/.test(text) ? undefined : 'no access_token'),
    },
    introspect: (token) => ({
      method: 'POST',
      path: introspectPath,
      headers,
      body: new URLSearchParams({ token }).toString(),
      check: (text) => (text.includes('"active":true') ? undefined : 'not active'),
    }),
  };
}

/** One grant through the real endpoint: proves the configuration and gives the token to introspect. */
async function grantOnce(server) {
  const response = await fetch(`${server.url}${server.grant.path}`, {
    method: 'POST',
    headers: server.grant.headers,
    body: server.grant.body,
  });
  const text = await response.text();
  if (response.status !== 200 || server.grant.check(text))
    throw new Error(`client_credentials at ${server.url}: ${response.status} ${text}`);
  const introspect = server.introspect(JSON.parse(text).access_token);
  const answer = await fetch(`${server.url}${introspect.path}`, {
    method: 'POST',
    headers: introspect.headers,
    body: introspect.body,
  });
  const answerText = await answer.text();
  if (answer.status !== 200 || introspect.check(answerText))
    throw new Error(`introspection at ${server.url}: ${answer.status} ${answerText}`);
  return introspect;
}

const signetEndpoints = (signet) =>
  endpoints({
    url: signet.url,
    pid: signet.pid,
    tokenPath: '/oauth/token',
    introspectPath: '/oauth/introspect',
    clientId: signet.app.client_id,
    clientSecret: signet.app.client_secret,
    scope: SIGNET_SCOPE,
  });

/** One round, in fresh processes: each Signet figure right before its anchor's, same duration and connections. */
async function anchorsRound(log) {
  const client = { clientId: randomUUID(), clientSecret: randomBytes(32).toString('hex') };
  const anchorProcess = await startListening([ANCHOR], {
    env: { ANCHOR_CLIENT_ID: client.clientId, ANCHOR_CLIENT_SECRET: client.clientSecret, ANCHOR_SCOPE },
  });
  const figures = {};
  try {
    const signetProcess = await startSignet();
    try {
      const anchor = endpoints({
        url: anchorProcess.url,
        pid: anchorProcess.pid,
        tokenPath: '/token',
        introspectPath: '/token/introspection',
        ...client,
        scope: ANCHOR_SCOPE,
      });
      const signet = signetEndpoints(signetProcess);
      await grantOnce(anchor);
      await grantOnce(signet);
      for (const [who, server] of [
        ['signet', signet],
        ['anchor', anchor],
      ]) {
        figures[`${who}_grant`] = await measure(`${who} client_credentials grant`, {
          url: server.url,
          serverPid: server.pid,
          ...server.grant,
        });
        log(`${who} client_credentials grant: ${Math.round(figures[`${who}_grant`].rps)} req/s`);
      }
      for (const [who, server] of [
        ['signet', signet],
        ['anchor', anchor],
      ]) {
        // minted now: the anchor's in-memory store is an LRU of 1,000 entries, which the grant run churned through
        const introspect = await grantOnce(server);
        figures[`${who}_introspect`] = await measure(`${who} introspection`, {
          url: server.url,
          serverPid: server.pid,
          ...introspect,
        });
        log(`${who} introspection: ${Math.round(figures[`${who}_introspect`].rps)} req/s`);
      }
    } finally {
      await signetProcess.stop();
    }
  } finally {
    await anchorProcess.stop();
  }
  return figures;
}

export async function runAnchors(log) {
  const figures = await inRounds(() => anchorsRound(log), log);
  const results = {
    grant: {
      signet: figures.signet_grant,
      anchor: figures.anchor_grant,
      ratio: figures.signet_grant.rps / figures.anchor_grant.rps,
    },
    introspect: {
      signet: figures.signet_introspect,
      anchor: figures.anchor_introspect,
      ratio: figures.signet_introspect.rps / figures.anchor_introspect.rps,
    },
    profiles: [],
  };
  log(
    `grants ${results.grant.ratio.toFixed(2)}× oidc-provider, introspections ${results.introspect.ratio.toFixed(2)}× (target ${TARGET}×)`,
  );
  if (results.grant.ratio < TARGET) {
    results.profiles.push(await profiled('client-credentials grant', async (s) => signetEndpoints(s).grant, log));
  }
  if (results.introspect.ratio < TARGET) {
    results.profiles.push(await profiled('introspection', async (s) => grantOnce(signetEndpoints(s)), log));
  }
  return results;
}

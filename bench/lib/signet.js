// The built Signet server (packages/server/dist) in a child process, on SQLite in a temp dir,
// with a user, a session keystore and an app made through its own CLI.
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeAtExit, runNode, startListening } from './children.js';
import { FORM, basicAuth } from './load.js';

const SIGNET = fileURLToPath(new URL('../../packages/server/bin/signet.js', import.meta.url));
const PROFILES = fileURLToPath(new URL('../out/', import.meta.url));

/** The commands the setup runs, for the record in RESULTS.md. */
export const SETUP_COMMANDS = [
  'signet users create --username bench --password bench-password-1 --json',
  'signet apps create --name Bench --owner bench --redirect-uri https://bench.example/callback --json',
  'signet keystore create --user bench --json',
  'signet start',
];

const cli = async (args, env) => JSON.parse(await runNode([SIGNET, ...args], { env }));

/**
 * Makes the temp database and its fixtures, then starts the server.
 * `cpuProfile`: write a V8 CPU profile of the server to bench/out/ when it stops.
 * `beforeStart(fixtures)`: runs once the fixtures exist and before the server opens the
 * database (seeding); what it returns comes back as `seeded`.
 */
export async function startSignet({ cpuProfile = false, beforeStart } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'signet-bench-'));
  removeAtExit(dir);
  const env = {
    DATABASE_URL: `file:${join(dir, 'signet.db')}`,
    RATE_LIMITS: 'off',
    LOG_LEVEL: 'silent',
    // the memory part samples the V8 heap from /metrics, closed by default
    METRICS: 'open',
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const user = await cli(SETUP_COMMANDS[0].split(' ').slice(1), env);
  const app = await cli(SETUP_COMMANDS[1].split(' ').slice(1), env);
  const keystore = await cli(SETUP_COMMANDS[2].split(' ').slice(1), env);
  const seeded = beforeStart ? await beforeStart({ dir, env, user, app, keystore }) : undefined;
  return restartSignet({ dir, env, user, app, keystore, seeded }, { cpuProfile });
}

/**
 * `signet start` on a store startSignet made (a stopped server's): a fresh process, so repeated
 * rounds each sample a new one. Answers the store's fixtures with the new `url`, `pid` and `stop`.
 */
export async function restartSignet({ dir, env, user, app, keystore, seeded }, { cpuProfile = false } = {}) {
  const nodeArgs = [];
  if (cpuProfile) {
    mkdirSync(PROFILES, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILES}`);
  }
  const server = await startListening([...nodeArgs, SIGNET, 'start'], { env });
  return { ...server, dir, env, user, app, keystore, seeded };
}

/** A standard bearer access token: client_credentials through the token endpoint (the app's bot user). */
export async function clientCredentialsToken(url, app) {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(app.client_id, app.client_secret),
      'content-type': FORM,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'PROFILE:READ' }),
  });
  const answer = await response.json();
  if (response.status !== 200 || typeof answer.access_token !== 'string') {
    throw new Error(`client_credentials refused: ${response.status} ${JSON.stringify(answer)}`);
  }
  return answer.access_token;
}

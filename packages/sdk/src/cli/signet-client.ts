import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { authorizeUrl, readAuthorizeResponse } from '../authorize.js';
import { SignetApiError } from '../errors.js';
import { type Keystore, createKeyPair } from '../keys.js';
import { createPkce } from '../pkce.js';
import { SignetClient } from '../client.js';
import { exchangeCode } from '../token.js';
import { openLoopback } from './loopback.js';

export interface ClientIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `usage:
  signet-client login --issuer URL --client-id ID [--scope "PROFILE:READ ASSETS:READ"] [--out FILE] [--port N]
  signet-client call METHOD PATH [--data JSON] [--keystore FILE] [--issuer URL]
The app must list http://127.0.0.1/callback as a redirect URI (any port matches a loopback URI).`;

/** A keystore file, with the issuer it belongs to when `login` wrote it. */
type KeystoreFile = Keystore & { issuer?: string };

async function login(io: ClientIo, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      scope: { type: 'string' },
      out: { type: 'string' },
      port: { type: 'string' },
    },
  });
  const issuer = (values.issuer ?? io.env.SIGNET_URL ?? '').replace(/\/+$/, '');
  const clientId = values['client-id'];
  if (!issuer || !clientId) throw new Error(USAGE);
  const pkce = createPkce();
  const state = crypto.randomUUID();
  const loopback = await openLoopback(values.port ? Number(values.port) : 0);
  try {
    const url = authorizeUrl({
      issuer,
      clientId,
      redirectUri: loopback.redirectUri,
      scopes: values.scope?.split(/\s+/),
      state,
      codeChallenge: pkce.challenge,
    });
    io.stderr(`Open this URL in your browser to sign in:\n${url}\n`);
    const { code } = readAuthorizeResponse(await loopback.callback, { issuer, state });
    // a key of our own bound to the authorization: every later call is signed, no bearer token to leak
    const keys = createKeyPair();
    const grant = await exchangeCode({
      issuer,
      clientId,
      code,
      codeVerifier: pkce.verifier,
      dialect: 'platform',
      ed25519: keys.publicKeyBase64Url,
    });
    const keystore: KeystoreFile = {
      issuer,
      client_id: clientId,
      app_id: clientId,
      authorization_id: grant.authorizationId,
      scope: grant.scope,
      session_private_key: keys.seedHex,
      server_public_key: grant.serverPublicKey ?? '',
    };
    const out = values.out ?? 'signet-keystore.json';
    await writeFile(out, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600 });
    io.stderr(`Signed in: authorization ${grant.authorizationId} (${grant.scope}). Keystore written to ${out}.\n`);
    return 0;
  } finally {
    loopback.close();
  }
}

async function call(io: ClientIo, args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { data: { type: 'string' }, keystore: { type: 'string' }, issuer: { type: 'string' } },
  });
  const [method, path] = positionals;
  if ((method !== 'GET' && method !== 'POST') || !path?.startsWith('/')) throw new Error(USAGE);
  const keystore = JSON.parse(await readFile(values.keystore ?? 'signet-keystore.json', 'utf8')) as KeystoreFile;
  const issuer = values.issuer ?? keystore.issuer ?? io.env.SIGNET_URL;
  if (!issuer) throw new Error('no issuer: pass --issuer or set SIGNET_URL');
  const client = new SignetClient({ baseUrl: issuer, keystore });
  const body = values.data === undefined ? undefined : (JSON.parse(values.data) as object);
  io.stdout(`${JSON.stringify(await client.request(method, path, body), null, 2)}\n`);
  return 0;
}

/** Runs one command line; returns the exit code. */
export async function runClient(argv: string[], io: ClientIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'login') return await login(io, rest);
    if (command === 'call') return await call(io, rest);
    io.stderr(`${USAGE}\n`);
    return command === undefined || command === '--help' ? 0 : 2;
  } catch (error) {
    const message =
      error instanceof SignetApiError
        ? `${error.code} ${error.description}`
        : error instanceof Error
          ? error.message
          : String(error);
    io.stderr(`signet-client: ${message}\n`);
    return 1;
  }
}

// @ts-check
/**
 * A third-party service that lets Signet users log in the way ExinOne lets Mixin users
 * in (PROTOCOL.md §11): the user's app mints a token for this service, posts it to
 * `POST /mixin/me`, and this service trades it with Signet (token exchange). If Signet
 * accepts, the service issues its OWN bearer token; Signet's is not kept, because the
 * service needs only to know who the user is.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { OAuthError, verifyServiceLogin } from '@signet/sdk';

/**
 * @typedef {object} ExchangeServiceConfig
 * @property {string} signetUrl the Signet deployment
 * @property {string} clientId this service's app on Signet (the `aud` users mint tokens for)
 * @property {string} clientSecret
 * @property {() => number} [now] ms since the epoch; tests move it to check the expiry
 */

/** @typedef {{ user_id: string, identity_number: string, full_name: string, avatar_url: string }} LoggedInUser */

const TOKEN_SECONDS = 24 * 60 * 60;
const MAX_BODY = 16 * 1024;

/** A failure we answer on purpose, with its HTTP status and a message safe to show. */
class Refusal extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** @param {import('node:http').IncomingMessage} request @returns {Promise<unknown>} */
async function readJson(request) {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > MAX_BODY) throw new Refusal(413, 'Request body too large.');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Refusal(400, 'The body must be JSON.');
  }
}

/**
 * The service as a node:http server, not yet listening.
 * @param {ExchangeServiceConfig} config
 * @returns {import('node:http').Server}
 */
export function createServer(config) {
  const now = config.now ?? Date.now;
  /**
   * Our tokens. In memory, so a restart signs everyone out; a real service would keep
   * them (or their hashes) in its database.
   * @type {Map<string, { user: LoggedInUser, expiresAt: number }>}
   */
  const tokens = new Map();

  /**
   * ExinOne's envelope: `code` is a string, "0" on success, else the HTTP status.
   * @param {import('node:http').ServerResponse} response @param {number} status @param {unknown} data @param {string} [message]
   */
  const send = (response, status, data, message = '') => {
    const ok = status < 400;
    const body = { code: ok ? '0' : String(status), success: ok, message, data: ok ? data : null, timestampMs: now() };
    const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
    response.writeHead(status, status === 401 ? { ...headers, 'www-authenticate': 'Bearer' } : headers);
    response.end(JSON.stringify(body));
  };

  /**
   * POST /mixin/me {"token"}: a Signet login token in, our token out.
   * @param {import('node:http').IncomingMessage} request */
  async function login(request) {
    const body = await readJson(request);
    const token = body && typeof body === 'object' && 'token' in body ? body.token : undefined;
    if (typeof token !== 'string' || token === '') throw new Refusal(400, 'token is required.');
    let verified;
    try {
      // Signet checks the signature, that `aud` is us, that it signs GET /me, its expiry,
      // and spends its jti: a replayed or misdirected token fails here.
      verified = await verifyServiceLogin({
        issuer: config.signetUrl,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        token,
      });
    } catch (error) {
      if (error instanceof OAuthError && error.error === 'invalid_grant')
        throw new Refusal(401, 'The Signet token was refused (expired, used already, or minted for another service).');
      throw error;
    }
    const { user_id, identity_number, full_name, avatar_url } = verified.user;
    for (const [key, entry] of tokens) if (entry.expiresAt <= now()) tokens.delete(key);
    const ours = randomBytes(32).toString('base64url');
    tokens.set(ours, {
      user: { user_id, identity_number, full_name, avatar_url },
      expiresAt: now() + TOKEN_SECONDS * 1000,
    });
    return { token: ours, tokenType: 'Bearer', expiresIn: TOKEN_SECONDS };
  }

  /**
   * GET /users/me with `Authorization: Bearer <our token>`.
   * @param {import('node:http').IncomingMessage} request */
  function me(request) {
    const match = /^Bearer ([A-Za-z0-9_-]+)$/.exec(request.headers.authorization ?? '');
    const entry = match?.[1] ? tokens.get(match[1]) : undefined;
    if (!match?.[1] || !entry) throw new Refusal(401, 'Unauthorized.');
    if (entry.expiresAt <= now()) {
      tokens.delete(match[1]);
      throw new Refusal(401, 'The token expired: log in again.');
    }
    return entry.user;
  }

  /** @param {import('node:http').IncomingMessage} request */
  async function route(request) {
    const path = new URL(request.url ?? '/', 'http://service.invalid').pathname;
    if (request.method === 'POST' && path === '/mixin/me') return login(request);
    if (request.method === 'GET' && path === '/users/me') return me(request);
    throw new Refusal(404, 'Not found.');
  }

  return createHttpServer((request, response) => {
    route(request).then(
      (data) => send(response, 200, data),
      (error) => {
        if (error instanceof Refusal) return send(response, error.status, null, error.message);
        // Signet unreachable or answering nonsense: log it, say little.
        console.error(error);
        send(response, 502, null, 'Signet could not be reached.');
      },
    );
  });
}

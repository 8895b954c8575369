// @ts-check
/**
 * A tiny site with "Sign in with Signet": the authorization code flow with PKCE, done by
 * a confidential app (it also sends its client secret, from the server, never the page).
 * Plain node:http so every step of the flow is visible; server.js reads the environment
 * and listens.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import {
  OAuthError,
  SignetApiError,
  SignetClient,
  authorizeUrl,
  createPkce,
  exchangeCode,
  readAuthorizeResponse,
} from '@signet/sdk';
import { errorPage, homePage, profilePage, STYLESHEET } from './pages.js';

/**
 * @typedef {object} WebAppConfig
 * @property {string} signetUrl the Signet deployment; must equal its issuer (the `iss` it sends back)
 * @property {string} clientId
 * @property {string} clientSecret
 * @property {string} [publicUrl] this site's own URL; default: the loopback address it listens on
 */

/**
 * What the server remembers for one browser. Only the cookie's random id reaches the
 * browser: the PKCE verifier and the access token never leave this process.
 * @typedef {object} Session
 * @property {{ state: string, verifier: string, redirectUri: string }} [pending] an authorization under way
 * @property {string} [accessToken]
 * @property {number} [accessExpiresAt] ms since the epoch
 * @property {string} csrf guards the sign-out form
 * @property {number} expiresAt the session itself ends then (ms since the epoch)
 */

// Cookies ignore ports: on 127.0.0.1 this site shares its cookie jar with a local Signet, so the name must not be one Signet uses.
const COOKIE = 'example_web_app_sid';
const SESSION_MS = 60 * 60 * 1000;
const SCOPES = ['PROFILE:READ', 'ASSETS:READ'];

// No inline script or style anywhere, so the policy can forbid both.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const randomId = () => randomBytes(32).toString('base64url');

/** @param {string} a @param {string} b */
function sameSecret(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** @param {import('node:http').IncomingMessage} request @returns {string | undefined} */
function cookieOf(request) {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

/** @param {import('node:http').IncomingMessage} request @returns {Promise<URLSearchParams>} */
async function readForm(request) {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 4096) throw new Error('form too large');
  }
  return new URLSearchParams(text);
}

/**
 * The site as a node:http server, not yet listening.
 * @param {WebAppConfig} config
 * @returns {import('node:http').Server}
 */
export function createServer(config) {
  /** @type {Map<string, Session>} */
  const sessions = new Map();

  /** Our own URL: configured, or the loopback address we listen on (tests listen on port 0). */
  const publicUrl = () => {
    if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  };

  /** @param {import('node:http').IncomingMessage} request */
  const sessionOf = (request) => {
    const id = cookieOf(request);
    const session = id ? sessions.get(id) : undefined;
    if (!id || !session) return undefined;
    if (session.expiresAt <= Date.now()) {
      sessions.delete(id);
      return undefined;
    }
    return { id, session };
  };

  /**
   * A fresh session under a fresh id, at every sign-in step, so no id outlives a login (session fixation).
   * @param {import('node:http').ServerResponse} response @param {Partial<Session>} fields @param {string} [oldId] */
  const startSession = (response, fields, oldId) => {
    if (oldId) sessions.delete(oldId);
    for (const [id, s] of sessions) if (s.expiresAt <= Date.now()) sessions.delete(id);
    const id = randomId();
    sessions.set(id, { csrf: randomId(), expiresAt: Date.now() + SESSION_MS, ...fields });
    // Lax, not Strict: the callback is a top-level redirect from Signet's site and must carry it.
    const secure = publicUrl().startsWith('https:') ? '; Secure' : '';
    response.setHeader(
      'set-cookie',
      `${COOKIE}=${id}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_MS / 1000}${secure}`,
    );
  };

  /** @param {import('node:http').ServerResponse} response @param {number} status @param {string} html */
  const send = (response, status, html) => {
    response.writeHead(status, {
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
    response.end(html);
  };

  /** @param {import('node:http').ServerResponse} response @param {string} location */
  const redirect = (response, location) => {
    response.writeHead(303, { ...SECURITY_HEADERS, location, 'cache-control': 'no-store' });
    response.end();
  };

  /** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
  async function handle(request, response) {
    const url = new URL(request.url ?? '/', publicUrl());
    const current = sessionOf(request);
    const route = `${request.method} ${url.pathname}`;

    if (route === 'GET /style.css') {
      response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' });
      return response.end(STYLESHEET);
    }

    if (route === 'GET /') {
      const session = current?.session;
      if (!session?.accessToken || (session.accessExpiresAt ?? 0) <= Date.now()) return send(response, 200, homePage());
      const client = new SignetClient({ baseUrl: config.signetUrl, accessToken: session.accessToken });
      try {
        const [me, assets] = await Promise.all([client.me(), client.assets()]);
        return send(response, 200, profilePage(me, assets, session.csrf));
      } catch (error) {
        // The user revoked us on Signet, or the token ended: forget it and offer sign-in again.
        if (error instanceof SignetApiError && (error.code === 401 || error.code === 403)) {
          if (current) sessions.delete(current.id);
          return send(response, 200, homePage('Your Signet session ended. Please sign in again.'));
        }
        throw error;
      }
    }

    if (route === 'GET /login') {
      const pkce = createPkce();
      const state = randomId();
      const redirectUri = `${publicUrl()}/callback`;
      startSession(response, { pending: { state, verifier: pkce.verifier, redirectUri } }, current?.id);
      return redirect(
        response,
        authorizeUrl({
          issuer: config.signetUrl,
          clientId: config.clientId,
          redirectUri,
          scopes: SCOPES,
          state,
          codeChallenge: pkce.challenge,
        }),
      );
    }

    if (route === 'GET /callback') {
      const pending = current?.session.pending;
      if (!current || !pending)
        return send(response, 400, errorPage('This sign-in was not started here, or it expired. Please start again.'));
      // One attempt per started sign-in: a second callback (a replayed URL) finds nothing.
      delete current.session.pending;
      let code;
      try {
        // Checks iss (RFC 9207: the answer came from our Signet, not a mix-up) and state (it is the sign-in this browser started).
        ({ code } = readAuthorizeResponse(url.href, { issuer: config.signetUrl, state: pending.state }));
      } catch (error) {
        return send(
          response,
          400,
          errorPage(`Sign-in failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      }
      let grant;
      try {
        // Secret and verifier both: the secret proves it is us, the verifier that the code is this browser's.
        grant = await exchangeCode({
          issuer: config.signetUrl,
          clientId: config.clientId,
          clientSecret: config.clientSecret,
          code,
          codeVerifier: pending.verifier,
          redirectUri: pending.redirectUri,
        });
      } catch (error) {
        if (error instanceof OAuthError)
          return send(response, 400, errorPage(`Signet refused the sign-in: ${error.message}`));
        throw error;
      }
      startSession(
        response,
        { accessToken: grant.accessToken, accessExpiresAt: Date.now() + (grant.expiresIn ?? 3600) * 1000 },
        current.id,
      );
      return redirect(response, '/');
    }

    if (route === 'POST /signout') {
      const form = await readForm(request);
      if (current && sameSecret(form.get('csrf') ?? '', current.session.csrf)) sessions.delete(current.id);
      response.setHeader('set-cookie', `${COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
      return redirect(response, '/');
    }

    return send(response, 404, errorPage('Not found.'));
  }

  const server = createHttpServer((request, response) => {
    handle(request, response).catch((error) => {
      // Details go to the log, not the page: they may name tokens or internals.
      console.error(error);
      if (!response.headersSent)
        send(response, 502, errorPage('Signet could not be reached or refused the request. Please try again.'));
      else response.end();
    });
  });
  return server;
}

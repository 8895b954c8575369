import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { FULL_SCOPE } from '@signet/protocol';
import { InsufficientScope, InvalidToken } from '../errors/oauth.js';
import { carriesBody } from '../plugins/raw-body.js';
import { noteAccess } from './accessed.js';
import { findActiveAccessToken } from './service.js';
import { type SignedPrincipal, looksLikeJws, verifySignedToken } from './signed.js';

/** A standard bearer access token's holder (PROTOCOL.md §10: every protected route also takes these). */
export interface BearerPrincipal {
  kind: 'bearer';
  userId: string;
  clientId: string;
  /** null for a client-credentials token (the app acting as its bot user) */
  authorizationId: string | null;
  full: false;
  scopes: string[];
  audience: undefined;
}

/** Who a request acts as, and with which scopes. */
export type Principal = SignedPrincipal | BearerPrincipal;

/** The token in `Authorization: Bearer ...`; an empty one (the Mixin SDK sends `Bearer `) counts as none. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(.*)$/i.exec(header.trim() === 'Bearer' ? 'Bearer ' : header);
  const token = match?.[1]?.trim();
  return token ? token : undefined;
}

/**
 * Authenticates an API request by its request-signed token. A token minted for a
 * service (`aud`) is refused here: it is good only for the token exchange.
 */
export async function authenticate(context: RouteContext, request: FastifyRequest): Promise<Principal> {
  const token = bearerToken(request);
  if (!token) throw new InvalidToken('missing', 'no access token');
  const principal = looksLikeJws(token) ? await authenticateSigned(context, request, token) : await authenticateBearer(context, token);
  if (principal.kind !== 'session' && principal.authorizationId) noteAccess(context, principal.authorizationId);
  return principal;
}

async function authenticateBearer(context: RouteContext, token: string): Promise<BearerPrincipal> {
  const info = await findActiveAccessToken(context, token);
  if (!info) throw new InvalidToken('unknown', 'unknown, expired or revoked access token');
  return { kind: 'bearer', userId: info.userId, clientId: info.clientId, authorizationId: info.authorizationId, full: false, scopes: info.scopes, audience: undefined };
}

/**
 * The body `sig` must cover: the text exactly as received, which only the JSON parser
 * keeps. A request without a body signs ''; a body of any other type (a form, or a GET's
 * body, which nothing reads) cannot be checked, so it is refused rather than let a
 * token signed over '' carry it.
 */
function signedBody(request: FastifyRequest): string {
  if (request.rawBody !== undefined) return request.rawBody;
  if (carriesBody(request.headers)) throw new InvalidToken('sig', 'sig cannot cover this body: send it as application/json');
  return '';
}

async function authenticateSigned(context: RouteContext, request: FastifyRequest, token: string): Promise<SignedPrincipal> {
  const requestId = request.headers['x-request-id'];
  const principal = await verifySignedToken(
    { db: context.db, kv: context.kv, clock: context.clock, maxAgeSeconds: context.config.signedTokenMaxAge },
    token,
    { method: request.method, target: request.url, body: signedBody(request), requestId: typeof requestId === 'string' ? requestId : undefined },
  );
  return principal;
}

/** For FULL routes: only a user's (or bot's) own session token will do; an app's token is 403. */
export async function authenticateSession(context: RouteContext, request: FastifyRequest): Promise<Principal & { kind: 'session' }> {
  const principal = await authenticate(context, request);
  if (principal.kind !== 'session') throw new InsufficientScope(FULL_SCOPE);
  return principal;
}

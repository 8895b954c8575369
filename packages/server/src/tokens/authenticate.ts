import type { FastifyRequest } from 'fastify';
import type { RouteContext } from '../context.js';
import { InvalidTokenError } from './errors.js';
import { type SignedPrincipal, looksLikeJws, verifySignedToken } from './signed.js';

export type Principal = SignedPrincipal;

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
  if (!token) throw new InvalidTokenError('missing', 'no access token');
  if (!looksLikeJws(token)) throw new InvalidTokenError('malformed', 'not a signed token');
  const requestId = request.headers['x-request-id'];
  const principal = await verifySignedToken(
    { db: context.db, kv: context.kv, clock: context.clock, maxAgeSeconds: context.config.signedTokenMaxAge },
    token,
    { method: request.method, target: request.url, body: request.rawBody ?? '', requestId: typeof requestId === 'string' ? requestId : undefined },
  );
  if (principal.audience !== undefined) throw new InvalidTokenError('aud', 'a token minted for a service is not accepted here');
  return principal;
}

/** For FULL routes: only a user's (or bot's) own session token will do. */
export async function authenticateSession(context: RouteContext, request: FastifyRequest): Promise<Principal & { kind: 'session' }> {
  const principal = await authenticate(context, request);
  if (principal.kind !== 'session') throw new InvalidTokenError('scp', 'this needs a session token (FULL)');
  return principal;
}

import type { IncomingHttpHeaders } from 'node:http';
import type { RouteContext } from '../context.js';
import { carriesBody } from '../plugins/raw-body.js';
import { noteAccess } from './accessed.js';
import { findActiveAccessToken } from './service.js';
import { type SignedPrincipal, type TokenVerdict, looksLikeJws, verifySignedToken } from './signed.js';

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

/** The parts of an API request its token is checked against. */
export interface AuthenticatedRequest {
  method: string;
  /** path plus `?query` exactly as received */
  url: string;
  headers: IncomingHttpHeaders;
  /** the body text exactly as received; undefined when none was kept (no JSON body) */
  rawBody: string | undefined;
}

/** The token in `Authorization: Bearer ...`; an empty one (the Mixin SDK sends `Bearer `) counts as none. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(.*)$/i.exec(header.trim() === 'Bearer' ? 'Bearer ' : header);
  const token = match?.[1]?.trim();
  return token ? token : undefined;
}

/**
 * Authenticates an API request by its request-signed or bearer token. A token minted
 * for a service (`aud`) is refused here: it is good only for the token exchange.
 */
export async function authenticateRequest(
  context: RouteContext,
  request: AuthenticatedRequest,
): Promise<TokenVerdict<Principal>> {
  const token = bearerToken(request.headers);
  if (!token) return { ok: false, reason: 'missing', detail: 'no access token' };
  const verdict = looksLikeJws(token)
    ? await authenticateSigned(context, request, token)
    : await authenticateBearer(context, token);
  if (verdict.ok && verdict.principal.kind !== 'session' && verdict.principal.authorizationId)
    noteAccess(context, verdict.principal.authorizationId);
  return verdict;
}

async function authenticateBearer(context: RouteContext, token: string): Promise<TokenVerdict<BearerPrincipal>> {
  const info = await findActiveAccessToken(context, token);
  if (!info) return { ok: false, reason: 'unknown', detail: 'unknown, expired or revoked access token' };
  const principal: BearerPrincipal = {
    kind: 'bearer',
    userId: info.userId,
    clientId: info.clientId,
    authorizationId: info.authorizationId,
    full: false,
    scopes: info.scopes,
    audience: undefined,
  };
  return { ok: true, principal };
}

/**
 * The body `sig` must cover: the text exactly as received, which only the JSON parser
 * keeps. A request without a body signs ''; a body of any other type (a form, or a GET's
 * body, which nothing reads) cannot be checked, so it is refused rather than let a
 * token signed over '' carry it.
 */
async function authenticateSigned(
  context: RouteContext,
  request: AuthenticatedRequest,
  token: string,
): Promise<TokenVerdict<SignedPrincipal>> {
  if (request.rawBody === undefined && carriesBody(request.headers)) {
    return { ok: false, reason: 'sig', detail: 'sig cannot cover this body: send it as application/json' };
  }
  const requestId = request.headers['x-request-id'];
  return verifySignedToken(
    { hot: context.hot, kv: context.kv, clock: context.clock, maxAgeSeconds: context.config.signedTokenMaxAge },
    token,
    {
      method: request.method,
      target: request.url,
      body: request.rawBody ?? '',
      requestId: typeof requestId === 'string' ? requestId : undefined,
    },
  );
}

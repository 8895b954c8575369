import { FULL_SCOPE, type ParsedJws, isUuid, parseCompactJws, parseScopes, signatureBase } from '@signet/protocol';
import type { Clock, Kv } from '../storage/kv/types.js';
import type { HotReads } from '../storage/hot-reads.js';
import { verifyEd25519 } from './ed25519.js';
import { sha256Hex } from './opaque.js';
import type { TokenFailure } from '../errors/oauth.js';
import { findKeySession } from './key-sessions-repo.js';
import { findSigningAuthorization } from './repo.js';

/** What a request-signed token proves: who acts, for whom, with which scopes. */
export type SignedPrincipal =
  | { kind: 'session'; userId: string; sessionId: string; full: true; scopes: string[]; audience: string | undefined }
  | {
      kind: 'oauth';
      userId: string;
      clientId: string;
      authorizationId: string;
      full: false;
      scopes: string[];
      audience: undefined;
    };

export interface SignedRequestParts {
  method: string;
  /** path plus `?query` exactly as received */
  target: string;
  /** raw body text ('' when none) */
  body: string;
  /** the X-Request-Id header, if sent */
  requestId: string | undefined;
}

export interface SignedTokenDeps {
  /** the storage's hot reads: every signed call looks its key up there */
  hot: HotReads;
  kv: Kv;
  clock: Clock;
  /** how old `iat` may be, in seconds */
  maxAgeSeconds: number;
}

const FUTURE_SKEW_SECONDS = 60;

/** A verification's answer: the principal, or why the token was refused (the caller maps it to an HTTP error). */
export type TokenVerdict<P> = { ok: true; principal: P } | { ok: false; reason: TokenFailure; detail: string };

/** Stops a verification; caught in verifySignedToken and returned as a refusal, never thrown past it. */
class Refused extends Error {
  constructor(
    readonly reason: TokenFailure,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** The `sig` claim must hash this request; the path alone is accepted too (one Go client signs that). */
function signatureMatches(sig: unknown, request: SignedRequestParts): boolean {
  if (typeof sig !== 'string') return false;
  if (sha256Hex(signatureBase(request.method, request.target, request.body)) === sig) return true;
  const path = request.target.split('?')[0] ?? '';
  return path !== request.target && sha256Hex(signatureBase(request.method, path, request.body)) === sig;
}

function checkHeader(jws: ParsedJws): void {
  if (jws.header.alg !== 'EdDSA') throw new Refused('alg', 'only EdDSA tokens are accepted');
  if (jws.header.typ !== undefined && jws.header.typ !== 'JWT')
    throw new Refused('typ', 'typ must be JWT when present');
}

function checkTimes(jws: ParsedJws, nowSeconds: number, maxAgeSeconds: number): void {
  const { iat, exp } = jws.claims;
  if (typeof exp !== 'number' || typeof iat !== 'number') throw new Refused('claims', 'iat and exp are required');
  if (exp <= nowSeconds) throw new Refused('expired', 'the token has expired');
  if (iat > nowSeconds + FUTURE_SKEW_SECONDS) throw new Refused('iat', 'iat is in the future');
  if (iat < nowSeconds - maxAgeSeconds) throw new Refused('iat', 'iat is too old');
}

async function keyFor(
  hot: HotReads,
  jws: ParsedJws,
  nowMs: number,
): Promise<{ publicKey: Buffer; principal: SignedPrincipal }> {
  const { uid, sid, iss, aid, scp, aud } = jws.claims;
  if (typeof uid === 'string' && typeof sid === 'string') {
    // checked before the lookup: a malformed token costs no query
    if (scp !== FULL_SCOPE) throw new Refused('scp', 'a session token must carry scp FULL');
    const session = await findKeySession(hot, sid);
    if (!session || session.user_id !== uid || session.revoked_at !== null)
      throw new Refused('session', 'unknown or revoked session');
    return {
      publicKey: Buffer.from(session.public_key, 'hex'),
      principal: {
        kind: 'session',
        userId: uid,
        sessionId: sid,
        full: true,
        scopes: [FULL_SCOPE],
        audience: typeof aud === 'string' ? aud : undefined,
      },
    };
  }
  if (typeof iss === 'string' && typeof aid === 'string') {
    if (aud !== undefined) throw new Refused('aud', 'an OAuth token cannot carry aud');
    const authorization = await findSigningAuthorization(hot, aid);
    if (!authorization || authorization.client_id !== iss) throw new Refused('authorization', 'unknown authorization');
    if (authorization.revoked_at !== null || authorization.expires_at <= nowMs)
      throw new Refused('revoked', 'the authorization is revoked or expired');
    if (!authorization.ed25519_public_key) throw new Refused('authorization', 'no key is bound to this authorization');
    const granted = new Set(parseScopes(authorization.scopes));
    const claimed = typeof scp === 'string' ? parseScopes(scp) : [];
    return {
      publicKey: Buffer.from(authorization.ed25519_public_key, 'hex'),
      principal: {
        kind: 'oauth',
        userId: authorization.user_id,
        clientId: iss,
        authorizationId: aid,
        full: false,
        // effective scopes: what the token claims, within what was granted
        scopes: claimed.filter((s) => granted.has(s)),
        audience: undefined,
      },
    };
  }
  throw new Refused('claims', 'neither uid/sid nor iss/aid');
}

/**
 * Verifies a request-signed token (PROTOCOL.md §9) against the request it came with.
 * The jti is consumed last, so a token refused for another reason can be corrected and
 * resent, but an accepted one never works twice.
 */
export async function verifySignedToken(
  deps: SignedTokenDeps,
  token: string,
  request: SignedRequestParts,
  /** token exchange only: the `aud` the token must carry (the calling service) */
  expect: { audience?: string } = {},
): Promise<TokenVerdict<SignedPrincipal>> {
  try {
    return { ok: true, principal: await verify(deps, token, request, expect) };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, reason: error.reason, detail: error.detail };
    throw error;
  }
}

async function verify(
  deps: SignedTokenDeps,
  token: string,
  request: SignedRequestParts,
  expect: { audience?: string },
): Promise<SignedPrincipal> {
  const jws = parseCompactJws(token);
  if (!jws)
    throw new Refused(
      'malformed',
      'not a compact JWS in the one form accepted: canonical base64url, each name once, no extensions (crit, b64)',
    );
  checkHeader(jws);
  const nowMs = deps.clock.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  checkTimes(jws, nowSeconds, deps.maxAgeSeconds);
  const { jti } = jws.claims;
  if (!isUuid(jti)) throw new Refused('jti', 'jti must be a UUID');
  if (request.requestId !== undefined && request.requestId !== jti)
    throw new Refused('jti', 'X-Request-Id does not match jti');
  if (!signatureMatches(jws.claims.sig, request)) throw new Refused('sig', 'sig does not match this request');
  // a token minted for a service is good for that service's token exchange only, and
  // is refused elsewhere before its jti is spent
  if (jws.claims.aud !== expect.audience) {
    if (expect.audience === undefined) throw new Refused('aud', 'a token minted for a service is not accepted here');
    throw new Refused(
      'aud',
      jws.claims.aud === undefined ? 'the token names no audience' : 'the token is for another audience',
    );
  }
  const { publicKey, principal } = await keyFor(deps.hot, jws, nowMs);
  if (!verifyEd25519(publicKey, Buffer.from(jws.signingInput, 'utf8'), jws.signature)) {
    throw new Refused('signature', 'bad signature');
  }
  // single use across instances for as long as the token could be accepted: checkTimes takes it
  // until the whole second after iat + maxAge (or its exp, if sooner), whenever it was first used
  const { iat, exp } = jws.claims as { iat: number; exp: number };
  const ttlMs = Math.min(exp, iat + deps.maxAgeSeconds + 1) * 1000 - nowMs;
  if (!(await deps.kv.spendRequestId(jti, ttlMs))) throw new Refused('replay', 'this request id was already used');
  return principal;
}

/** Cheap test for "this bearer value is a signed token" (three base64url segments). */
export function looksLikeJws(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

import { SignetError } from '../errors/errors.js';

/** Why a token was refused; kept for logs and metrics, never shown in detail to the caller. */
export type TokenFailure =
  | 'missing'
  | 'malformed'
  | 'alg'
  | 'typ'
  | 'claims'
  | 'expired'
  | 'iat'
  | 'jti'
  | 'sig'
  | 'session'
  | 'authorization'
  | 'revoked'
  | 'scp'
  | 'aud'
  | 'signature'
  | 'replay'
  | 'unknown';

/** 401 with an RFC 6750 challenge. */
export class InvalidTokenError extends SignetError {
  constructor(
    readonly reason: TokenFailure,
    detail: string,
  ) {
    super(401, 'Unauthorized, maybe invalid token.', {
      oauthError: 'invalid_token',
      headers: { 'WWW-Authenticate': `Bearer realm="signet", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"` },
      extra: { reason: detail },
    });
  }
}

/** 403 with an RFC 6750 challenge naming the scope that is missing. */
export class InsufficientScopeError extends SignetError {
  constructor(readonly scope: string) {
    super(403, `Forbidden: this needs ${scope}.`, {
      oauthError: 'insufficient_scope',
      headers: { 'WWW-Authenticate': `Bearer realm="signet", error="insufficient_scope", scope="${scope}"` },
    });
  }
}

import { platformErrors } from '@signet/protocol';
import { SignetError } from './signet-error.js';

/*
 * One class per OAuth error (RFC 6749 §4.1.2.1 and §5.2, RFC 6750 §3.1, OpenID's
 * prompt=none errors). Each also carries the platform code Mixin's JSON dialect shows:
 * credentials that do not check out are 401 there, a refused scope or client 403.
 * `redirectable` says whether /oauth/authorize may report the error to the client's
 * redirect URI; only errors raised once that URI is verified are.
 * A malformed parameter at the token, revocation and introspection endpoints is an
 * InvalidField (errors/platform.ts): 10002 naming the field, invalid_request in the RFC form.
 */

/** An authorize parameter is wrong; reported to the app by redirecting. */
export class InvalidRequest extends SignetError {
  constructor(description: string, options: { redirectable?: boolean } = {}) {
    super(400, description, { oauthError: 'invalid_request', redirectable: options.redirectable ?? true });
  }
}

/** The redirect URI is missing, repeated or not registered: shown on a page, never sent to it. */
export class InvalidRedirectUri extends SignetError {
  constructor(description: string) {
    super(400, description, { oauthError: 'invalid_request', redirectable: false });
  }
}

/** The client is unknown or could not be authenticated: HTTP 401 in both dialects. */
export class InvalidClient extends SignetError {
  constructor(description = 'Client authentication failed.') {
    super(401, description, { oauthError: 'invalid_client', redirectable: false });
  }
}

/** The code or refresh token is unknown, spent, another client's, or does not match the request. */
export class InvalidGrant extends SignetError {
  constructor(description: string) {
    super(401, description, { oauthError: 'invalid_grant' });
  }
}

/** An authorization code past its lifetime: invalid_grant, with Mixin's code 20121. */
export class CodeExpired extends SignetError {
  constructor() {
    super(20121, platformErrors[20121], { oauthError: 'invalid_grant' });
  }
}

export class InvalidScope extends SignetError {
  constructor(description: string) {
    super(403, description, { oauthError: 'invalid_scope', redirectable: true });
  }
}

export class UnauthorizedClient extends SignetError {
  constructor(description: string) {
    super(403, description, { oauthError: 'unauthorized_client' });
  }
}

export class UnsupportedGrantType extends SignetError {
  constructor(grantType: string) {
    super(400, `grant_type ${grantType} is not supported.`, { oauthError: 'unsupported_grant_type' });
  }
}

export class UnsupportedResponseType extends SignetError {
  constructor(description: string) {
    super(400, description, { oauthError: 'unsupported_response_type', redirectable: true });
  }
}

/** The user said no (on the consent page or from a device). */
export class AccessDenied extends SignetError {
  constructor(description: string) {
    super(403, description, { oauthError: 'access_denied', redirectable: true });
  }
}

/** prompt=none, and the user would have to sign in. */
export class LoginRequired extends SignetError {
  constructor(description: string) {
    super(401, description, { oauthError: 'login_required', redirectable: true });
  }
}

/** prompt=none, and the user would have to consent. */
export class ConsentRequired extends SignetError {
  constructor(description: string) {
    super(403, description, { oauthError: 'consent_required', redirectable: true });
  }
}

/** 429 at the OAuth endpoints: too many failed client authentications (RFC 6585), with Retry-After. */
export class TemporarilyUnavailable extends SignetError {
  constructor(description: string, retryAfter: string) {
    super(429, description, { oauthError: 'temporarily_unavailable', headers: { 'Retry-After': retryAfter } });
  }
}

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
export class InvalidToken extends SignetError {
  constructor(
    readonly reason: TokenFailure,
    detail: string,
  ) {
    super(401, platformErrors[401], {
      oauthError: 'invalid_token',
      headers: {
        'WWW-Authenticate': `Bearer realm="signet", error="invalid_token", error_description="${detail.replace(/"/g, "'")}"`,
      },
      extra: { reason: detail },
    });
  }
}

/** 403 with an RFC 6750 challenge naming the scope that is missing. */
export class InsufficientScope extends SignetError {
  constructor(readonly scope: string) {
    super(403, `Forbidden: this needs ${scope}.`, {
      oauthError: 'insufficient_scope',
      headers: { 'WWW-Authenticate': `Bearer realm="signet", error="insufficient_scope", scope="${scope}"` },
    });
  }
}

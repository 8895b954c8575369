import { type OAuthErrorCode, type PlatformErrorCode, platformErrors } from '@signet/protocol';

export interface SignetErrorOptions {
  /** HTTP status for requests that do not use Mixin's 202 convention. */
  httpStatus?: number;
  /** The RFC 6749 error code used by the standard dialect. */
  oauthError?: OAuthErrorCode;
  extra?: Record<string, unknown>;
  /** May /oauth/authorize report this error by redirecting to the client? */
  redirectable?: boolean;
  /** Response headers that belong to the error (an RFC 6750 WWW-Authenticate challenge). */
  headers?: Record<string, string>;
}

const defaultHttpStatus: Partial<Record<PlatformErrorCode, number>> = { 10002: 400, 20117: 400, 20121: 400 };

/**
 * Every error Signet reports on purpose: renders in both dialects from one object.
 * Code outside errors/ throws one of the named subclasses (errors/platform.ts,
 * errors/oauth.ts), never this class with a bare code.
 */
export class SignetError extends Error {
  readonly httpStatus: number;
  readonly oauthError: OAuthErrorCode;
  readonly extra: Record<string, unknown> | undefined;
  readonly redirectable: boolean;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: PlatformErrorCode,
    description: string = platformErrors[code],
    options: SignetErrorOptions = {},
  ) {
    super(description);
    this.name = new.target.name;
    this.httpStatus = options.httpStatus ?? defaultHttpStatus[code] ?? (code < 600 ? code : 400);
    this.oauthError = options.oauthError ?? (code === 500 ? 'server_error' : 'invalid_request');
    this.extra = options.extra;
    this.redirectable = options.redirectable ?? false;
    this.headers = options.headers ?? {};
  }
}

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

/** Every error Signet reports on purpose: renders in both dialects from one object. */
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

/** 10002: one named field is wrong. The message names the field. */
export class InvalidFieldError extends SignetError {
  constructor(
    readonly field: string,
    problem: string,
    options: Omit<SignetErrorOptions, 'extra'> = {},
  ) {
    super(10002, `${field}: ${problem}`, { ...options, extra: { field, reason: problem } });
  }
}

/** 409 with the field named: the value is valid but already taken (a username). */
export class FieldConflictError extends InvalidFieldError {
  constructor(field: string, problem: string) {
    super(field, problem, { httpStatus: 409 });
  }
}

export class NotFoundError extends SignetError {
  constructor(what: string) {
    super(404, `${what} not found.`);
  }
}

import { platformErrors } from '@signet/protocol';
import { SignetError } from './signet-error.js';

/*
 * One class per platform (Mixin-compatible) error code, PROTOCOL.md §1. Each renders in
 * both dialects: the platform envelope with its code, and the RFC 6749 form as
 * invalid_request (server_error for 500). The errors that are first of all OAuth errors
 * are in errors/oauth.ts.
 */

/** 400: the request as a whole cannot be used (not JSON, wrong Content-Type). */
export class BadRequest extends SignetError {
  constructor(description: string = platformErrors[400]) {
    super(400, description);
  }
}

/** 401 outside OAuth (the metrics scrape); `headers` carries its challenge. */
export class Unauthorized extends SignetError {
  constructor(description: string = platformErrors[401], headers: Record<string, string> = {}) {
    super(401, description, { headers });
  }
}

/** 403: the caller is known but may not do this. */
export class Forbidden extends SignetError {
  constructor(description: string = platformErrors[403]) {
    super(403, description);
  }
}

export class NotFound extends SignetError {
  constructor(description: string = platformErrors[404]) {
    super(404, description);
  }
}

/** 429; `headers` may say when to come back (Retry-After). */
export class TooManyRequests extends SignetError {
  constructor(description: string = platformErrors[429], headers: Record<string, string> = {}) {
    super(429, description, { headers });
  }
}

export interface InvalidFieldOptions {
  httpStatus?: number;
  /** `extra` names the field alone, without the problem (the device-approval answers) */
  fieldOnly?: boolean;
}

/** 10002: one named field is wrong. The message names the field. */
export class InvalidField extends SignetError {
  constructor(
    readonly field: string,
    problem: string,
    options: InvalidFieldOptions = {},
  ) {
    const extra = options.fieldOnly ? { field } : { field, reason: problem };
    super(10002, `${field}: ${problem}`, { httpStatus: options.httpStatus, extra });
  }
}

/** 10002 as HTTP 409, with the field named: the value is valid but already taken (a username). */
export class FieldConflict extends InvalidField {
  constructor(field: string, problem: string) {
    super(field, problem, { httpStatus: 409 });
  }
}

/** 20117: a transfer larger than the balance it draws on. */
export class InsufficientBalance extends SignetError {
  constructor() {
    super(20117, platformErrors[20117]);
  }
}

/** 20121 as HTTP 410: a device-approval request that timed out (PROTOCOL.md §6). */
export class AuthorizationRequestExpired extends SignetError {
  constructor() {
    super(20121, 'This authorization request has expired.', { oauthError: 'invalid_request', httpStatus: 410 });
  }
}

/** 500: logged in full, reported without detail. */
export class ServerError extends SignetError {
  constructor() {
    super(500);
  }
}

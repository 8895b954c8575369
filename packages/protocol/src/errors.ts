import type { PlatformError } from './views/envelopes.js';

/** Platform (Mixin-compatible) error codes and their standard descriptions. */
export const platformErrors = {
  400: 'The request body can’t be parsed as valid data.',
  401: 'Unauthorized, maybe invalid token.',
  403: 'Forbidden.',
  404: 'The endpoint is not found.',
  409: 'Conflict.',
  429: 'Too Many Requests.',
  10002: 'The request data has invalid field.',
  20117: 'Insufficient balance.',
  20121: 'Authorization code expired.',
  500: 'Internal Server Error.',
} as const;

export type PlatformErrorCode = keyof typeof platformErrors;

/** The error body of the platform dialect: `{"error": PlatformErrorBody}` (its schema: views/envelopes.ts). */
export type PlatformErrorBody = PlatformError['error'];

/** OAuth 2 error codes (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; OpenID prompt=none errors). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'invalid_token'
  | 'insufficient_scope';

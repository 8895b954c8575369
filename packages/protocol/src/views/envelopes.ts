import { type Static, Type } from '@sinclair/typebox';
import { type PlatformErrorCode, platformErrors } from '../errors.js';
import { Exact } from './formats.js';

const codes = Object.keys(platformErrors).map(Number);

/** PROTOCOL.md §1: every platform error. `status` stays 202 whatever the HTTP status. */
export const PlatformError = Exact({
  error: Exact({
    status: Type.Literal(202),
    code: Type.Unsafe<PlatformErrorCode>({
      type: 'integer',
      enum: codes,
      description: '400, 401, 403, 404, 409, 429, 10002 (extra.field names the field), 20117, 20121, 500',
    }),
    description: Type.String(),
    extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    request_id: Type.Optional(Type.String({ description: 'the X-Request-Id the request sent' })),
  }),
});
export type PlatformError = Static<typeof PlatformError>;

/** RFC 6749 §5.2: errors of the standard OAuth endpoints. */
export const OAuthError = Exact({
  error: Type.String({
    examples: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope'],
  }),
  error_description: Type.String(),
});
export type OAuthError = Static<typeof OAuthError>;

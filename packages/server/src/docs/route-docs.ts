import { type TObject, type TSchema, Type } from '@sinclair/typebox';

/**
 * The request and response shapes a route documents, declared next to its handler as
 * `config: { openapi: … }`. They live in `config`, which Fastify hands to the route
 * untouched, and not in `schema`, because Fastify compiles `schema.body`/`querystring`
 * into ajv validators that coerce types (a JSON number `amount: 0.1` must still reach the
 * ledger and be refused there) and `schema.response` into serializers that drop
 * undeclared fields (Mixin's clients read them all). So these shapes describe and never
 * enforce; test/docs.test.ts checks real answers against them, which catches drift.
 */
export interface RouteDocs {
  /** request body schemas keyed by content type */
  body?: Readonly<Record<string, TSchema>>;
  /** query parameters: each property is one parameter */
  query?: TObject;
  /** success bodies keyed by HTTP status; null for an empty body */
  responses: Readonly<Record<string, TSchema | null>>;
  /** which error body the route answers with (PROTOCOL.md §1): the token endpoint uses both */
  errors: 'platform' | 'oauth' | 'both';
}

declare module 'fastify' {
  interface FastifyContextConfig {
    openapi?: RouteDocs;
  }
}

/** PROTOCOL.md §1: every platform error. `status` stays 202 whatever the HTTP status. */
export const PlatformError = Type.Object({
  error: Type.Object({
    status: Type.Literal(202),
    code: Type.Integer({ description: '400, 401, 403, 404, 429, 10002 (extra.field names the field), 20117, 20121, 500' }),
    description: Type.String(),
    extra: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    request_id: Type.Optional(Type.String({ description: 'the X-Request-Id the request sent' })),
  }),
});

/** RFC 6749 §5.2: errors of the standard OAuth endpoints. */
export const OAuthError = Type.Object({
  error: Type.String({ examples: ['invalid_request', 'invalid_client', 'invalid_grant', 'unsupported_grant_type', 'invalid_scope'] }),
  error_description: Type.String(),
});

/** The platform success envelope `{"data": …}`. */
export const dataOf = <T extends TSchema>(schema: T) => Type.Object({ data: schema });

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

export const Uuid = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });

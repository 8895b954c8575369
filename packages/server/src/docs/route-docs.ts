import type { TObject, TSchema } from '@sinclair/typebox';

/**
 * The request and response shapes a route documents, declared next to its handler as
 * `config: { openapi: … }`. They live in `config`, which Fastify hands to the route
 * untouched, and not in `schema`, because Fastify compiles `schema.body`/`querystring`
 * into ajv validators that coerce types (a JSON number `amount: 0.1` must still reach the
 * ledger and be refused there) and `schema.response` into serializers that drop
 * undeclared fields (Mixin's clients read them all). So these shapes describe and never
 * enforce; test/openapi-answers.test.ts checks real answers against them, which catches drift.
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

// The shared shapes (error envelopes, the success envelope, formats) come from the protocol
// package, where the SDK's types come from too.
export { OAuthError, PlatformError, Timestamp, Uuid, dataOf } from '@signet/protocol/views';

export const JSON_TYPE = 'application/json';
export const FORM_TYPE = 'application/x-www-form-urlencoded';

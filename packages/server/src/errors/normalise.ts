import { BadRequest, InvalidField, NotFound, ServerError, TooManyRequests } from './platform.js';
import { SignetError } from './signet-error.js';

/** What Fastify puts on the errors it raises itself (schema validation, body parsing, 404s). */
interface FrameworkError {
  message?: unknown;
  statusCode?: unknown;
  validation?: ReadonlyArray<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>;
}

/**
 * Anything thrown, as the error to report: a SignetError as it is, a failed schema check
 * as 10002 naming the field, Fastify's own 4xx errors by their status, anything else as 500.
 */
export function toSignetError(error: unknown): SignetError {
  if (error instanceof SignetError) return error;
  const raised: FrameworkError = typeof error === 'object' && error !== null ? error : {};
  if (raised.validation && raised.validation.length > 0) {
    const first = raised.validation[0];
    const path =
      first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || String(first?.params?.missingProperty ?? 'body');
    return new InvalidField(path, first?.message ?? 'is invalid');
  }
  const status = typeof raised.statusCode === 'number' ? raised.statusCode : 500;
  if (status === 404) return new NotFound();
  if (status === 429) return new TooManyRequests();
  if (status >= 400 && status < 500)
    return new BadRequest(typeof raised.message === 'string' ? raised.message : undefined);
  return new ServerError();
}

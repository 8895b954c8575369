import type { PlatformErrorBody } from '@signet/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidFieldError, SignetError } from './errors.js';

/** Mixin's convention: a request that sends X-Request-Id gets HTTP 202 with the error envelope. */
function usesMixinStatus(request: FastifyRequest): boolean {
  return typeof request.headers['x-request-id'] === 'string';
}

function toSignetError(error: FastifyError | SignetError): SignetError {
  if (error instanceof SignetError) return error;
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0];
    const path = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') || String(first?.params?.['missingProperty'] ?? 'body');
    return new InvalidFieldError(path, first?.message ?? 'is invalid');
  }
  const status = error.statusCode ?? 500;
  if (status === 404) return new SignetError(404);
  if (status === 429) return new SignetError(429);
  if (status >= 400 && status < 500) return new SignetError(400, error.message);
  return new SignetError(500);
}

export function platformErrorBody(error: SignetError, requestId?: string): { error: PlatformErrorBody } {
  const body: PlatformErrorBody = { status: 202, code: error.code, description: error.message };
  if (error.extra) body.extra = error.extra;
  if (requestId) body.request_id = requestId;
  return { error: body };
}

/** The one error handler: renders the platform envelope (OAuth endpoints add their own form). */
export function handleError(error: FastifyError | SignetError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const signetError = toSignetError(error);
  if (signetError.code === 500) request.log.error({ err: error }, 'request failed');
  const requestId = request.headers['x-request-id'];
  const status = usesMixinStatus(request) && signetError.code !== 500 ? 202 : signetError.httpStatus;
  void reply.headers(signetError.headers);
  return reply.status(status).send(platformErrorBody(signetError, typeof requestId === 'string' ? requestId : undefined));
}

/** RFC 6749 §5.2 error body, for the standard OAuth endpoints. */
export function oauthErrorBody(error: SignetError): { error: string; error_description: string } {
  return { error: error.oauthError, error_description: error.message };
}

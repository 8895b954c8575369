import type { PlatformErrorBody } from '@signet/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toSignetError } from './normalise.js';
import type { SignetError } from './signet-error.js';

/** Mixin's convention: a request that sends X-Request-Id gets HTTP 202 with the error envelope. */
function usesMixinStatus(request: FastifyRequest): boolean {
  return typeof request.headers['x-request-id'] === 'string';
}

export function platformErrorBody(error: SignetError, requestId?: string): { error: PlatformErrorBody } {
  const body: PlatformErrorBody = { status: 202, code: error.code, description: error.message };
  if (error.extra) body.extra = error.extra;
  if (requestId) body.request_id = requestId;
  return { error: body };
}

/** The one error handler: renders the platform envelope (OAuth endpoints use sendStandardError). */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const signetError = toSignetError(error);
  if (signetError.code === 500) request.log.error({ err: error }, 'request failed');
  const requestId = request.headers['x-request-id'];
  const status = usesMixinStatus(request) && signetError.code !== 500 ? 202 : signetError.httpStatus;
  void reply.headers(signetError.headers);
  return reply
    .status(status)
    .send(platformErrorBody(signetError, typeof requestId === 'string' ? requestId : undefined));
}

/** RFC 6749 §5.2 error body, for the standard OAuth endpoints. */
export function oauthErrorBody(error: SignetError): { error: string; error_description: string } {
  return { error: error.oauthError, error_description: error.message };
}

/** RFC 6749 §5.2: 401 for a client that failed to authenticate, 400 for everything else; 429 for a throttled client or address (RFC 6585). */
export function standardHttpStatus(error: SignetError): number {
  if (error.code === 500 || error.code === 429) return error.code;
  return error.oauthError === 'invalid_client' ? 401 : 400;
}

/** Renders an error the RFC 6749 §5.2 way, with the challenge RFC 6749 §5.2 asks for after a failed Basic login. */
export function sendStandardError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const signetError = toSignetError(error);
  if (signetError.code === 500) request.log.error({ err: error }, 'request failed');
  const status = standardHttpStatus(signetError);
  void reply.headers(signetError.headers);
  if (status === 401 && /^basic\b/i.test(request.headers.authorization ?? '')) {
    void reply.header('WWW-Authenticate', 'Basic realm="signet"');
  }
  return reply.status(status).send(oauthErrorBody(signetError));
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignetError } from '../errors/errors.js';
import { handleError, oauthErrorBody } from '../errors/handler.js';
import { invalidRequest, standardHttpStatus } from './errors.js';

/** A parsed application/x-www-form-urlencoded body (a repeated name arrives as an array). */
export type FormBody = Record<string, unknown>;

export function isFormRequest(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The body of a request that must be a form (RFC 7009 §2.1, RFC 7662 §2.1). */
export function requireFormBody(request: FastifyRequest): FormBody {
  if (!isFormRequest(request)) throw invalidRequest('Content-Type', 'must be application/x-www-form-urlencoded');
  return formBody(request);
}

export function formBody(request: FastifyRequest): FormBody {
  const body = request.body;
  return typeof body === 'object' && body !== null ? (body as FormBody) : {};
}

/** One form parameter; RFC 6749 §3.2 forbids sending one twice. An empty value counts as absent (§3.1). */
export function formParam(body: FormBody, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest(name, 'must be sent once');
  return value;
}

export function requiredFormParam(body: FormBody, name: string): string {
  const value = formParam(body, name);
  if (value === undefined) throw invalidRequest(name, 'is required');
  return value;
}

function toSignetError(error: FastifyError | SignetError): SignetError {
  if (error instanceof SignetError) return error;
  const status = error.statusCode ?? 500;
  return status >= 400 && status < 500 ? new SignetError(400, error.message) : new SignetError(500);
}

/** Renders an error the RFC 6749 §5.2 way, with the challenge RFC 6749 §5.2 asks for after a failed Basic login. */
export function sendStandardError(error: FastifyError | SignetError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const signetError = toSignetError(error);
  if (signetError.code === 500) request.log.error({ err: error }, 'request failed');
  const status = standardHttpStatus(signetError);
  void reply.headers(signetError.headers);
  if (status === 401 && /^basic\b/i.test(request.headers.authorization ?? '')) {
    void reply.header('WWW-Authenticate', 'Basic realm="signet"');
  }
  return reply.status(status).send(oauthErrorBody(signetError));
}

/**
 * Setup shared by the standard endpoints (inside their own plugin scope): token answers
 * are never cached (RFC 6749 §5.1), and errors take the RFC form unless `isPlatform`
 * says the request speaks Mixin's JSON dialect.
 */
export function useStandardEndpoint(app: FastifyInstance, isPlatform: (request: FastifyRequest) => boolean = () => false): void {
  // a callback hook: an async one costs a promise and a microtask turn on every answer
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('Cache-Control', 'no-store');
    void reply.header('Pragma', 'no-cache');
    done(null, payload);
  });
  app.setErrorHandler((error: FastifyError | SignetError, request, reply) =>
    isPlatform(request) ? handleError(error, request, reply) : sendStandardError(error, request, reply),
  );
}

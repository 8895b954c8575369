import type { FastifyInstance, FastifyRequest } from 'fastify';
import { handleError, sendStandardError } from '../errors/handler.js';

/**
 * Setup shared by the standard endpoints (inside their own plugin scope): token answers
 * are never cached (RFC 6749 §5.1), and errors take the RFC form unless `isPlatform`
 * says the request speaks Mixin's JSON dialect.
 */
export function useStandardEndpoint(
  app: FastifyInstance,
  isPlatform: (request: FastifyRequest) => boolean = () => false,
): void {
  // a callback hook: an async one costs a promise and a microtask turn on every answer
  app.addHook('onSend', (_request, reply, payload, done) => {
    void reply.header('Cache-Control', 'no-store');
    void reply.header('Pragma', 'no-cache');
    done(null, payload);
  });
  app.setErrorHandler((error, request, reply) =>
    isPlatform(request) ? handleError(error, request, reply) : sendStandardError(error, request, reply),
  );
}

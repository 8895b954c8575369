import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body exactly as received: request signatures hash these bytes, never a re-serialization. */
    rawBody?: string;
  }
}

/** Parses JSON bodies while keeping their raw text for signature checks. */
export function keepRawJsonBody(app: FastifyInstance): void {
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    request.rawBody = text;
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      const error = new Error('The request body can’t be parsed as valid data.') as Error & { statusCode: number };
      error.statusCode = 400;
      done(error, undefined);
    }
  });
}

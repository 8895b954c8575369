import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { BadRequest } from '../errors/platform.js';

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

/** Did the request come with body bytes (HTTP/1.1 framing: a length above zero, or chunks)? */
export function carriesBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** The Content-Type without its parameters, lower case; '' when none was sent. */
function mediaTypeOf(request: FastifyRequest): string {
  const header = request.headers['content-type'];
  if (header === undefined) return '';
  const end = header.indexOf(';');
  return (end === -1 ? header : header.slice(0, end)).trim().toLowerCase();
}

/**
 * A route hook that refuses any body but the listed media types (400, in the dialect of
 * the route's error handler), before the body is parsed or the handler runs. The
 * platform's JSON routes use it so that a form body can never stand in for the JSON one
 * a request signature covers, nor spend the token's jti. No body at all passes: the
 * handler then says what is missing.
 */
export function acceptBodies(...mediaTypes: readonly string[]): onRequestHookHandler {
  const listed = mediaTypes.join(' or ');
  return (request, _reply, done) => {
    const type = mediaTypeOf(request);
    if (type === '' ? !carriesBody(request.headers) : mediaTypes.includes(type)) {
      done();
      return;
    }
    const sent = type === '' ? 'a body without a Content-Type' : type;
    done(new BadRequest(`Content-Type must be ${listed}, not ${sent}.`));
  };
}

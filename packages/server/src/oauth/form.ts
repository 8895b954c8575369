import type { IncomingHttpHeaders } from 'node:http';
import { InvalidField } from '../errors/platform.js';

/** A parsed application/x-www-form-urlencoded body (a repeated name arrives as an array). */
export type FormBody = Record<string, unknown>;

export function isFormRequest(headers: IncomingHttpHeaders): boolean {
  return (headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
}

/** The body of a request that must be a form (RFC 7009 §2.1, RFC 7662 §2.1). */
export function requireFormBody(headers: IncomingHttpHeaders, body: unknown): FormBody {
  if (!isFormRequest(headers)) throw new InvalidField('Content-Type', 'must be application/x-www-form-urlencoded');
  return formBody(body);
}

export function formBody(body: unknown): FormBody {
  return typeof body === 'object' && body !== null ? (body as FormBody) : {};
}

/** One form parameter; RFC 6749 §3.2 forbids sending one twice. An empty value counts as absent (§3.1). */
export function formParam(body: FormBody, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidField(name, 'must be sent once');
  return value;
}

export function requiredFormParam(body: FormBody, name: string): string {
  const value = formParam(body, name);
  if (value === undefined) throw new InvalidField(name, 'is required');
  return value;
}

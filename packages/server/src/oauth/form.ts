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

/**
 * One value of a form or query parameter, or undefined when it is absent or empty (RFC 6749
 * §3.1: empty means omitted). A parameter sent twice arrives as an array: RFC 6749 §3.1 and
 * §3.2 forbid that, and `repeated` makes the error the caller's endpoint reports.
 */
export function singleParam(
  params: Readonly<Record<string, unknown>>,
  name: string,
  repeated: (name: string) => Error,
): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw repeated(name);
  return value;
}

/** One parameter of a token, revocation or introspection request (errors name the field). */
export function formParam(body: FormBody, name: string): string | undefined {
  return singleParam(body, name, (field) => new InvalidField(field, 'must be sent once'));
}

export function requiredFormParam(body: FormBody, name: string): string {
  const value = formParam(body, name);
  if (value === undefined) throw new InvalidField(name, 'is required');
  return value;
}

import { type AppRow, findAppForClientAuth } from '../apps/repo.js';
import { clientSecretMatches } from '../apps/secrets.js';
import type { HotReads } from '../storage/hot-reads.js';
import { InvalidField } from '../errors/platform.js';
import { InvalidClient } from '../errors/oauth.js';
import { type FormBody, formParam } from './form.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Who the client says it is and how it proves it; read before anything is changed. */
export interface ClientCredentials {
  method: ClientAuthMethod;
  clientId: string;
  /** absent for `none` */
  secret: string | undefined;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function formDecode(value: string): string {
  // most credentials (UUIDs, hex secrets) have nothing encoded
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClient('The Basic credentials are not form-urlencoded.');
  }
}

export function basicCredentials(header: string): { clientId: string; secret: string } | undefined {
  const match = /^basic(?:\s+(.*))?$/i.exec(header.trim());
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw new InvalidClient('The Basic credentials are malformed.');
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

/**
 * Reads the client's credentials from a standard (form) request: HTTP Basic, or
 * client_id and client_secret in the body, or client_id alone for a public app.
 * Using Basic and a body secret together is refused (RFC 6749 §2.3).
 */
export function readClientCredentials(authorization: string | undefined, body: FormBody): ClientCredentials {
  const bodyClientId = formParam(body, 'client_id');
  const bodySecret = formParam(body, 'client_secret');
  // other schemes (Mixin's SDKs send an empty Bearer) do not authenticate a client here
  const basic = authorization ? basicCredentials(authorization) : undefined;
  if (basic) {
    if (bodySecret !== undefined)
      throw new InvalidField('client_secret', 'use one client authentication method, not two');
    if (bodyClientId !== undefined && bodyClientId !== basic.clientId)
      throw new InvalidField('client_id', 'differs from the Basic credentials');
    return { method: 'client_secret_basic', clientId: basic.clientId, secret: basic.secret };
  }
  if (bodyClientId === undefined) {
    if (bodySecret !== undefined) throw new InvalidField('client_id', 'is required with client_secret');
    throw new InvalidClient('Client authentication is required.');
  }
  return bodySecret !== undefined
    ? { method: 'client_secret_post', clientId: bodyClientId, secret: bodySecret }
    : { method: 'none', clientId: bodyClientId, secret: undefined };
}

/** Checks the credentials against the app: a secret for confidential apps, none for public ones. */
export function verifyClient(app: AppRow | undefined, credentials: ClientCredentials): AppRow {
  if (!app) throw new InvalidClient('Unknown client.');
  if (credentials.method === 'none') {
    if (app.type !== 'public') throw new InvalidClient('This client must authenticate with its secret.');
    return app;
  }
  // a public app has no secret, so any secret it sends fails here
  if (credentials.secret === undefined || !clientSecretMatches(app.secret_hash, credentials.secret)) {
    throw new InvalidClient('Client authentication failed.');
  }
  return app;
}

export async function authenticateClient(hot: HotReads, credentials: ClientCredentials): Promise<AppRow> {
  return verifyClient(await findAppForClientAuth(hot, credentials.clientId), credentials);
}

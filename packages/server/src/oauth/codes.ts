import { randomUUID } from 'node:crypto';
import { formatScopes } from '@signet/protocol';
import type { RedirectUriMatch } from '../apps/redirects.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { newOpaqueToken, sha256Hex } from '../tokens/opaque.js';
import { type CodeRow, findCode, insertCode, spendCode } from './codes-repo.js';

export type { CodeRow };

export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface CodeRequest {
  clientId: string;
  userId: string;
  /** the redirect URI the code will be delivered to */
  redirectUri: string;
  /** how authorize allowed it: registered, or only by a host pattern */
  redirectUriMatch: RedirectUriMatch;
  /** what /oauth/authorize received (undefined when the request named none) */
  redirectUriSent: string | undefined;
  /** S256 challenge, if any */
  codeChallenge: string | undefined;
  scopes: readonly string[];
  /** the authorization id to use (the QR flow fixes it in advance) */
  authorizationId?: string;
}

/** Issues a single-use code (256 random bits) bound to app, user, redirect URI (and how it was allowed), challenge and scopes. */
export async function issueCode(
  deps: { db: Db; clock: Clock },
  request: CodeRequest,
): Promise<{ code: string; authorizationId: string }> {
  const code = newOpaqueToken(32);
  const now = deps.clock.now();
  const authorizationId = request.authorizationId ?? randomUUID();
  await insertCode(deps.db, {
    code_hash: sha256Hex(code),
    authorization_id: authorizationId,
    client_id: request.clientId,
    user_id: request.userId,
    redirect_uri_sent: request.redirectUriSent ?? null,
    redirect_uri: request.redirectUri,
    redirect_uri_match: request.redirectUriMatch,
    code_challenge: request.codeChallenge ?? null,
    scopes: formatScopes(request.scopes),
    created_at: now,
    expires_at: now + CODE_LIFETIME_MS,
    used_at: null,
  });
  return { code, authorizationId };
}

export type ConsumeResult =
  | { status: 'consumed'; row: CodeRow }
  | { status: 'expired'; row: CodeRow }
  | { status: 'replayed'; row: CodeRow }
  | { status: 'unknown' };

/**
 * Marks the code used with one conditional write; the affected row decides. Exactly one
 * concurrent caller sees `consumed`; later ones see `replayed` (and must revoke what the
 * code issued). An expired code is consumed too, so it can never be retried.
 */
export async function consumeCode(deps: { db: Db; clock: Clock }, code: string): Promise<ConsumeResult> {
  const now = deps.clock.now();
  const codeHash = sha256Hex(code);
  const row = await spendCode(deps.db, codeHash, now);
  if (row) return row.expires_at > now ? { status: 'consumed', row } : { status: 'expired', row };
  const spent = await findCode(deps.db, codeHash);
  return spent ? { status: 'replayed', row: spent } : { status: 'unknown' };
}

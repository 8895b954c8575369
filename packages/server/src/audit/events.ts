/**
 * The security events Signet records (README "Audit log"). Names are `subject.what`,
 * stable: the CLI filters on them and operators' alerts match them.
 */
export const AUDIT_EVENT_TYPES = [
  'signin.succeeded',
  'signin.failed',
  'signout',
  'consent.granted',
  'consent.denied',
  /** a user (account page, POST /oauth/cancel) or a client (POST /oauth/revoke) ended access */
  'authorization.revoked',
  /** a spent refresh token came back: its authorization is revoked */
  'refresh_token.reused',
  /** a spent authorization code came back: what it gave is revoked */
  'authorization_code.replayed',
  'app.created',
  'app.deleted',
  'app.secret_rotated',
  'keystore.created',
  'keystore.revoked',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export function isAuditEventType(value: string): value is AuditEventType {
  return (AUDIT_EVENT_TYPES as readonly string[]).includes(value);
}

/** Where a change was asked for, when several places can ask for it. */
export type AuditVia =
  | 'dashboard'
  | 'cli'
  | 'account'
  | 'api'
  | 'authorize'
  | 'device'
  | 'oauth_revoke'
  | 'token_exchange';

/** Flat and small on purpose: ids, reasons, scope names. Never a password, secret or token. */
export type AuditDetail = Record<string, string | number | boolean | null | readonly string[]>;

export interface AuditEvent {
  type: AuditEventType;
  /** the user the event concerns: who signed in, granted or revoked; whose app, keystore or authorization */
  userId?: string | null | undefined;
  clientId?: string | null | undefined;
  authorizationId?: string | null | undefined;
  ip?: string | null | undefined;
  detail?: AuditDetail | undefined;
}

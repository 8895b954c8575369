import type { TokenAnswer } from '@signet/protocol';
import type { AuditSource } from '../../audit/service.js';
import type { RouteContext } from '../../context.js';
import type { FormBody } from '../form.js';

/** A standard-form token request, as the grant handlers see it (no Fastify types). */
export interface StandardTokenRequest {
  /** the Authorization header, if any */
  authorization: string | undefined;
  body: FormBody;
  /** the client's address and the request's log, for the security events a grant detects */
  source: AuditSource;
}

/** RFC 6749 §5.1, plus Signet's authorization_id and the server key when one was bound: its schema is in @signet/protocol. */
export type { TokenAnswer };

export type GrantHandler = (context: RouteContext, request: StandardTokenRequest) => Promise<TokenAnswer>;

export function expiresIn(context: Pick<RouteContext, 'clock'>, expiresAt: number): number {
  // rounded up: the milliseconds spent answering must not make a 1-hour token read 3599
  return Math.max(0, Math.ceil((expiresAt - context.clock.now()) / 1000));
}

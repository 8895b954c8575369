import type { onSendHookHandler } from 'fastify';

/**
 * HSTS (RFC 6797) for an https deployment: browsers that have seen it once go straight to
 * https for a year, so a network attacker cannot strip the first request down to http. No
 * includeSubDomains: the operator's other hosts under the same domain are not ours to pin.
 */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000';

/** onSend hook, added only when ISSUER is https, so an http deployment pays nothing per request. */
export const strictTransportSecurity: onSendHookHandler = (_request, reply, payload, done) => {
  void reply.header('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
  done(null, payload);
};

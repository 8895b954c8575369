import { ALWAYS_GRANTED_SCOPE, parseScopes } from '@signet/protocol';
import { unknownScopes, withAlwaysGranted } from '../../consent/scopes.js';
import { type AuthorizeCheck, redirectableParam } from './check.js';
import { InvalidScope } from '../../errors/oauth.js';

/** §4, §5: known scopes only, `+` separates too, PROFILE:READ always first. */
export const checkScope: AuthorizeCheck = ({ context, params, draft }) => {
  const requested = parseScopes(redirectableParam(params, 'scope'), { plusSeparates: true });
  const scopes = requested.length > 0 ? requested : [ALWAYS_GRANTED_SCOPE];
  const unknown = unknownScopes(context.scopes, scopes);
  if (unknown.length > 0) throw new InvalidScope(`Unknown scope: ${unknown.join(' ')}`);
  draft.scopes = withAlwaysGranted(scopes);
};

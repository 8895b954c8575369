/** The default scope registry (PROTOCOL.md §4). Operators may add their own. */
export const defaultScopes = {
  'PROFILE:READ': 'Read your public profile: name, avatar, identity number and biography.',
  'PHONE:READ': 'Read your phone number.',
  'ASSETS:READ': 'Read your asset balances and their transaction history.',
  'SNAPSHOTS:READ': 'Read your transaction history.',
} as const;

export const ALWAYS_GRANTED_SCOPE = 'PROFILE:READ';

/**
 * Splits a scope string. Scopes are space-separated; on /oauth/authorize `+` also
 * separates (Mixin's web clients send `PROFILE:READ+PHONE:READ`). Duplicates are dropped,
 * order is kept.
 */
export function parseScopes(value: string | undefined, { plusSeparates = false } = {}): string[] {
  if (!value) return [];
  const separator = plusSeparates ? /[\s+]+/ : /\s+/;
  return [...new Set(value.split(separator).filter((scope) => scope.length > 0))];
}

export function formatScopes(scopes: readonly string[]): string {
  return scopes.join(' ');
}

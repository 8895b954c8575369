import { ALWAYS_GRANTED_SCOPE, defaultScopes } from '@signet/protocol';

/** The scope registry: the default scopes plus any an operator adds, each with its description. */
export type ScopeRegistry = ReadonlyMap<string, string>;

export function defaultScopeRegistry(extra: Record<string, string> = {}): ScopeRegistry {
  return new Map(Object.entries({ ...defaultScopes, ...extra }));
}

/** PROFILE:READ is always granted; it leads the list. */
export function withAlwaysGranted(scopes: readonly string[]): string[] {
  return [ALWAYS_GRANTED_SCOPE, ...scopes.filter((s) => s !== ALWAYS_GRANTED_SCOPE)];
}

export function unknownScopes(registry: ScopeRegistry, scopes: readonly string[]): string[] {
  return scopes.filter((s) => !registry.has(s));
}

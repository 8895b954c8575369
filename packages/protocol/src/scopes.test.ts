import { describe, expect, it } from 'vitest';
import { parseScopes } from './scopes.js';

describe('parseScopes', () => {
  it('splits on spaces and drops duplicates', () => {
    expect(parseScopes('PROFILE:READ  ASSETS:READ PROFILE:READ')).toEqual(['PROFILE:READ', 'ASSETS:READ']);
  });
  it('treats + as a separator only where asked (authorize)', () => {
    expect(parseScopes('PROFILE:READ+PHONE:READ')).toEqual(['PROFILE:READ+PHONE:READ']);
    expect(parseScopes('PROFILE:READ+PHONE:READ', { plusSeparates: true })).toEqual(['PROFILE:READ', 'PHONE:READ']);
  });
  it('gives nothing for an empty value', () => {
    expect(parseScopes(undefined)).toEqual([]);
    expect(parseScopes('   ')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { AppRow } from '../apps/repo.js';
import { hashClientSecret } from '../apps/secrets.js';
import { readClientCredentials, verifyClient } from './client-auth.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function app(type: 'confidential' | 'public', secret?: string): AppRow {
  return {
    client_id: 'c1',
    owner_id: 'u',
    name: 'n',
    description: '',
    website: '',
    icon_url: '',
    type,
    secret_hash: secret ? hashClientSecret(secret) : null,
    redirect_uris: '[]',
    hosts: '[]',
    created_at: '',
    updated_at: '',
  };
}

describe('client authentication', () => {
  it('reads HTTP Basic, form-urlencoded inside (RFC 6749 §2.3.1)', () => {
    expect(readClientCredentials(basic('my%3Aclient', 'a+b%25c'), {})).toEqual({
      method: 'client_secret_basic',
      clientId: 'my:client',
      secret: 'a b%c',
    });
  });

  it('reads client_secret_post and none', () => {
    expect(readClientCredentials(undefined, { client_id: 'c1', client_secret: 's' })).toEqual({
      method: 'client_secret_post',
      clientId: 'c1',
      secret: 's',
    });
    expect(readClientCredentials(undefined, { client_id: 'c1' })).toEqual({
      method: 'none',
      clientId: 'c1',
      secret: undefined,
    });
    expect(readClientCredentials('Bearer ', { client_id: 'c1' }).method).toBe('none');
  });

  it('refuses two methods at once, and a body client_id that contradicts Basic', () => {
    expect(() => readClientCredentials(basic('c1', 's'), { client_secret: 's' })).toThrow(
      /one client authentication method/,
    );
    expect(() => readClientCredentials(basic('c1', 's'), { client_id: 'c2' })).toThrow(/differs/);
    expect(readClientCredentials(basic('c1', 's'), { client_id: 'c1' }).method).toBe('client_secret_basic');
  });

  it('refuses malformed Basic credentials and a request with no client at all', () => {
    expect(() => readClientCredentials('Basic bm9jb2xvbg==', {})).toThrow(
      expect.objectContaining({ oauthError: 'invalid_client' }),
    );
    expect(() => readClientCredentials(basic('c%zz', 's'), {})).toThrow(
      expect.objectContaining({ oauthError: 'invalid_client' }),
    );
    expect(() => readClientCredentials(undefined, {})).toThrow(
      expect.objectContaining({ oauthError: 'invalid_client' }),
    );
  });

  it('matches secrets for confidential apps and none for public ones only', () => {
    const credentials = (method: 'client_secret_post' | 'none', secret?: string) => ({
      method,
      clientId: 'c1',
      secret,
    });
    expect(verifyClient(app('confidential', 'right'), credentials('client_secret_post', 'right')).client_id).toBe('c1');
    expect(() => verifyClient(app('confidential', 'right'), credentials('client_secret_post', 'wrong'))).toThrow();
    expect(() => verifyClient(app('confidential', 'right'), credentials('none'))).toThrow();
    expect(verifyClient(app('public'), credentials('none')).type).toBe('public');
    expect(() => verifyClient(app('public'), credentials('client_secret_post', ''))).toThrow();
    expect(() => verifyClient(undefined, credentials('none'))).toThrow(/Unknown client/);
  });
});

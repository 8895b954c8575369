import { describe, expect, it } from 'vitest';
import { UnsealError, createSealer, isSealed } from './sealer.js';

const SECRET = 'a-keys-secret-of-at-least-32-characters';

describe('the sealer', () => {
  const sealer = createSealer(SECRET);

  it('seals into the versioned text format, a fresh IV each time, and opens again', () => {
    const sealed = sealer.seal('server_secrets:csrf_key', 'the plaintext');
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('plaintext');
    expect(sealer.seal('server_secrets:csrf_key', 'the plaintext')).not.toBe(sealed);
    expect(sealer.open('server_secrets:csrf_key', sealed)).toBe('the plaintext');
    expect(sealer.open('empty', sealer.seal('empty', ''))).toBe('');
  });

  it('opens a value only in the slot it was sealed for', () => {
    const sealed = sealer.seal('server_secrets:csrf_key', 'k');
    expect(() => sealer.open('server_secrets:ed25519_seed', sealed)).toThrow(UnsealError);
  });

  it('does not open under another secret, or once altered, and says so in one line', () => {
    const sealed = sealer.seal('slot', 'value');
    const other = createSealer(`${SECRET}-but-another`);
    expect(() => other.open('slot', sealed)).toThrow(
      'cannot open slot: it was sealed under another KEYS_SECRET, or altered',
    );
    const [version, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string];
    // the first character: all six of its bits are ciphertext (the last one's low bits may be padding, which decoding ignores)
    const flipped = `${ciphertext.startsWith('A') ? 'B' : 'A'}${ciphertext.slice(1)}`;
    expect(() => sealer.open('slot', [version, iv, flipped, tag].join('.'))).toThrow(UnsealError);
    expect(() => sealer.open('slot', 'not sealed')).toThrow(UnsealError);
  });

  it('tells a value from before sealing (hex) from a sealed one', () => {
    expect(isSealed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')).toBe(false);
  });

  it('refuses a short secret', () => {
    expect(() => createSealer('too short')).toThrow(/at least 32 characters/);
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newOpaqueToken, newTimedToken, sha256Hex, timedTokenKey } from './opaque.js';

describe('opaque secrets', () => {
  it('draws every secret fresh, across refills of the random pool', () => {
    const secrets = Array.from({ length: 2000 }, () => newOpaqueToken());
    expect(new Set(secrets).size).toBe(2000);
    for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newOpaqueToken(16)).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('hashes with SHA-256 as node:crypto does', () => {
    expect(sha256Hex('héllo')).toBe(createHash('sha256').update('héllo', 'utf8').digest('hex'));
  });
});

describe('timed tokens (access and refresh)', () => {
  it('stores a token under its issue time in hex, then its SHA-256, and finds it by the same key', () => {
    const now = Date.UTC(2026, 10, 23, 22, 0, 0, 123);
    const { token, key } = newTimedToken(now);
    expect(token).toMatch(/^[A-Za-z0-9_-]{51}$/);
    expect(key).toBe(now.toString(16).padStart(12, '0') + sha256Hex(token));
    expect(timedTokenKey(token)).toBe(key);
  });

  it('gives later tokens keys that sort after earlier ones (inserts append to the index)', () => {
    const keys = [1_000, 1_001, 2 ** 40, 2 ** 47].map((now) => newTimedToken(now).key);
    expect([...keys].sort()).toEqual(keys);
  });

  it('keys a token of any other length, as issued before, by its bare SHA-256', () => {
    const legacy = newOpaqueToken();
    expect(timedTokenKey(legacy)).toBe(sha256Hex(legacy));
  });
});

import { describe, expect, it } from 'vitest';
import {
  MATCH_CODE_LENGTH,
  STALE_AFTER_MS,
  describeAge,
  newMatchCode,
  requesterView,
  sameNetwork,
} from './requester.js';

describe('sameNetwork', () => {
  it('puts IPv4 addresses of one /24 together, and no others', () => {
    expect(sameNetwork('198.51.100.7', '198.51.100.250')).toBe(true);
    expect(sameNetwork('198.51.100.7', '198.51.101.7')).toBe(false);
    expect(sameNetwork('198.51.100.7', '203.0.113.7')).toBe(false);
  });

  it('puts IPv6 addresses of one /64 together, and no others', () => {
    expect(sameNetwork('2001:db8:1:2::1', '2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe(true);
    expect(sameNetwork('2001:db8:1:2::1', '2001:db8:1:3::1')).toBe(false);
  });

  it('reads an IPv4 address reported by a dual-stack socket as IPv4', () => {
    expect(sameNetwork('::ffff:198.51.100.7', '198.51.100.8')).toBe(true);
    expect(sameNetwork('198.51.100.7', '::ffff:198.51.100.8')).toBe(true);
  });

  it('never calls different families, unknown or unparsable addresses the same network', () => {
    expect(sameNetwork('198.51.100.7', '2001:db8::1')).toBe(false);
    expect(sameNetwork(null, '198.51.100.7')).toBe(false);
    expect(sameNetwork('not an address', 'not an address')).toBe(false);
  });
});

describe('describeAge', () => {
  it('says seconds, then minutes', () => {
    expect(describeAge(0)).toBe('a few seconds');
    expect(describeAge(9_999)).toBe('a few seconds');
    expect(describeAge(45_000)).toBe('45 seconds');
    expect(describeAge(60_000)).toBe('1 minute');
    expect(describeAge(4 * 60_000 + 59_000)).toBe('4 minutes');
  });
});

describe('newMatchCode', () => {
  it('is four symbols that cannot be misread as one another', () => {
    const codes = Array.from({ length: 200 }, () => newMatchCode());
    for (const code of codes) expect(code).toMatch(new RegExp(`^[2-9A-HJKMNP-TV-Z]{${MATCH_CODE_LENGTH}}$`));
    expect(new Set(codes).size).toBeGreaterThan(150);
  });
});

describe('requesterView', () => {
  const record = { ip: '198.51.100.7', device: 'Chrome on Windows', matchCode: 'K7F2', createdAt: 1_000_000 };

  it('warns of nothing for a fresh request from the approver’s network', () => {
    expect(requesterView(record, '198.51.100.9', record.createdAt + STALE_AFTER_MS)).toMatchObject({
      sameNetwork: true,
      warnings: [],
    });
  });

  it('warns of a request older than a minute, and of one from another network', () => {
    expect(requesterView(record, '198.51.100.9', record.createdAt + STALE_AFTER_MS + 1).warnings).toEqual(['old']);
    expect(requesterView(record, '203.0.113.9', record.createdAt).warnings).toEqual(['other_network']);
    expect(requesterView({ ...record, ip: null }, '198.51.100.9', record.createdAt).warnings).toEqual([
      'other_network',
    ]);
  });
});

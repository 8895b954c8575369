import { describe, expect, it } from 'vitest';
import { addressSubject } from './address-subject.js';

describe('addressSubject', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(addressSubject('192.0.2.7')).toBe('192.0.2.7');
  });

  it('counts every IPv6 address of one /64 as one subject, whatever its spelling', () => {
    const subject = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd',
      '2001:DB8:1:2:ffff::',
      '2001:db8:1:2::5%eth0',
      '2001:db8:1:2:0:0:192.0.2.1',
    ]) {
      expect(addressSubject(address), address).toBe(subject);
    }
    expect(addressSubject('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressSubject('::1')).toBe('0:0:0:0::/64');
    expect(addressSubject('fe80::1')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', () => {
    expect(addressSubject('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressSubject('::ffff:c000:0207')).toBe('192.0.2.7');
  });

  it('leaves anything else (a test harness name, say) as it is', () => {
    expect(addressSubject('unknown')).toBe('unknown');
  });
});

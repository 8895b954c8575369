import { isIPv4, isIPv6 } from 'node:net';

/**
 * The subject a per-address limit counts under. An IPv6 host usually holds a whole /64
 * (RFC 7421) and can pick a fresh address from it for every request, so IPv6 addresses
 * count by their /64; an IPv4-mapped address counts as the IPv4 address it is.
 */
export function addressSubject(address: string): string {
  if (isIPv4(address) || !isIPv6(address)) return address;
  const groups = expandIPv6(address);
  const [high = 0, low = 0] = groups.slice(6);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::`, an embedded IPv4 tail, or a zone). */
function expandIPv6(address: string): number[] {
  const [plain = ''] = address.split('%');
  const [head = '', tail] = plain.split('::');
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [Number.parseInt(group, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

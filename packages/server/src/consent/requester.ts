import { randomInt } from 'node:crypto';
import { BlockList, isIP } from 'node:net';

/*
 * Where and when a pending device request was opened, for the person approving it
 * (PROTOCOL.md §6, after draft-ietf-oauth-cross-device-security): an attacker can open an
 * authorize page and send its QR code to a victim, so the approval page says which device
 * and address asked, how long ago, and shows a short code that the waiting page shows too.
 */

/** What is stored with a pending request. `ip` and `matchCode` are null for a request opened before they were recorded. */
export interface RequesterRecord {
  ip: string | null;
  device: string;
  matchCode: string | null;
  createdAt: number;
}

/** A request opened longer ago than this is unusual for someone standing at both screens: the page warns. */
export const STALE_AFTER_MS = 60_000;

// Crockford's base32 without 0 and 1: no 0/O, 1/I/L pair to misread. 30 symbols; 4 make 810,000 codes.
const MATCH_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const MATCH_CODE_LENGTH = 4;

/** A fresh random code for a person to compare across two screens at a glance (not a secret: both screens show it). */
export function newMatchCode(): string {
  let code = '';
  for (let i = 0; i < MATCH_CODE_LENGTH; i++) code += MATCH_CODE_ALPHABET[randomInt(MATCH_CODE_ALPHABET.length)];
  return code;
}

function normalise(ip: string): { address: string; family: 'ipv4' | 'ipv6' } | undefined {
  // a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
  const address = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const version = isIP(address);
  return version === 0 ? undefined : { address, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * Whether two addresses are on the same network, by the usual size of one site: the same
 * IPv4 /24 or the same IPv6 /64. Unknown or unparsable addresses never are.
 */
export function sameNetwork(a: string | null, b: string | null): boolean {
  const left = a === null ? undefined : normalise(a);
  const right = b === null ? undefined : normalise(b);
  if (!left || !right || left.family !== right.family) return false;
  const network = new BlockList();
  network.addSubnet(left.address, left.family === 'ipv4' ? 24 : 64, left.family);
  return network.check(right.address, right.family);
}

/** "a few seconds", "45 seconds", "1 minute", "4 minutes". */
export function describeAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 10) return 'a few seconds';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** old: opened more than STALE_AFTER_MS ago; other_network: not on the approver's network (sameNetwork). */
export const REQUESTER_WARNINGS = ['old', 'other_network'] as const;
export type RequesterWarning = (typeof REQUESTER_WARNINGS)[number];

/** The requester as the approving device sees it: the record, its age, and what looks wrong. */
export interface RequesterView extends RequesterRecord {
  ageMs: number;
  sameNetwork: boolean;
  warnings: RequesterWarning[];
}

export function requesterView(record: RequesterRecord, approverIp: string, now: number): RequesterView {
  const ageMs = now - record.createdAt;
  const same = sameNetwork(record.ip, approverIp);
  const warnings: RequesterWarning[] = [];
  if (ageMs > STALE_AFTER_MS) warnings.push('old');
  if (!same) warnings.push('other_network');
  return { ...record, ageMs, sameNetwork: same, warnings };
}

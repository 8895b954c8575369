import { InvalidField } from '../errors/platform.js';
import type { ChangeStores } from '../storage/transaction.js';
import { updateProfileRow } from './repo.js';
import { validateFullName, validatePhone } from './validation.js';

/**
 * Mixin caps a biography at 140 characters (as a short status line); Signet keeps that
 * so a profile shown by a Mixin client never needs truncating.
 */
export const MAX_BIOGRAPHY = 140;
// long enough for any real CDN URL, short enough that a page of users stays small
export const MAX_AVATAR_URL = 1024;

/** What the account page's profile form sends, as typed (kept on a refused form). */
export interface ProfileInput {
  full_name: string;
  avatar_url: string;
  biography: string;
  phone: string;
}

export type ProfileField = keyof ProfileInput;

export interface ProfileUpdate {
  full_name: string;
  avatar_url: string;
  biography: string;
  phone: string | null;
}

/** An avatar is shown by other people's browsers: only https, no credentials in it. */
function validateAvatarUrl(value: string): string {
  if (value === '') return '';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidField('avatar_url', 'must be an https URL');
  }
  if (url.protocol !== 'https:' || url.username || url.password)
    throw new InvalidField('avatar_url', 'must be an https URL');
  if (value.length > MAX_AVATAR_URL)
    throw new InvalidField('avatar_url', `must be at most ${MAX_AVATAR_URL} characters`);
  return url.href;
}

function validateBiography(value: string): string {
  // newlines are fine in a biography; other control characters only confuse displays
  if ([...value].length > MAX_BIOGRAPHY)
    throw new InvalidField('biography', `must be at most ${MAX_BIOGRAPHY} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/.test(value))
    throw new InvalidField('biography', 'must be printable text');
  return value.replace(/\r\n/g, '\n');
}

/** Checks every field; throws InvalidField naming the first one at fault. */
export function validateProfile(input: ProfileInput): ProfileUpdate {
  const phone = input.phone.trim();
  return {
    full_name: validateFullName(input.full_name),
    avatar_url: validateAvatarUrl(input.avatar_url.trim()),
    biography: validateBiography(input.biography.trim()),
    phone: phone === '' ? null : validatePhone(phone),
  };
}

export async function updateProfile(deps: ChangeStores, userId: string, update: ProfileUpdate): Promise<void> {
  await updateProfileRow(deps, userId, update);
}

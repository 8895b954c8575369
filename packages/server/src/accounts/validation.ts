import { InvalidField } from '../errors/platform.js';

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
const PHONE = /^\+[0-9]{8,15}$/;
const MAX_PASSWORD = 1024; // argon2 input is unbounded; a cap keeps hashing cheap to refuse

/** Could this be someone's username? (The audit log keeps a refused name only if so.) */
export function isUsername(value: string): boolean {
  return USERNAME.test(value);
}

export function validateUsername(username: string): string {
  if (!isUsername(username)) {
    throw new InvalidField('username', 'must be 3 to 32 characters of a-z, 0-9, _ . -');
  }
  return username;
}

export function validatePassword(password: string): string {
  if ([...password].length < 8) throw new InvalidField('password', 'must be at least 8 characters');
  if (password.length > MAX_PASSWORD) throw new InvalidField('password', `must be at most ${MAX_PASSWORD} characters`);
  return password;
}

export function validateFullName(fullName: string): string {
  const trimmed = fullName.trim();
  const length = [...trimmed].length;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (length < 1 || length > 64 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new InvalidField('full_name', 'must be 1 to 64 printable characters');
  }
  return trimmed;
}

export function validatePhone(phone: string): string {
  if (!PHONE.test(phone)) throw new InvalidField('phone', 'must be E.164: + and 8 to 15 digits');
  return phone;
}

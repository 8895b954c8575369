import { isUuid } from '@signet/protocol';
import { randomUUID } from 'node:crypto';
import { FieldConflict, NotFound } from '../errors/platform.js';
import { isUniqueViolation } from '../storage/dialect.js';
import type { Clock } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { type UserRow, findUserById, findUserByUsername, insertUser, nextIdentityNumber } from './repo.js';
import { validateFullName, validatePassword, validatePhone, validateUsername } from './validation.js';

export interface AccountsDeps {
  db: Db;
  clock: Clock;
}

export interface NewUser {
  username: string;
  password: string;
  fullName?: string | undefined;
  phone?: string | undefined;
}

/** The user as the CLI and the account API show it (never the password hash). */
export interface UserView {
  user_id: string;
  identity_number: string;
  username: string | null;
  full_name: string;
  phone: string;
  avatar_url: string;
  biography: string;
  created_at: string;
}

export function toUserView(row: UserRow): UserView {
  return {
    user_id: row.user_id,
    identity_number: row.identity_number,
    username: row.username,
    full_name: row.full_name,
    phone: row.phone ?? '',
    avatar_url: row.avatar_url,
    biography: row.biography,
    created_at: row.created_at,
  };
}

export async function createUser(deps: AccountsDeps, input: NewUser): Promise<UserRow> {
  const username = validateUsername(input.username);
  const password = validatePassword(input.password);
  const fullName = validateFullName(input.fullName ?? username);
  const phone = input.phone ? validatePhone(input.phone) : null;
  // hashing is slow: do it before taking the counter lock
  const passwordHash = await hashPassword(password);
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const row: UserRow = {
        user_id: randomUUID(),
        kind: 'user',
        identity_number: await nextIdentityNumber(trx),
        username,
        username_key: username.toLowerCase(),
        password_hash: passwordHash,
        full_name: fullName,
        phone,
        avatar_url: '',
        biography: '',
        created_at: new Date(deps.clock.now()).toISOString(),
      };
      await insertUser(trx, row);
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new FieldConflict('username', 'is already taken');
    throw error;
  }
}

/** Creates the bot user an app acts as (its user_id is the app's client_id), inside the caller's transaction. */
export async function insertBotUser(trx: Db, clock: Clock, userId: string, fullName: string): Promise<UserRow> {
  const row: UserRow = {
    user_id: userId,
    kind: 'bot',
    identity_number: await nextIdentityNumber(trx),
    username: null,
    username_key: null,
    password_hash: null,
    full_name: fullName,
    phone: null,
    avatar_url: '',
    biography: '',
    created_at: new Date(clock.now()).toISOString(),
  };
  await insertUser(trx, row);
  return row;
}

/** Is this a user_id rather than a username? (Usernames cannot be 36 characters long.) */
export function isUserId(value: string): boolean {
  return isUuid(value);
}

/** A username or a user_id, as the CLI's --owner and --user take them. */
export async function findUser(deps: Pick<AccountsDeps, 'db'>, usernameOrId: string): Promise<UserRow> {
  const row = isUserId(usernameOrId)
    ? await findUserById(deps.db, usernameOrId.toLowerCase())
    : await findUserByUsername(deps.db, usernameOrId);
  if (!row) throw new NotFound(`User ${usernameOrId} not found.`);
  return row;
}

// Longer input is never a valid account: refusing it before argon2 keeps refusals cheap.
const MAX_USERNAME = 64;
const MAX_PASSWORD = 1024;

/** A password check's answer; the reason is for the audit log only, never for the person signing in. */
export type CredentialCheck =
  | { ok: true; user: UserRow }
  | { ok: false; reason: 'unknown_user' | 'wrong_password'; user: UserRow | undefined };

/** Checks a password; a user without one (a bot) never matches. */
export async function verifyCredentials(
  deps: Pick<AccountsDeps, 'db'>,
  username: string,
  password: string,
): Promise<CredentialCheck> {
  const checkable = username.length <= MAX_USERNAME && password.length <= MAX_PASSWORD;
  const row = username.length <= MAX_USERNAME ? await findUserByUsername(deps.db, username) : undefined;
  // an unknown name costs the same argon2 work as a known one: timing must not tell which names exist
  const matches = checkable && (await verifyPassword(row?.password_hash ?? (await dummyHash()), password));
  if (row?.password_hash && matches) return { ok: true, user: row };
  return row?.password_hash
    ? { ok: false, reason: 'wrong_password', user: row }
    : { ok: false, reason: 'unknown_user', user: undefined };
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomUUID());
  return dummy;
}

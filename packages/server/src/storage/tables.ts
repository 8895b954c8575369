import type { Generated, Kysely } from 'kysely';

/** Timestamps that people read are ISO 8601 UTC text; expiry instants are epoch milliseconds. */
export interface UsersTable {
  user_id: string;
  kind: 'user' | 'bot';
  identity_number: string;
  username: string | null;
  /** lower-cased username: uniqueness ignores case. */
  username_key: string | null;
  password_hash: string | null;
  full_name: string;
  phone: string | null;
  avatar_url: string;
  biography: string;
  created_at: string;
}

export interface CountersTable {
  name: string;
  value: number;
}

export interface AppsTable {
  client_id: string;
  owner_id: string;
  name: string;
  description: string;
  website: string;
  icon_url: string;
  type: 'confidential' | 'public';
  /** SHA-256 hex of the client secret; null for public apps. */
  secret_hash: string | null;
  /** JSON array of strings. */
  redirect_uris: string;
  /** JSON array of host patterns. */
  hosts: string;
  created_at: string;
  updated_at: string;
}

export interface KvTable {
  key: string;
  value: string;
  expires_at: number;
}

export interface KvMessagesTable {
  id: Generated<number>;
  channel: string;
  message: string;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  counters: CountersTable;
  apps: AppsTable;
  kv: KvTable;
  kv_messages: KvMessagesTable;
}

export type Db = Kysely<Database>;

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

/** The replay cache of request-signed tokens: each spent `jti`, as its 16 bytes. */
export interface SpentRequestIdsTable {
  id: Buffer;
  /** epoch milliseconds: past it, the id may be taken again (its token is refused as too old by then) */
  expires_at: number;
}

export interface KvMessagesTable {
  id: Generated<number>;
  channel: string;
  message: string;
  created_at: number;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

export interface WebSessionsTable {
  session_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
}

export interface KeySessionsTable {
  session_id: string;
  user_id: string;
  /** hex of the raw 32-byte ed25519 public key */
  public_key: string;
  created_at: string;
  revoked_at: number | null;
}

export interface GrantsTable {
  user_id: string;
  client_id: string;
  /** space-separated */
  scopes: string;
  created_at: string;
  updated_at: string;
}

export interface AuthorizationsTable {
  authorization_id: string;
  user_id: string;
  client_id: string;
  /** space-separated: the scopes of the code this authorization came from */
  scopes: string;
  /** hex of the client's raw ed25519 public key, when one was bound */
  ed25519_public_key: string | null;
  created_at: string;
  accessed_at: string | null;
  expires_at: number;
  revoked_at: number | null;
  /** a service login (token exchange): the keystore session that signed the subject token; it ends with that session */
  key_session_id: string | null;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  authorization_id: string;
  client_id: string;
  user_id: string;
  redirect_uri_sent: string | null;
  redirect_uri: string;
  /**
   * how authorize allowed `redirect_uri` (PROTOCOL.md §2): `exact` when the app registered
   * it (a loopback URI on another port included), `host_pattern` when only a host pattern
   * allowed it. Redeeming a `host_pattern` code takes that URI and, for a confidential app,
   * the secret.
   */
  redirect_uri_match: 'exact' | 'host_pattern';
  /** always S256 (Mixin's SHA256 alias is stored as S256); null when none was sent */
  code_challenge: string | null;
  scopes: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AccessTokensTable {
  /** the token's key: its issue time in hex, then its SHA-256 (tokens/opaque.ts); older tokens: the SHA-256 alone */
  token_hash: string;
  client_id: string;
  user_id: string;
  authorization_id: string | null;
  scopes: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface RefreshTokensTable {
  /** as access_tokens.token_hash */
  token_hash: string;
  authorization_id: string;
  client_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface DeviceRequestsTable {
  authorization_id: string;
  code_id: string;
  client_id: string;
  request: string;
  browser_hash: string;
  status: 'pending' | 'approved' | 'denied';
  user_id: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  /** the waiting browser's address; null for a request opened before it was recorded */
  requester_ip: string | null;
  /** describeUserAgent of the waiting browser ("Chrome on Windows") */
  requester_device: string | null;
  /** the short code both screens show (consent/requester.ts) */
  match_code: string | null;
}

/** Amounts are canonical decimal strings (ledger/decimal.ts); arithmetic never uses floats. */
export interface AssetsTable {
  asset_id: string;
  symbol: string;
  /** upper-cased symbol: uniqueness ignores case. */
  symbol_key: string;
  name: string;
  icon_url: string;
  chain_id: string;
  /** decimal places an amount of this asset may have */
  precision: number;
  created_at: string;
}

export interface BalancesTable {
  user_id: string;
  asset_id: string;
  amount: string;
  updated_at: string;
}

export interface SnapshotsTable {
  snapshot_id: string;
  /** insertion order: breaks ties between equal created_at */
  seq: Generated<number>;
  user_id: string;
  asset_id: string;
  /** negative for money leaving the account */
  amount: string;
  opening_balance: string;
  closing_balance: string;
  /** null for a deposit */
  opponent_id: string | null;
  trace_id: string;
  memo: string;
  type: 'deposit' | 'transfer';
  /** ISO 8601 with milliseconds */
  created_at: string;
}

/** An uploaded app logo; its type was decided from the bytes, never from the upload's claim. */
export interface AppLogosTable {
  client_id: string;
  content_type: 'image/png' | 'image/jpeg' | 'image/webp';
  bytes: Buffer;
  updated_at: string;
}

/** One security event (audit/events.ts lists the types). */
export interface AuditEventsTable {
  event_id: Generated<number>;
  /** epoch milliseconds */
  created_at: number;
  type: string;
  /** the user the event concerns: who signed in, granted or revoked; whose app, keystore or authorization */
  user_id: string | null;
  client_id: string | null;
  authorization_id: string | null;
  /** the client address as the server saw it (TRUST_PROXY decides); null from the CLI */
  ip: string | null;
  /** a small JSON object; never a password, secret or token */
  detail: string;
}

export interface Database {
  users: UsersTable;
  counters: CountersTable;
  apps: AppsTable;
  kv: KvTable;
  kv_messages: KvMessagesTable;
  spent_request_ids: SpentRequestIdsTable;
  server_secrets: ServerSecretsTable;
  web_sessions: WebSessionsTable;
  key_sessions: KeySessionsTable;
  grants: GrantsTable;
  authorizations: AuthorizationsTable;
  authorization_codes: AuthorizationCodesTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  device_requests: DeviceRequestsTable;
  assets: AssetsTable;
  balances: BalancesTable;
  snapshots: SnapshotsTable;
  app_logos: AppLogosTable;
  audit_events: AuditEventsTable;
}

export type Db = Kysely<Database>;

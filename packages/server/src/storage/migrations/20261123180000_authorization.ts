import type { Kysely } from 'kysely';

// Frozen: never edit once landed. Add a new timestamped file instead.
// Migrations see the schema as it was then, so they are deliberately untyped.
type AnyDb = Kysely<any>;

// Instants that code compares (expiry, use, revocation) are epoch milliseconds (bigint);
// instants shown to people are ISO 8601 text, as in the first migration.
export async function up(db: AnyDb): Promise<void> {
  // Secrets generated on first use and shared by every instance (CSRF key, server signing key).
  await db.schema
    .createTable('server_secrets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Signed-in browsers; the cookie holds a random id, the table its SHA-256.
  await db.schema
    .createTable('web_sessions')
    .addColumn('session_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_sessions_user_id').on('web_sessions').column('user_id').execute();

  // Keystore sessions: ed25519 public keys a user (or an app's bot user) signs requests with.
  await db.schema
    .createTable('key_sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('key_sessions_user_id').on('key_sessions').column('user_id').execute();

  // One consent grant per (user, app): the scopes the user approved.
  await db.schema
    .createTable('grants')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.client_id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('grants_pk', ['user_id', 'client_id'])
    .execute();
  await db.schema.createIndex('grants_client_id').on('grants').column('client_id').execute();

  // One authorization per code redemption (per device), under the grant.
  await db.schema
    .createTable('authorizations')
    .addColumn('authorization_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.client_id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('ed25519_public_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('accessed_at', 'text')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('authorizations_user_client')
    .on('authorizations')
    .columns(['user_id', 'client_id'])
    .execute();
  await db.schema.createIndex('authorizations_client_id').on('authorizations').column('client_id').execute();

  await db.schema
    .createTable('authorization_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    // the id the authorization will have once the code is redeemed
    .addColumn('authorization_id', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.client_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    // as sent to /oauth/authorize (null when the request named none) and as used
    .addColumn('redirect_uri_sent', 'text')
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('authorization_codes_expires_at')
    .on('authorization_codes')
    .column('expires_at')
    .execute();

  await db.schema
    .createTable('access_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.client_id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.user_id').onDelete('cascade'))
    // null for client-credentials tokens, which act as the app's bot user
    .addColumn('authorization_id', 'text', (c) => c.references('authorizations.authorization_id').onDelete('cascade'))
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('access_tokens_authorization_id')
    .on('access_tokens')
    .column('authorization_id')
    .execute();
  await db.schema.createIndex('access_tokens_expires_at').on('access_tokens').column('expires_at').execute();

  await db.schema
    .createTable('refresh_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('authorization_id', 'text', (c) =>
      c.notNull().references('authorizations.authorization_id').onDelete('cascade'),
    )
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('refresh_tokens_authorization_id')
    .on('refresh_tokens')
    .column('authorization_id')
    .execute();

  // Pending approvals from a device (QR flow): the waiting browser and the request it made.
  await db.schema
    .createTable('device_requests')
    .addColumn('authorization_id', 'text', (c) => c.primaryKey())
    .addColumn('code_id', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.client_id').onDelete('cascade'))
    // JSON of the validated authorize request (redirect URI, state, scopes, challenge, ...)
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    'device_requests',
    'refresh_tokens',
    'access_tokens',
    'authorization_codes',
    'authorizations',
    'grants',
    'key_sessions',
    'web_sessions',
    'server_secrets',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

import { randomUUID } from 'node:crypto';
import { insertBotUser } from '../accounts/service.js';
import { deleteUser, setFullName } from '../accounts/repo.js';
import { type AuditOrigin, recordChange } from '../audit/service.js';
import { InvalidField, NotFound } from '../errors/platform.js';
import type { HotReads } from '../storage/hot-reads.js';
import type { Clock, Kv } from '../storage/kv/types.js';
import type { Db } from '../storage/tables.js';
import { runInTransaction } from '../storage/transaction.js';
import * as repo from './repo.js';
import type { AppRow } from './repo.js';
import { hashClientSecret, newClientSecret } from './secrets.js';
import {
  validateAppName,
  validateDescription,
  validateHostPatterns,
  validateIconUrl,
  validateRedirectUris,
  validateWebsite,
} from './validation.js';

export interface AppsDeps {
  db: Db;
  clock: Clock;
  /** the storage's hot reads, and the kv a change to an app is announced on, so every instance's cached client lookups forget it */
  hot: HotReads;
  kv: Kv;
}

export type AppType = 'confidential' | 'public';

export interface AppFields {
  name: string;
  description?: string | undefined;
  website?: string | undefined;
  iconUrl?: string | undefined;
  redirectUris?: string[] | undefined;
  hosts?: string[] | undefined;
}

export interface NewApp extends AppFields {
  ownerId: string;
  type?: AppType | undefined;
}

/** An app as the CLI and API show it; `client_secret` only right after creation or rotation. */
export interface AppView {
  client_id: string;
  app_id: string;
  owner_id: string;
  name: string;
  description: string;
  website: string;
  icon_url: string;
  type: AppType;
  redirect_uris: string[];
  hosts: string[];
  created_at: string;
  updated_at: string;
  client_secret?: string;
}

export function redirectUrisOf(row: Pick<AppRow, 'redirect_uris'>): string[] {
  return JSON.parse(row.redirect_uris) as string[];
}

export function hostsOf(row: Pick<AppRow, 'hosts'>): string[] {
  return JSON.parse(row.hosts) as string[];
}

export function toAppView(row: AppRow, clientSecret?: string): AppView {
  return {
    client_id: row.client_id,
    app_id: row.client_id,
    owner_id: row.owner_id,
    name: row.name,
    description: row.description,
    website: row.website,
    icon_url: row.icon_url,
    type: row.type,
    redirect_uris: redirectUrisOf(row),
    hosts: hostsOf(row),
    created_at: row.created_at,
    updated_at: row.updated_at,
    ...(clientSecret ? { client_secret: clientSecret } : {}),
  };
}

/** Every field is validated before anything is written, so a refusal stores nothing. */
function validateFields(fields: Partial<AppFields>): Partial<AppRow> {
  const row: Partial<AppRow> = {};
  if (fields.name !== undefined) row.name = validateAppName(fields.name);
  if (fields.description !== undefined) row.description = validateDescription(fields.description);
  if (fields.website !== undefined) row.website = validateWebsite(fields.website);
  if (fields.iconUrl !== undefined) row.icon_url = validateIconUrl(fields.iconUrl);
  if (fields.redirectUris !== undefined) row.redirect_uris = JSON.stringify(validateRedirectUris(fields.redirectUris));
  if (fields.hosts !== undefined) row.hosts = JSON.stringify(validateHostPatterns(fields.hosts));
  return row;
}

/** Every app change below is recorded in its own transaction (audit/service.ts). */
export async function createApp(
  deps: Pick<AppsDeps, 'db' | 'clock'>,
  input: NewApp,
  origin: AuditOrigin = {},
): Promise<{ app: AppRow; clientSecret?: string }> {
  const fields = validateFields({ description: '', website: '', iconUrl: '', redirectUris: [], hosts: [], ...input });
  const type: AppType = input.type ?? 'confidential';
  const clientSecret = type === 'confidential' ? newClientSecret() : undefined;
  const now = new Date(deps.clock.now()).toISOString();
  const clientId = randomUUID();
  const app: AppRow = {
    client_id: clientId,
    owner_id: input.ownerId,
    name: fields.name ?? '',
    description: fields.description ?? '',
    website: fields.website ?? '',
    icon_url: fields.icon_url ?? '',
    type,
    secret_hash: clientSecret ? hashClientSecret(clientSecret) : null,
    redirect_uris: fields.redirect_uris ?? '[]',
    hosts: fields.hosts ?? '[]',
    created_at: now,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    // Mixin apps are bots: the app acts as a user whose user_id is its client_id.
    await insertBotUser(trx, deps.clock, clientId, app.name);
    await repo.insertApp(trx, app);
    const event = {
      type: 'app.created',
      userId: app.owner_id,
      clientId,
      detail: { name: app.name, app_type: type },
    } as const;
    await recordChange({ db: trx, clock: deps.clock }, event, origin);
  });
  return clientSecret ? { app, clientSecret } : { app };
}

export async function getApp(deps: Pick<AppsDeps, 'db'>, clientId: string): Promise<AppRow> {
  const app = await repo.findApp(deps.db, clientId);
  if (!app) throw new NotFound(`App ${clientId} not found.`);
  return app;
}

export function listApps(deps: Pick<AppsDeps, 'db'>, ownerId?: string): Promise<AppRow[]> {
  return repo.listApps(deps.db, ownerId);
}

export async function updateApp(deps: AppsDeps, clientId: string, changes: Partial<AppFields>): Promise<AppRow> {
  const fields = validateFields(changes);
  await runInTransaction(deps, async (tx) => {
    const updated = await repo.updateApp(tx, clientId, {
      ...fields,
      updated_at: new Date(deps.clock.now()).toISOString(),
    });
    if (!updated) throw new NotFound(`App ${clientId} not found.`);
    // the bot user carries the app's name
    if (fields.name !== undefined) await setFullName(tx, clientId, fields.name);
  });
  return getApp(deps, clientId);
}

/** A new secret replaces the old one at once; public apps have none to rotate. */
export async function rotateSecret(
  deps: AppsDeps,
  clientId: string,
  origin: AuditOrigin = {},
): Promise<{ app: AppRow; clientSecret: string }> {
  const app = await getApp(deps, clientId);
  if (app.type === 'public') throw new InvalidField('type', 'a public app has no client secret to rotate');
  const clientSecret = newClientSecret();
  await runInTransaction(deps, async (tx) => {
    await repo.updateApp(tx, clientId, {
      secret_hash: hashClientSecret(clientSecret),
      updated_at: new Date(deps.clock.now()).toISOString(),
    });
    await recordChange(
      { db: tx.db, clock: deps.clock },
      { type: 'app.secret_rotated', userId: app.owner_id, clientId },
      origin,
    );
  });
  return { app: await getApp(deps, clientId), clientSecret };
}

export async function deleteApp(deps: AppsDeps, clientId: string, origin: AuditOrigin = {}): Promise<void> {
  // its authorizations and tokens go with it: their cached reads are tagged with the app
  await runInTransaction(deps, async (tx) => {
    const deleted = await repo.deleteApp(tx, clientId);
    if (!deleted) throw new NotFound(`App ${clientId} not found.`);
    await deleteUser(tx, clientId);
    const event = { type: 'app.deleted', userId: deleted.owner_id, clientId, detail: { name: deleted.name } } as const;
    await recordChange({ db: tx.db, clock: deps.clock }, event, origin);
  });
}

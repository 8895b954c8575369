import { type UserView, isUuid } from '@signet/protocol';
import { type ProfileRow, findProfileRowById, findProfileRowByNumber } from '../accounts/repo.js';
import type { HotReads } from '../storage/hot-reads.js';

export type { ProfileRow };

/** A user as the API shows one (PROTOCOL.md §10). */
export type ProfileView = UserView;

const NOT_MUTED = '0001-01-01T00:00:00Z';
const IDENTITY_NUMBER = /^[0-9]{1,20}$/;

export function profileView(row: ProfileRow, options: { self: boolean; withPhone: boolean }): ProfileView {
  const view: ProfileView = {
    type: 'user',
    user_id: row.user_id,
    identity_number: row.identity_number,
    full_name: row.full_name,
    biography: row.biography,
    avatar_url: row.avatar_url,
    phone: options.withPhone ? (row.phone ?? '') : '',
    relationship: options.self ? 'ME' : 'STRANGER',
    mute_until: NOT_MUTED,
    is_verified: false,
    is_scam: false,
    has_safe: false,
    created_at: row.created_at,
  };
  // assigned, not spread into the literal: a spread takes V8's slow object-literal path on every GET /me
  if (row.kind === 'bot') view.app_id = row.user_id;
  return view;
}

export function findProfileById(stores: { hot: HotReads }, userId: string): Promise<ProfileRow | undefined> {
  return findProfileRowById(stores.hot, userId.toLowerCase());
}

/** A user_id or an identity number; anything else names nobody (and costs no query). */
export async function findProfile(stores: { hot: HotReads }, idOrNumber: string): Promise<ProfileRow | undefined> {
  if (isUuid(idOrNumber)) return findProfileById(stores, idOrNumber);
  if (!IDENTITY_NUMBER.test(idOrNumber)) return undefined;
  return findProfileRowByNumber(stores.hot.db, idOrNumber);
}

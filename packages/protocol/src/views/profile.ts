import { type Static, Type } from '@sinclair/typebox';
import { Exact, Timestamp, Uuid } from './formats.js';

/**
 * A user in the shape of Mixin's `UserResponse` (PROTOCOL.md §10), as `GET /me` and
 * `GET /users/:id` answer it. Only fields Signet can state truthfully: no contacts (so
 * `STRANGER` unless it is the caller), no verification, scam flags or Mixin Safe, no muting
 * (Mixin's zero time means "not muted").
 */
export const UserView = Exact({
  type: Type.Literal('user'),
  user_id: Uuid,
  identity_number: Type.String(),
  full_name: Type.String(),
  biography: Type.String(),
  avatar_url: Type.String(),
  phone: Type.String({ description: '"" unless the caller may read it (PHONE:READ on /me); always "" on /users/:id' }),
  relationship: Type.Union([Type.Literal('ME'), Type.Literal('STRANGER')]),
  mute_until: Timestamp,
  is_verified: Type.Literal(false),
  is_scam: Type.Literal(false),
  has_safe: Type.Literal(false),
  created_at: Timestamp,
  app_id: Type.Optional(
    Type.String({ description: 'bots only: the app the bot user stands for (its user_id is the client_id)' }),
  ),
});
export type UserView = Static<typeof UserView>;

/** Who logged in to a service (PROTOCOL.md §11): the part of a profile a token exchange answers. */
export const ServiceLoginUser = Exact({
  user_id: Uuid,
  identity_number: Type.String(),
  full_name: Type.String(),
  avatar_url: Type.String(),
});
export type ServiceLoginUser = Static<typeof ServiceLoginUser>;

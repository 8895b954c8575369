/**
 * Shapes the resource API answers that the server builds and the SDK returns as they are
 * (PROTOCOL.md §8, §10): one definition, so the two cannot drift apart.
 */

/**
 * A user in the shape of Mixin's `UserResponse`. Only fields Signet can state truthfully:
 * no contacts (so `STRANGER` unless it is the caller), no verification, scam flags or
 * Mixin Safe, no muting (Mixin's zero time means "not muted").
 */
export interface UserView {
  type: 'user';
  user_id: string;
  identity_number: string;
  full_name: string;
  biography: string;
  avatar_url: string;
  /** "" unless the caller may read it (PHONE:READ, or the user's own session) */
  phone: string;
  relationship: 'ME' | 'STRANGER';
  mute_until: string;
  is_verified: false;
  is_scam: false;
  has_safe: false;
  created_at: string;
  /** bots only: the app the bot user stands for (its user_id is the client_id) */
  app_id?: string;
}

/** One authorization as `GET /authorizations` lists it. */
export interface AuthorizationView {
  type: 'authorization';
  authorization_id: string;
  /** the grant's scopes */
  scopes: string[];
  app: { app_id: string; name: string; icon_url: string; home_uri: string; redirect_uri: string };
  created_at: string;
  accessed_at: string;
}

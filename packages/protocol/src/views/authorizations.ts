import { type Static, Type } from '@sinclair/typebox';
import { Exact, Timestamp, Uuid } from './formats.js';

/** One authorization as `GET /authorizations` lists it (PROTOCOL.md §8). */
export const AuthorizationView = Exact({
  type: Type.Literal('authorization'),
  authorization_id: Uuid,
  scopes: Type.Array(Type.String(), { description: "the grant's scopes" }),
  app: Exact({
    app_id: Uuid,
    name: Type.String(),
    icon_url: Type.String(),
    home_uri: Type.String(),
    redirect_uri: Type.String(),
  }),
  created_at: Timestamp,
  accessed_at: Timestamp,
});
export type AuthorizationView = Static<typeof AuthorizationView>;

/** `GET /authorizations`'s query. */
export const AuthorizationsQuery = Type.Object({
  app: Type.Optional(Type.String({ description: 'only the authorizations of this client_id' })),
});
export type AuthorizationsQuery = Static<typeof AuthorizationsQuery>;

/** `POST /oauth/cancel`: revokes an app for the signed-in user. */
export const CancelRequest = Type.Object({ client_id: Uuid });
export type CancelRequest = Static<typeof CancelRequest>;

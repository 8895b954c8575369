import { type Static, Type } from '@sinclair/typebox';
import { Exact, Uuid } from './formats.js';
import { ServiceLoginUser } from './profile.js';

const optionalString = (description?: string) => Type.Optional(Type.String(description ? { description } : {}));

/** RFC 6749 §5.1 from `POST /oauth/token`'s standard form, plus Signet's authorization_id and the server key when one was bound. */
export const TokenAnswer = Exact(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    scope: Type.String(),
    refresh_token: optionalString(),
    authorization_id: Type.Optional(Uuid),
    ed25519: optionalString("the server's ed25519 public key (base64url), when the client bound its own"),
    issued_token_type: optionalString('token exchange (RFC 8693)'),
    user: Type.Optional(ServiceLoginUser),
  },
  { description: 'The standard form' },
);
export type TokenAnswer = Static<typeof TokenAnswer>;

/** The platform (Mixin) form's `data`: a bound key gets the server's key back and no bearer token; otherwise a bearer token. */
export const PlatformTokenAnswer = Type.Union([
  Exact({
    authorization_id: Uuid,
    scope: Type.String(),
    ed25519: Type.String({ description: "the server's public key, base64url" }),
  }),
  Exact({ access_token: Type.String(), scope: Type.String(), authorization_id: Uuid }),
]);
export type PlatformTokenAnswer = Static<typeof PlatformTokenAnswer>;

/** The platform (Mixin) form of `POST /oauth/token`: a JSON body. */
export const PlatformTokenRequest = Type.Object(
  {
    client_id: Uuid,
    code: Type.String(),
    client_secret: optionalString(
      'exactly one of client_secret and code_verifier; the secret is required for a code sent to a redirect URI that only a host pattern allows',
    ),
    code_verifier: optionalString('required when authorize was sent a code_challenge'),
    redirect_uri: optionalString(
      'required (and must match) for a code sent to a redirect URI that only a host pattern allows',
    ),
    ed25519: optionalString(
      "the client's ed25519 public key, base64url of the raw 32 bytes: binds it instead of issuing a bearer token",
    ),
  },
  { description: 'The platform form (Mixin): errors in the platform envelope' },
);
export type PlatformTokenRequest = Static<typeof PlatformTokenRequest>;

/**
 * The session keystore file a user downloads (PROTOCOL.md §3). Mixin's SDKs call the user
 * id `app_id` for bots, so both names are written.
 */
export const KeystoreFile = Exact({
  user_id: Uuid,
  app_id: Uuid,
  session_id: Uuid,
  session_private_key: Type.String({ description: 'hex of the 32-byte ed25519 seed' }),
  server_public_key: Type.String({ description: "hex of the server's 32-byte ed25519 public key" }),
});
export type KeystoreFile = Static<typeof KeystoreFile>;

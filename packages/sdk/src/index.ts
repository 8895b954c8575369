/**
 * The Signet client SDK: PKCE and authorize URLs, code exchange in both dialects,
 * request signing, a typed API client and service login. No server code inside; the
 * parts that need no secret run in browsers as well as in Node 20+.
 */
export { type AuthorizeUrlOptions, authorizeUrl, readAuthorizeResponse } from './authorize.js';
export { OAuthError, SignetApiError } from './errors.js';
export { type KeyPair, type Keystore, type OAuthKeystore, type SessionKeystore, createKeyPair } from './keys.js';
export { type Pkce, createPkce } from './pkce.js';
export { type SignRequestOptions, type SignedRequest, mintServiceToken, signRequest } from './sign.js';
export { SignetClient, type SignetClientOptions } from './client.js';
export {
  type ExchangeCodeOptions,
  type ServiceLogin,
  type TokenGrant,
  exchangeCode,
  refresh,
  verifyServiceLogin,
} from './token.js';
export type { Asset, Authorization, Snapshot, SnapshotQuery, TransferInput, User } from './types.js';

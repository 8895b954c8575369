export * from './errors.js';
export * from './scopes.js';
export * from './jws.js';
export * from './uuid.js';
// types only: the schemas they come from are in '@signet/protocol/views'
export type {
  AssetSnapshotsQuery,
  AssetView,
  AuthorizationView,
  AuthorizationsQuery,
  CancelRequest,
  KeystoreFile,
  OAuthError,
  PlatformError,
  PlatformTokenAnswer,
  PlatformTokenRequest,
  Received,
  ServiceLoginUser,
  SnapshotQuery,
  SnapshotView,
  TokenAnswer,
  TransferRequest,
  UserView,
} from './views/index.js';

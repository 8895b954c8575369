import type { PlatformTokenAnswer, PlatformTokenRequest, ServiceLoginUser, TokenAnswer } from '@signet/protocol';
import { readEnvelope, readOAuth } from './errors.js';

type Fetch = typeof globalThis.fetch;

interface ClientCredentials {
  issuer: string;
  clientId: string;
  /** confidential apps; a public app sends only its id */
  clientSecret?: string;
  fetch?: Fetch;
}

export interface ExchangeCodeOptions extends ClientCredentials {
  code: string;
  /** the PKCE verifier, when a challenge was sent */
  codeVerifier?: string;
  /**
   * the redirect URI the code went to: required when one was sent to /oauth/authorize
   * (standard dialect), and in both dialects when only a host pattern allows it (then a
   * confidential app must send its secret: in the platform dialect, instead of the verifier)
   */
  redirectUri?: string;
  /** `standard` (RFC 6749 form, default) or `platform` (Mixin's JSON form) */
  dialect?: 'standard' | 'platform';
  /** your ed25519 public key (createKeyPair().publicKeyBase64Url): binds the authorization to it */
  ed25519?: string;
}

/** What a code exchange gives, in either dialect. */
export interface TokenGrant {
  authorizationId: string;
  scope: string;
  /** absent when a key was bound in the platform dialect: then every request is signed */
  accessToken?: string;
  refreshToken?: string;
  expiresIn?: number;
  /** the server's ed25519 public key (base64url), when a key was bound */
  serverPublicKey?: string;
}

function basic(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${btoa(`${encode(clientId)}:${encode(secret)}`)}`;
}

async function postForm(options: ClientCredentials, fields: Record<string, string | undefined>): Promise<TokenAnswer> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.set(name, value);
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  if (options.clientSecret) headers.Authorization = basic(options.clientId, options.clientSecret);
  else body.set('client_id', options.clientId);
  const response = await (options.fetch ?? fetch)(new URL('/oauth/token', options.issuer), {
    method: 'POST',
    headers,
    body,
  });
  return readOAuth<TokenAnswer>(response);
}

function fromStandard(answer: TokenAnswer): TokenGrant {
  const grant: TokenGrant = {
    authorizationId: answer.authorization_id ?? '',
    scope: answer.scope,
    accessToken: answer.access_token,
    expiresIn: answer.expires_in,
  };
  if (answer.refresh_token) grant.refreshToken = answer.refresh_token;
  if (answer.ed25519) grant.serverPublicKey = answer.ed25519;
  return grant;
}

/**
 * Exchanges an authorization code for tokens (PROTOCOL.md §7), in either dialect.
 *
 * @example
 * const grant = await exchangeCode({ issuer, clientId, clientSecret, code, redirectUri, codeVerifier: pkce.verifier });
 * const client = new SignetClient({ baseUrl: issuer, accessToken: grant.accessToken });
 */
export async function exchangeCode(options: ExchangeCodeOptions): Promise<TokenGrant> {
  if (options.dialect === 'platform') {
    const body: PlatformTokenRequest = {
      client_id: options.clientId,
      code: options.code,
      client_secret: options.clientSecret,
      code_verifier: options.codeVerifier,
      redirect_uri: options.redirectUri,
      ed25519: options.ed25519,
    };
    const response = await (options.fetch ?? fetch)(new URL('/oauth/token', options.issuer), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const data = await readEnvelope<PlatformTokenAnswer>(response);
    const grant: TokenGrant = { authorizationId: data.authorization_id, scope: data.scope };
    if ('access_token' in data && data.access_token) grant.accessToken = data.access_token;
    if ('ed25519' in data && data.ed25519) grant.serverPublicKey = data.ed25519;
    return grant;
  }
  return fromStandard(
    await postForm(options, {
      grant_type: 'authorization_code',
      code: options.code,
      redirect_uri: options.redirectUri,
      code_verifier: options.codeVerifier,
      ed25519: options.ed25519,
    }),
  );
}

/**
 * Trades a refresh token for new tokens. Each refresh token works once: keep the new one.
 *
 * @example
 * const next = await refresh({ issuer, clientId, clientSecret, refreshToken: grant.refreshToken });
 */
export async function refresh(
  options: ClientCredentials & { refreshToken: string; scopes?: readonly string[] },
): Promise<TokenGrant> {
  return fromStandard(
    await postForm(options, {
      grant_type: 'refresh_token',
      refresh_token: options.refreshToken,
      scope: options.scopes?.join(' '),
    }),
  );
}

/** Who logged in to a service through Signet (PROTOCOL.md §11). */
export interface ServiceLogin {
  accessToken: string;
  expiresIn: number;
  scope: string;
  user: ServiceLoginUser;
}

/**
 * For services: trades a token a user minted for you (mintServiceToken) for a bearer
 * token acting for that user. Refused tokens (another audience, replayed, expired) throw
 * OAuthError `invalid_grant`.
 *
 * @example
 * const login = await verifyServiceLogin({ issuer, clientId, clientSecret, token: req.body.token });
 * createSession(login.user.user_id);
 */
export async function verifyServiceLogin(options: ClientCredentials & { token: string }): Promise<ServiceLogin> {
  const answer = await postForm(options, {
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    subject_token: options.token,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  });
  // a token exchange always names who logged in
  return {
    accessToken: answer.access_token,
    expiresIn: answer.expires_in,
    scope: answer.scope,
    user: answer.user as ServiceLoginUser,
  };
}

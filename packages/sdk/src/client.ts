import { readEnvelope } from './errors.js';
import type { Keystore } from './keys.js';
import { signRequest } from './sign.js';
import type { Asset, Authorization, Snapshot, SnapshotQuery, TransferInput, User } from './types.js';

export interface SignetClientOptions {
  /** the Signet deployment, e.g. https://auth.example.com */
  baseUrl: string;
  /** sign every request with this keystore (a session or an OAuth keystore)... */
  keystore?: Keystore;
  /** ...or send this standard bearer access token */
  accessToken?: string;
  fetch?: typeof globalThis.fetch;
}

/**
 * The resource API, every call signed afresh (keystore) or carrying a bearer token.
 * Errors throw SignetApiError with the platform code (401, 403, 10002, 20117, ...).
 *
 * @example
 * const client = new SignetClient({ baseUrl: 'https://auth.example.com', keystore });
 * const me = await client.me();
 * const assets = await client.assets();
 */
export class SignetClient {
  constructor(private readonly options: SignetClientOptions) {
    if (!options.keystore && !options.accessToken) throw new TypeError('a keystore or an access token is needed');
  }

  /** One call: GET or POST a path, answering the envelope's `data`. */
  async request<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    let text: string | undefined = body === undefined ? undefined : JSON.stringify(body);
    let requestId: string | undefined;
    if (this.options.keystore) {
      const signed = signRequest({ method, url: path, body: text ?? '', keystore: this.options.keystore });
      headers.Authorization = `Bearer ${signed.token}`;
      headers['X-Request-Id'] = signed.requestId;
      requestId = signed.requestId;
      text = body === undefined ? undefined : signed.body;
    } else {
      headers.Authorization = `Bearer ${this.options.accessToken}`;
    }
    if (text !== undefined) headers['Content-Type'] = 'application/json';
    const response = await (this.options.fetch ?? fetch)(new URL(path, this.options.baseUrl), {
      method,
      headers,
      body: text,
    });
    return readEnvelope<T>(response, requestId);
  }

  /** The user acted for (`phone` is "" without PHONE:READ). */
  me(): Promise<User> {
    return this.request('GET', '/me');
  }

  /** A public profile, by user_id or identity number. */
  user(id: string): Promise<User> {
    return this.request('GET', `/users/${encodeURIComponent(id)}`);
  }

  /** Assets with a balance above zero (ASSETS:READ). */
  assets(): Promise<Asset[]> {
    return this.request('GET', '/assets');
  }

  /** One asset with its balance ("0" when not held). */
  asset(assetId: string): Promise<Asset> {
    return this.request('GET', `/assets/${encodeURIComponent(assetId)}`);
  }

  /** Transaction history, newest first (ASSETS:READ or SNAPSHOTS:READ). */
  snapshots(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, String(value));
    const search = params.toString();
    return this.request('GET', `/snapshots${search ? `?${search}` : ''}`);
  }

  /** Moves money to another user (a session keystore only); idempotent on trace_id. */
  transfer(input: TransferInput): Promise<Snapshot> {
    return this.request('POST', '/transfers', { ...input, memo: input.memo ?? '' });
  }

  /** The apps this user authorized, one entry per device (a session keystore only). */
  authorizations(appId?: string): Promise<Authorization[]> {
    return this.request('GET', `/authorizations${appId ? `?app=${encodeURIComponent(appId)}` : ''}`);
  }

  /** Revokes an app: its authorizations and tokens end at once (a session keystore only). */
  async revoke(clientId: string): Promise<void> {
    await this.request('POST', '/oauth/cancel', { client_id: clientId });
  }
}

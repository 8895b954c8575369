import { MIN_SECRET_LENGTH } from '../keys/sealer.js';

/**
 * The one source of Signet's configuration: every key, its environment variable,
 * its default and a line of documentation. `loadConfig` reads it, the README's
 * configuration table is checked against it by a test.
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Parser<T> = (raw: string, variable: string) => T;

export interface ConfigKey<T> {
  env: string;
  doc: string;
  default: string | undefined;
  parse: Parser<T>;
}

function key<T>(env: string, defaultValue: string | undefined, doc: string, parse: Parser<T>): ConfigKey<T> {
  return { env, default: defaultValue, doc, parse };
}

const text: Parser<string> = (raw) => raw;

function integer(min: number, max: number): Parser<number> {
  return (raw, variable) => {
    if (!/^\d+$/.test(raw)) throw new ConfigError(variable, `expected a whole number, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new ConfigError(variable, `expected ${min} to ${max}, got ${value}`);
    return value;
  };
}

function oneOf<T extends string>(...choices: T[]): Parser<T> {
  return (raw, variable) => {
    if (!(choices as string[]).includes(raw)) {
      throw new ConfigError(variable, `expected one of ${choices.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };
}

const issuer: Parser<string> = (raw, variable) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(variable, `expected an http(s) URL, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(variable, `expected an http(s) URL, got "${raw}"`);
  }
  if (url.search || url.hash) throw new ConfigError(variable, 'must not have a query or fragment');
  return raw.replace(/\/+$/, '');
};

/** Is the deployment served over https? Its cookies and headers (HSTS) follow from it. */
export function isHttpsIssuer(issuer: string): boolean {
  return issuer.startsWith('https:');
}

const databaseUrl: Parser<string> = (raw, variable) => {
  if (/^file:.+/.test(raw) || /^postgres(ql)?:\/\//.test(raw)) return raw;
  throw new ConfigError(variable, `expected file:<path> or postgres://..., got "${raw}"`);
};

const redisUrl: Parser<string | undefined> = (raw, variable) => {
  if (raw === '') return undefined;
  if (/^rediss?:\/\//.test(raw)) return raw;
  throw new ConfigError(variable, `expected redis://... or rediss://..., got "${raw}"`);
};

const sqlIdentifier: Parser<string | undefined> = (raw, variable) => {
  if (raw === '') return undefined;
  if (/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) return raw;
  throw new ConfigError(variable, `expected a lower-case SQL identifier, got "${raw}"`);
};

/** Fastify's trustProxy: false, a hop count, or a list of addresses; never `true` (anyone could claim any address). */
const trustProxy: Parser<false | number | string[]> = (raw, variable) => {
  if (raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((entry) => entry.trim());
  if (list.every((entry) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(entry))) return list;
  throw new ConfigError(variable, `expected a hop count or addresses/CIDRs, got "${raw}"`);
};

const onOff: Parser<boolean> = (raw, variable) => oneOf('on', 'off')(raw, variable) === 'on';

const optionalSecret: Parser<string | undefined> = (raw, variable) => {
  if (raw === '') return undefined;
  // a scrape token is a shared secret: refuse one short enough to guess
  if (raw.length < 16) throw new ConfigError(variable, 'expected at least 16 characters');
  return raw;
};

const keysSecret: Parser<string | undefined> = (raw, variable) => {
  if (raw === '') return undefined;
  if (raw.length < MIN_SECRET_LENGTH)
    throw new ConfigError(variable, `expected at least ${MIN_SECRET_LENGTH} characters`);
  return raw;
};

/** Worker processes for `signet start` (`--workers` overrides it). */
export const parseWorkers: Parser<number> = integer(1, 64);

export const configSchema = {
  port: key('PORT', '8080', 'TCP port the server listens on.', integer(0, 65535)),
  host: key('HOST', '0.0.0.0', 'Address the server binds to.', text),
  issuer: key('ISSUER', 'http://localhost:8080', 'Public base URL of this deployment (the OAuth `iss`).', issuer),
  databaseUrl: key(
    'DATABASE_URL',
    'file:./data/signet.db',
    'SQLite file (`file:<path>`, relative to the working directory) or `postgres://...`.',
    databaseUrl,
  ),
  databaseSchema: key(
    'DATABASE_SCHEMA',
    '',
    'PostgreSQL only: the schema to use (created if missing); empty means the default search path.',
    sqlIdentifier,
  ),
  keysSecret: key(
    'KEYS_SECRET',
    '',
    'Encrypts secrets at rest (32+ characters; keep a copy apart from the database backups). Required when `NODE_ENV=production`; unset, it is read from, or made into, `keys-secret` beside the SQLite file (`./data/keys-secret` with PostgreSQL, where every host must share one).',
    keysSecret,
  ),
  redisUrl: key(
    'REDIS_URL',
    '',
    'Optional Redis for the replay cache, rate limits and cross-instance notifications.',
    redisUrl,
  ),
  redisPrefix: key('REDIS_PREFIX', 'signet:', 'Prefix of every Redis key and channel.', text),
  trustProxy: key(
    'TRUST_PROXY',
    '',
    'Proxies whose X-Forwarded-For to believe: empty (none), a hop count, or comma-separated addresses/CIDRs.',
    trustProxy,
  ),
  rateLimits: key(
    'RATE_LIMITS',
    'on',
    '`on` limits failed sign-ins (5 per account, 20 per address, per 15 minutes), failed client authentications at the token, revocation and introspection endpoints (50 per address per 15 minutes; past 100 for one client, the addresses that failed for it), sign-up attempts (20 per address per hour) and device-approval requests opened by signed-out authorize pages (60 per address per 10 minutes), counted in the kv per IPv4 address or IPv6 /64; `off` for benchmarks.',
    onOff,
  ),
  signedTokenMaxAge: key(
    'SIGNED_TOKEN_MAX_AGE',
    '600',
    'Seconds a request-signed token stays acceptable after its `iat`.',
    integer(30, 86400),
  ),
  refreshReuseGrace: key(
    'REFRESH_REUSE_GRACE',
    '10',
    'Seconds after a refresh token is rotated during which the same client presenting it again gets the same new pair back (two tabs, a retried request) instead of the reuse rule revoking its authorization; `0` revokes at once (RFC 9700 §4.14.2).',
    integer(0, 60),
  ),
  workers: key(
    'WORKERS',
    '1',
    '`signet start`: processes serving the same port (node:cluster); `--workers N` overrides it.',
    parseWorkers,
  ),
  workerStartTimeout: key(
    'WORKER_START_TIMEOUT',
    '60',
    'With several workers: seconds a worker may take to start listening before it is killed (and the group fails to start, or the worker is replaced).',
    integer(1, 3600),
  ),
  metrics: key(
    'METRICS',
    'on',
    '`on` collects Prometheus metrics and serves `GET /metrics` only with `Authorization: Bearer <METRICS_TOKEN>` (403 while no token is set); `open` serves them to anyone; `off` removes the route and its per-request hook.',
    oneOf('on', 'off', 'open'),
  ),
  metricsToken: key(
    'METRICS_TOKEN',
    '',
    'The bearer token (16+ characters) a scrape of `GET /metrics` must send with `METRICS=on`; unset, `/metrics` is closed.',
    optionalSecret,
  ),
  auditRetentionDays: key(
    'AUDIT_RETENTION_DAYS',
    '90',
    'Days audit events are kept; clean-up deletes older ones.',
    integer(1, 36500),
  ),
  logLevel: key(
    'LOG_LEVEL',
    'info',
    'fatal, error, warn, info, debug, trace or silent.',
    oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  ),
} as const;

export type ConfigSchema = typeof configSchema;
export type Config = {
  [K in keyof ConfigSchema]: ConfigSchema[K] extends ConfigKey<infer T> ? T : never;
};

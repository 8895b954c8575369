import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';
import { ConfigError, configSchema } from './schema.js';

describe('configuration', () => {
  it('has the contract’s defaults', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '0.0.0.0',
      issuer: 'http://localhost:8080',
      databaseUrl: 'file:./data/signet.db',
      databaseSchema: undefined,
      keysSecret: undefined,
      redisUrl: undefined,
      redisPrefix: 'signet:',
      trustProxy: false,
      rateLimits: true,
      signedTokenMaxAge: 600,
      refreshReuseGrace: 10,
      workers: 1,
      workerStartTimeout: 60,
      metrics: 'on',
      metricsToken: undefined,
      auditRetentionDays: 90,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      HOST: '127.0.0.1',
      ISSUER: 'https://auth.example.com/',
      DATABASE_URL: 'postgres://u@db/signet',
      DATABASE_SCHEMA: 'tenant_a',
      KEYS_SECRET: 'a-keys-secret-of-thirty-two-chars-or-more',
      REDIS_URL: 'redis://cache:6379',
      REDIS_PREFIX: 'a:',
      RATE_LIMITS: 'off',
      REFRESH_REUSE_GRACE: '0',
      WORKERS: '4',
      WORKER_START_TIMEOUT: '5',
      METRICS: 'off',
      METRICS_TOKEN: 'a-scrape-token-of-some-length',
      AUDIT_RETENTION_DAYS: '30',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 9000,
      issuer: 'https://auth.example.com',
      rateLimits: false,
      databaseSchema: 'tenant_a',
    });
    expect(config).toMatchObject({
      workers: 4,
      workerStartTimeout: 5,
      metrics: 'off',
      metricsToken: 'a-scrape-token-of-some-length',
    });
    expect(config).toMatchObject({
      auditRetentionDays: 30,
      keysSecret: 'a-keys-secret-of-thirty-two-chars-or-more',
      refreshReuseGrace: 0,
    });
  });

  it('needs KEYS_SECRET in production, where a key made up on the spot would be no other host’s', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      new ConfigError(
        'KEYS_SECRET',
        'required when NODE_ENV=production (32+ random characters, the same on every host)',
      ),
    );
    expect(loadConfig({ NODE_ENV: 'production', KEYS_SECRET: 'x'.repeat(32) }).keysSecret).toBe('x'.repeat(32));
    expect(loadConfig({ NODE_ENV: 'development' }).keysSecret).toBeUndefined();
  });

  it('serves /metrics to anyone only when METRICS=open says so, and then wants no token', () => {
    expect(loadConfig({ METRICS: 'open' }).metrics).toBe('open');
    expect(() => loadConfig({ METRICS: 'open', METRICS_TOKEN: 'a-scrape-token-of-some-length' })).toThrow(
      /^METRICS: open serves \/metrics to anyone/,
    );
  });

  it('trusts a proxy only when told which', () => {
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '10.1.0.0/16']);
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['ISSUER', 'ftp://x'],
    ['ISSUER', 'https://x/?q=1'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_SCHEMA', 'Robert"; drop'],
    ['REDIS_URL', 'http://cache'],
    ['RATE_LIMITS', 'maybe'],
    ['TRUST_PROXY', 'true'],
    ['AUDIT_RETENTION_DAYS', '0'],
    ['AUDIT_RETENTION_DAYS', '7d'],
    ['LOG_LEVEL', 'loud'],
    ['WORKERS', '0'],
    ['WORKERS', '65'],
    ['METRICS', 'yes'],
    ['METRICS_TOKEN', 'short'],
    ['REFRESH_REUSE_GRACE', '61'],
    ['REFRESH_REUSE_GRACE', '10s'],
    ['KEYS_SECRET', 'x'.repeat(31)],
  ])('refuses %s=%s with an error naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });

  it('is documented in the README, key by key with its default', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    for (const spec of Object.values(configSchema)) {
      const defaultCell = spec.default ? `\`${spec.default}\`` : '(unset)';
      expect(readme).toContain(`| \`${spec.env}\` | ${defaultCell} | ${spec.doc} |`);
    }
  });
});

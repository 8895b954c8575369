import { type Config, type ConfigKey, ConfigError, configSchema } from './schema.js';

/** Rules that span variables (or read one outside the schema, NODE_ENV). */
function checkTogether(config: Config, env: NodeJS.ProcessEnv): void {
  // a made-up key in production would be one no other host and no restore has
  if (env.NODE_ENV === 'production' && config.keysSecret === undefined) {
    throw new ConfigError(
      'KEYS_SECRET',
      'required when NODE_ENV=production (32+ random characters, the same on every host)',
    );
  }
  // which one was meant is not ours to guess: one serves everyone, the other only the token's holder
  if (config.metrics === 'open' && config.metricsToken !== undefined) {
    throw new ConfigError(
      'METRICS',
      'open serves /metrics to anyone, so METRICS_TOKEN would do nothing: unset it, or use METRICS=on',
    );
  }
}

/** Reads the configuration from an environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const entries = Object.entries(configSchema) as [keyof Config, ConfigKey<unknown>][];
  const config: Record<string, unknown> = {};
  for (const [name, spec] of entries) {
    const raw = env[spec.env] ?? spec.default ?? '';
    config[name] = spec.parse(raw.trim(), spec.env);
  }
  checkTogether(config as Config, env);
  return config as Config;
}

import { type Config, type ConfigKey, configSchema } from './schema.js';

/** Reads the configuration from an environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const entries = Object.entries(configSchema) as [keyof Config, ConfigKey<unknown>][];
  const config: Record<string, unknown> = {};
  for (const [name, spec] of entries) {
    const raw = env[spec.env] ?? spec.default ?? '';
    config[name] = spec.parse(raw.trim(), spec.env);
  }
  return config as Config;
}

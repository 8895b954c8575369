export { buildApp, type AppDeps } from './app.js';
export { loadConfig } from './config/load.js';
export { type Config, ConfigError, configSchema } from './config/schema.js';
export { startServer } from './main.js';
export { runCli } from './cli/index.js';

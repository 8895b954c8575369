import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources directly; the alias keeps them off the built dist/.
export default defineConfig({
  resolve: {
    alias: {
      // the more specific subpath first: the first alias that matches wins
      '@signet/protocol/views': fileURLToPath(new URL('./packages/protocol/src/views/index.ts', import.meta.url)),
      '@signet/protocol': fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url)),
      '@signet/sdk': fileURLToPath(new URL('./packages/sdk/src/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['packages/server/test/global-setup.ts'],
  },
});

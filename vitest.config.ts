import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/web/global-setup.ts'], // builds web/dist for the browser tests when stale
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite instances are memory-hungry; two workers match the 2-core CI machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});

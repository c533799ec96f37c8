import { defineConfig } from 'vitest/config';
export default defineConfig({
  resolve: { alias: [
    { find: /^\.\.\/fhir\/summary\.js$/, replacement: '/tmp/stubs/summary.ts' },
    { find: /^\.\.\/fhir\/xml\/index\.js$/, replacement: '/tmp/stubs/xml.ts' },
  ] },
  test: { include: ['test/api/**/*.test.ts'], testTimeout: 60000, hookTimeout: 120000, pool: 'forks', maxWorkers: 2 },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['core/**/*.spec.ts', 'cli/**/*.spec.{ts,tsx}', 'sandbox/**/*.spec.ts', 'main/**/*.spec.ts', 'renderer/**/*.spec.{ts,tsx}', 'test/**/*.spec.{ts,tsx}'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});

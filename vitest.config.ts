import { defineConfig } from 'vitest/config';

// 2-core CI machines: forks keep servers and child processes of one file away from another's.
export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // real servers and SQLite files: keep parallelism modest on a 2-core machine
    fileParallelism: true,
    maxWorkers: 2,
    pool: 'forks',
  },
});

// `npm run soak`: the long runs of issue 9. Runs the reliability suite with CONFAB_SOAK=1 (every loop
// at its soak size: hundreds of kill -9, all XSS payloads, long floods, a 50,000-entry roster) plus
// the jobs under tests/soak/*.soak.ts, too slow for `npm test`. Every job has its own time bound
// (its test timeout). CONFAB_SOAK_ROUNDS=N overrides every loop size; `npm run soak -- <name>` runs one.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/reliability/**/*.test.ts', 'tests/soak/**/*.soak.ts'],
    env: { CONFAB_SOAK: '1' },
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

// `npm run fuzz`: the long mutational fuzz run (test/fuzz/*.fuzz.ts), one process, no timeout.
// The watchdog thread inside the run enforces the per-input time and memory limits.
export default defineConfig({
  test: {
    include: ['test/fuzz/**/*.fuzz.ts'],
    testTimeout: 0,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true, execArgv: ['--max-old-space-size=2048'] } },
  },
});

import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    coverage: {
      provider: 'v8',
      include: ['src/**'],
      reporter: ['text-summary'],
      // The level measured when coverage came to CI (statements 93.06, branches 88.15, functions 95.47, lines 94.86),
      // rounded down: raise these as coverage grows, never lower them. Code that runs only inside worker threads
      // (workers/worker.ts, context.ts, bootstrap.js) counts as uncovered: v8 coverage sees the test process alone.
      thresholds: { statements: 93, branches: 88, functions: 95, lines: 94 },
    },
  },
})

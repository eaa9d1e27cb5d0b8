import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // e2e tests build network namespaces and start real processes; keep the 2-core machine responsive
    maxWorkers: 2,
    reporters: ['default']
  }
})

import { defineConfig } from 'vitest/config'

export default defineConfig({
  // tsconfig keeps JSX for Next; specs that render PDF templates in-process need it compiled.
  oxc: { jsx: { runtime: 'automatic' } },
  resolve: { tsconfigPaths: true },
  test: {
    // Each file gets its own database (test/helpers/db.ts), so files may run side by side.
    environment: 'node',
    hookTimeout: 120_000,
    include: ['src/**/*.spec.ts', 'test/**/*.int.spec.ts'],
    maxWorkers: 2,
    outputFile: { json: 'reports/vitest.json' },
    pool: 'forks',
    reporters: ['default', 'json'],
    testTimeout: 60_000,
  },
})

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print the closing "N passed, N failed" line CI reads.
    reporters: ['default', ['json', { outputFile: 'out/test-results.json' }]],
  },
});

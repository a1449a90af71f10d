/** Jest runs the TypeScript sources as ES modules (see TOOLCHAIN notes in the README). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  // Stops the run at once, saying why, when the tests are not on the Node the action ships for.
  globalSetup: '<rootDir>/__tests__/harness/require-node-24.ts',
  setupFiles: ['<rootDir>/__tests__/harness/setup-env.ts'],
  reporters: ['default', '<rootDir>/__tests__/harness/count-reporter.js'],
  collectCoverage: true,
  // Each index.ts only calls run(); the end-to-end tests run it through the bundles.
  collectCoverageFrom: ['src/**/*.ts', '!src/**/index.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { branches: 100, functions: 100, lines: 100, statements: 100 } }
}

// Integration tests run against real services: the ones named in the environment
// (KAFKA_BROKERS, DATABASE_URL, S3_ENDPOINT) or else the ones tools/stack starts.
/** @type {import('jest').Config} */
module.exports = {
  displayName: 'stack:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['**/*.integration.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/src/testing/global-teardown.ts',
  testTimeout: 120000,
};

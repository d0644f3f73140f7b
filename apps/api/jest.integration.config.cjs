// Integration tests run against real services: the ones named in the environment
// (DATABASE_URL, S3_ENDPOINT, KAFKA_BROKERS) or else the ones tools/stack starts.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'api:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['**/*.integration.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/../../tools/stack/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/stack/src/testing/global-teardown.ts',
  testTimeout: 300000,
};

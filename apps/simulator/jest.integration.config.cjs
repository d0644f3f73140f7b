// Integration tests produce to a real Kafka: the one in KAFKA_BROKERS, or else the one
// tools/stack's global setup starts (and stops again afterwards).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'simulator:integration',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  testMatch: ['**/*.integration.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/../../tools/stack/src/testing/global-setup.ts',
  globalTeardown: '<rootDir>/../../tools/stack/src/testing/global-teardown.ts',
  testTimeout: 120000,
};

// Shared Jest settings of every `integration` target. Integration tests run against real
// services: the ones named in the environment (KAFKA_BROKERS, DATABASE_URL, S3_ENDPOINT)
// or else the ones tools/stack's global setup starts (and its teardown stops again).
const { join } = require('node:path');

// Node 20 is the repository's baseline; the AWS SDK's notice about it is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const testing = join(__dirname, 'tools/stack/src/testing');

/**
 * @param {string} projectDir the project's folder (`__dirname` of its config)
 * @param {string} name shown in front of each test file
 * @param {number} testTimeout per test, in ms
 * @returns {import('jest').Config}
 */
module.exports = function integrationConfig(projectDir, name, testTimeout = 120000) {
  return {
    displayName: `${name}:integration`,
    preset: join(__dirname, 'jest.preset.cjs'),
    rootDir: projectDir,
    testMatch: ['**/*.integration.spec.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    globalSetup: join(testing, 'global-setup.ts'),
    globalTeardown: join(testing, 'global-teardown.ts'),
    testTimeout,
  };
};

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'collector',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/collector',
  // The integration tests' process helpers are test code, not a suite.
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.integration\\.spec\\.ts$', '\\.helper\\.spec\\.ts$'],
};

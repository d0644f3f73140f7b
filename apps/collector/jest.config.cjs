/** @type {import('jest').Config} */
module.exports = {
  displayName: 'collector',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/collector',
};

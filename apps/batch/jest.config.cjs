/** @type {import('jest').Config} */
module.exports = {
  displayName: 'batch',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/batch',
};

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'storage',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/storage',
};

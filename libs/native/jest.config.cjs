/** @type {import('jest').Config} */
module.exports = {
  displayName: 'native',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/native',
};

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'transforms',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/transforms',
};

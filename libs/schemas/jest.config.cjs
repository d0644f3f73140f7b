/** @type {import('jest').Config} */
module.exports = {
  displayName: 'schemas',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/schemas',
};

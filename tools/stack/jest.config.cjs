/** @type {import('jest').Config} */
module.exports = {
  displayName: 'stack',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/tools/stack',
};

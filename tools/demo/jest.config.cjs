/** @type {import('jest').Config} */
module.exports = {
  displayName: 'demo',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/tools/demo',
};

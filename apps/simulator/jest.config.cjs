/** @type {import('jest').Config} */
module.exports = {
  displayName: 'simulator',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/simulator',
};

/** @type {import('jest').Config} */
module.exports = {
  displayName: 'ingestor',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/ingestor',
};

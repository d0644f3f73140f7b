/** @type {import('jest').Config} */
module.exports = {
  displayName: 'streamer',
  preset: '../../jest.preset.cjs',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/apps/streamer',
};

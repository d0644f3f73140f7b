// Shared Jest settings: TypeScript through SWC, workspace packages resolved from
// their sources via the `@shoplens/source` export condition.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Nx runs several projects' suites at once on a 2-core machine: CPU-bound unit tests
  // (gzip, Parquet, property runs) need more than Jest's default 5 s when they share it.
  testTimeout: 30_000,
  testEnvironmentOptions: {
    customExportConditions: ['@shoplens/source', 'node', 'require', 'default'],
  },
  transform: {
    '^.+\\.[cm]?ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  // Sources import siblings as `./x.js` (NodeNext); Jest resolves them to `./x.ts`.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.integration\\.spec\\.ts$'],
};

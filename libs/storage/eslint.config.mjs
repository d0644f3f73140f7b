import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      // @types/pg is a runtime dependency on purpose: the published declarations name pg's
      // types (Pool, PoolConfig), so a project that installs the package needs them to
      // type-check. The rule sees no import of it in the sources.
      '@nx/dependency-checks': [
        'error',
        {
          ignoredFiles: [
            '{projectRoot}/eslint.config.{js,cjs,mjs}',
            '{projectRoot}/jest.config.{js,cjs,mjs,ts}',
            '{projectRoot}/jest.integration.config.{js,cjs,mjs,ts}',
            '{projectRoot}/**/*.spec.ts',
            '{projectRoot}/**/*.arbitrary.ts',
            '{projectRoot}/bench/**',
          ],
          ignoredDependencies: ['@types/pg'],
          includeTransitiveDependencies: false,
        },
      ],
    },
  },
];

import baseConfig, { dependencyChecks } from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      // @types/pg is a runtime dependency on purpose: the published declarations name pg's
      // types (Pool, PoolConfig), so a project that installs the package needs them to
      // type-check; no source imports it.
      '@nx/dependency-checks': dependencyChecks({ ignoredDependencies: ['@types/pg'] }),
    },
  },
];

import baseConfig, { dependencyChecks } from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      // bundle.mjs is the build script; esbuild stays a dev dependency.
      '@nx/dependency-checks': dependencyChecks({ ignoredFiles: ['{projectRoot}/bundle.mjs'] }),
    },
  },
];

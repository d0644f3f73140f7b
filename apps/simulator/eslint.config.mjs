import baseConfig, { dependencyChecks } from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      // scripts/ holds the build's bundling step: esbuild is a build tool, not a dependency.
      '@nx/dependency-checks': dependencyChecks({
        ignoredFiles: ['{projectRoot}/scripts/**'],
        ignoredDependencies: ['esbuild'],
      }),
    },
  },
];

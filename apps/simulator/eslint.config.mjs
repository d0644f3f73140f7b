import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      // scripts/ holds the build's bundling step: esbuild is a build tool, not a dependency.
      '@nx/dependency-checks': [
        'error',
        {
          ignoredFiles: [
            '{projectRoot}/eslint.config.{js,cjs,mjs}',
            '{projectRoot}/jest*.config.cjs',
            '{projectRoot}/**/*.spec.ts',
            '{projectRoot}/scripts/**',
          ],
          ignoredDependencies: ['esbuild'],
          includeTransitiveDependencies: false,
        },
      ],
    },
  },
];

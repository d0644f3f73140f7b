import nx from '@nx/eslint-plugin';

// Libraries that do I/O or own process-wide concerns; they belong in adapters and apps.
const ioPackages = [
  'kafkajs',
  'pg',
  'pg-*',
  'kysely',
  '@aws-sdk/*',
  '@smithy/*',
  'express',
  'pino',
  'pino-*',
  'node:fs',
  'node:net',
  'node:http',
  'node:child_process',
  'fs',
  'net',
  'http',
  'child_process',
];

/** Who may import whom, by `type:*` tag. An empty list allows no project at all. */
function boundaries({ inTests }) {
  // Tests may drive the apps (the simulator's generator) and the tools (the service stack).
  const apps = inTests ? ['type:app'] : [];
  const tools = inTests ? ['type:tool', 'type:app'] : [];
  return {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: true,
    allow: [],
    depConstraints: [
      // Compiled hot paths (libs/native): pure functions, no I/O, usable from every layer.
      { sourceTag: 'type:native', onlyDependOnLibsWithTags: [], bannedExternalImports: ioPackages },
      {
        sourceTag: 'type:schema',
        onlyDependOnLibsWithTags: ['type:native'],
        bannedExternalImports: ioPackages,
      },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:native', 'type:schema'],
        bannedExternalImports: ioPackages,
      },
      {
        sourceTag: 'type:adapter',
        onlyDependOnLibsWithTags: ['type:native', 'type:schema', 'type:domain', ...tools],
      },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: [
          'type:native',
          'type:schema',
          'type:domain',
          'type:adapter',
          'type:tool',
          ...apps,
        ],
      },
      // Benchmarks and the demo drive the apps.
      {
        sourceTag: 'type:tool',
        onlyDependOnLibsWithTags: [
          'type:native',
          'type:schema',
          'type:domain',
          'type:adapter',
          'type:tool',
          'type:app',
        ],
      },
    ],
  };
}

/**
 * The options of `@nx/dependency-checks`: a project's package.json lists what its shipped
 * code imports, and nothing else. A project adds `ignoredDependencies` (what it declares on
 * purpose though no source imports it) or `ignoredFiles` (its build scripts).
 */
export function dependencyChecks({ ignoredDependencies = [], ignoredFiles = [] } = {}) {
  return [
    'error',
    {
      ignoredFiles: [
        '{projectRoot}/eslint.config.{js,cjs,mjs}',
        '{projectRoot}/jest.config.{js,cjs,mjs,ts}',
        '{projectRoot}/jest.integration.config.{js,cjs,mjs,ts}',
        '{projectRoot}/**/*.spec.ts',
        '{projectRoot}/**/*.arbitrary.ts',
        '{projectRoot}/bench/**',
        ...ignoredFiles,
      ],
      ignoredDependencies,
      includeTransitiveDependencies: false,
    },
  ];
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/coverage', '**/.nx', '.stack/**', '.cache/**'],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inTests: false })] },
  },
  {
    // Tests may drive the apps' library surfaces and the service stack of tools/stack.
    files: ['**/*.spec.ts', '**/*.spec-helper.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inTests: true })] },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // noUncheckedIndexedAccess makes `!` the honest spelling in index-heavy loops.
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/testing/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': dependencyChecks(),
    },
    languageOptions: {
      parser: await import('jsonc-eslint-parser'),
    },
  },
];

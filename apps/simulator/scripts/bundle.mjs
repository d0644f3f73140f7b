// Bundles the CLI into dist/apps/simulator/main.js: workspace packages are inlined from
// their TypeScript sources, npm packages stay external and load from node_modules.
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

await build({
  entryPoints: [resolve(root, 'apps/simulator/src/main.ts')],
  outfile: resolve(root, 'dist/apps/simulator/main.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@shoplens/source'],
  sourcemap: true,
  logLevel: 'warning',
  plugins: [
    {
      name: 'npm-packages-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@shoplens/') ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});

// Bundles an app's CLI into dist/apps/<app>/main.js: workspace packages are inlined from
// their TypeScript sources, npm packages stay external and load from node_modules.
// Usage: node tools/scripts/bundle-app.mjs <app> [entry, default src/main.ts]
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [app, entry = 'src/main.ts'] = process.argv.slice(2);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const entryPoint = resolve(root, 'apps', app ?? '', entry);
if (!app || !existsSync(entryPoint)) {
  console.error(`usage: bundle-app.mjs <app> [entry]; no ${entryPoint}`);
  process.exit(2);
}

await build({
  entryPoints: [entryPoint],
  outfile: resolve(root, 'dist/apps', app, entry.replace(/^src\//, '').replace(/\.ts$/, '.js')),
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

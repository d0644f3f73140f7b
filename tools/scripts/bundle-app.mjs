// Bundles a project's CLI into dist/<project>/main.js: workspace packages are inlined from
// their TypeScript sources, npm packages stay external and load from node_modules.
// Usage: node tools/scripts/bundle-app.mjs <app name | project dir> [entry, default src/main.ts]
//   node tools/scripts/bundle-app.mjs batch        -> dist/apps/batch/main.js
//   node tools/scripts/bundle-app.mjs tools/demo   -> dist/tools/demo/main.js
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp } from './app-bundle.mjs';

const [project, entry = 'src/main.ts'] = process.argv.slice(2);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = project?.includes('/') ? project : `apps/${project ?? ''}`;
const entryPoint = resolve(root, dir, entry);
if (!project || !existsSync(entryPoint)) {
  console.error(`usage: bundle-app.mjs <app | project dir> [entry]; no ${entryPoint}`);
  process.exit(2);
}

await bundleApp({
  entryPoint,
  outfile: resolve(root, 'dist', dir, entry.replace(/^src\//, '').replace(/\.ts$/, '.js')),
});

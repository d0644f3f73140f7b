// Builds the dashboard page into dist/apps/api/public: the TypeScript client and
// chart.js bundled by esbuild for the browser, next to index.html and styles.css.
// Everything is served by the API itself; the page loads nothing from elsewhere.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const app = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(app, '../../dist/apps/api/public');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [resolve(app, 'src/dashboard/client/dashboard.ts')],
  outfile: resolve(out, 'dashboard.js'),
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
for (const file of ['index.html', 'styles.css'])
  copyFileSync(resolve(app, 'src/dashboard', file), resolve(out, file));

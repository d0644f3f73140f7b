// The esbuild options every bundled app shares: one ESM file for Node 20 with a source map,
// workspace packages inlined from their TypeScript sources (the @shoplens/source condition).
// `inline(path)` says which bare imports besides @shoplens/* go into the bundle; every other
// npm package stays external and loads from node_modules.
import { build } from 'esbuild';

/**
 * Bundles `entryPoint` into `outfile`. `extra` adds esbuild options (a banner) and
 * `setup` more hooks on the same plugin (onLoad patches), after the external rule.
 */
export function bundleApp({ entryPoint, outfile, inline = () => false, setup, ...extra }) {
  return build({
    entryPoints: [entryPoint],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@shoplens/source'],
    sourcemap: true,
    logLevel: 'warning',
    ...extra,
    plugins: [
      {
        name: 'npm-packages-external',
        setup(b) {
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@shoplens/') || inline(args.path)
              ? undefined
              : { path: args.path, external: true },
          );
          setup?.(b);
        },
      },
    ],
  });
}

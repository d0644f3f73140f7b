// The esbuild options every bundled app shares: one ESM file for Node 20 with a source map,
// workspace packages inlined from their TypeScript sources (the @shoplens/source condition).
// `inline(path)` says which bare imports besides @shoplens/* go into the bundle; every other
// npm package stays external and loads from node_modules, but for apache-arrow.
import { build } from 'esbuild';

/**
 * Always bundled: apache-arrow's ESM build is some 300 modules, which Node resolves and
 * compiles one by one (0.2 to 0.3 s of CPU in every thread that imports it, measured on
 * the batch's workers); bundled, it loads in no measurable time. Nothing else in an app
 * imports its own copy of it.
 */
const alwaysInlined = /^(apache-arrow|flatbuffers|json-with-bigint)(\/|$)/;

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
            args.path.startsWith('@shoplens/') || alwaysInlined.test(args.path) || inline(args.path)
              ? undefined
              : { path: args.path, external: true },
          );
          setup?.(b);
        },
      },
    ],
  });
}

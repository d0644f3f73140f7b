// Bundles the simulator's producer thread (src/sinks/producer-worker.ts) into
// dist/apps/simulator/sinks/producer-worker.js with kafkajs inlined, so that one kafkajs
// module can be replaced: producer/groupMessagesPerPartition.js copies a partition's array
// for every record it adds (quadratic in the records per partition of one produce call);
// the replacement groups the same messages into the same arrays in one pass. Native codec
// packages and the rest of node_modules stay external.
import { build } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const linearGrouping = `
module.exports = ({ topic, partitionMetadata, messages, partitioner }) => {
  if (partitionMetadata.length === 0) return {}
  const result = {}
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message })
    const current = result[partition]
    if (current === undefined) result[partition] = [message]
    else current.push(message)
  }
  return result
}
`;

await build({
  entryPoints: [resolve(root, 'apps/simulator/src/sinks/producer-worker.ts')],
  outfile: resolve(root, 'dist/apps/simulator/sinks/producer-worker.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@shoplens/source'],
  sourcemap: true,
  logLevel: 'warning',
  // kafkajs is CommonJS and requires Node's modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'kafkajs-inlined-rest-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith('@shoplens/') || args.path === 'kafkajs' || args.path.startsWith('kafkajs/')
            ? undefined
            : { path: args.path, external: true },
        );
        b.onLoad({ filter: /kafkajs[\\/]src[\\/]producer[\\/]groupMessagesPerPartition\.js$/ }, () => ({
          contents: linearGrouping,
          loader: 'js',
        }));
      },
    },
  ],
});

// Bundles the ingestor into dist/apps/ingestor/main.js with kafkajs inlined, so that the
// per-record part of its fetch path can be replaced (docs/ingestion.md, "Reading"):
// - protocol/recordBatch/v0/decoder.js: recordBatchDecoder of @shoplens/runtime, the same
//   batches read straight from the response bytes, without 64-bit Long arithmetic, each
//   one's records as one PackedRecords (their offsets and positions in a Float64Array, no
//   object per record), which kafkajs sees as one message standing for the batch;
// - consumer/batch.js: the check that a record is at or past the fetched offset compares
//   numbers (the record's offsetNumber) instead of parsing each record's offset string into a Long;
// - consumer/consumerGroup.js: fetch-ahead (createFetchAhead of @shoplens/runtime): the
//   next Fetch is sent while the last one's batches are handled, and taken only if kafkajs
//   then asks for exactly that request;
// - consumer/runner.js: a REBALANCING listener may hold the rejoin (payload.holdRejoin) until
//   what it read is written and committed, as the Java client's onPartitionsRevoked does,
//   so the partitions' next owner does not read it again.
// Group membership, fetching, commits and everything else stay kafkajs's own. Native codec
// packages and the rest of node_modules stay external.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleApp } from '../../tools/scripts/app-bundle.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const decoderSource = resolve(root, 'libs/runtime/src/kafka/record-batch-decoder.ts');
const fetchAheadSource = resolve(root, 'libs/runtime/src/kafka/fetch-ahead.ts');

const recordBatchDecoderShim = `
const { KafkaJSPartialMessageError } = require('../../../errors')
const { lookupCodecByAttributes } = require('../../message/compression')
const { recordBatchDecoder } = require(${JSON.stringify(decoderSource)})
module.exports = recordBatchDecoder(
  {
    lookupCodecByAttributes,
    partialMessageError: message => new KafkaJSPartialMessageError(message),
  },
  { packed: true },
)
`;

/** kafkajs's source with each `from` replaced; fails the build if kafkajs no longer has one. */
function patched(path, ...replacements) {
  let source = readFileSync(path, 'utf8');
  for (const [from, to] of replacements) {
    if (!source.includes(from)) throw new Error(`${path} no longer contains: ${from}`);
    source = source.replace(from, to);
  }
  return source;
}

const fetchRequest = `{
        maxWaitTime: this.maxWaitTime,
        minBytes: this.minBytes,
        maxBytes: this.maxBytes,
        isolationLevel: this.isolationLevel,
        topics: requests,
        rackId: this.rackId,
      }`;
const consumerGroupPatches = [
  [
    "const Batch = require('./batch')",
    `const Batch = require('./batch')
const { createFetchAhead } = require(${JSON.stringify(fetchAheadSource)})`,
  ],
  [
    `const { responses } = await broker.fetch(${fetchRequest})`,
    `const fetchRequest = ${fetchRequest}
      if (this.fetchAhead === undefined) this.fetchAhead = createFetchAhead()
      const { responses } = await this.fetchAhead.take(nodeId, this.generationId, broker, fetchRequest)`,
  ],
  [
    '      return responses.flatMap(({ topicName, partitions }) => {',
    '      const batches = responses.flatMap(({ topicName, partitions }) => {',
  ],
  [
    `            return new Batch(topicName, fetchedOffset, partitionData)
          })
      })
    } catch (e) {`,
    `            return new Batch(topicName, fetchedOffset, partitionData)
          })
      })
      this.fetchAhead.ahead(nodeId, this.generationId, broker, fetchRequest, batches)
      return batches
    } catch (e) {`,
  ],
];

await bundleApp({
  entryPoint: resolve(root, 'apps/ingestor/src/main.ts'),
  outfile: resolve(root, 'dist/apps/ingestor/main.js'),
  // kafkajs is CommonJS and requires Node's modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  inline: (path) => path === 'kafkajs' || path.startsWith('kafkajs/'),
  setup(b) {
    b.onLoad(
      { filter: /kafkajs[\\/]src[\\/]protocol[\\/]recordBatch[\\/]v0[\\/]decoder\.js$/ },
      (args) => ({
        contents: recordBatchDecoderShim,
        loader: 'js',
        resolveDir: dirname(args.path),
      }),
    );
    b.onLoad({ filter: /kafkajs[\\/]src[\\/]consumer[\\/]batch\.js$/ }, (args) => ({
      contents: patched(args.path, [
        `this.messagesWithinOffset = this.rawMessages.filter(message =>
      Long.fromValue(message.offset).gte(longFetchedOffset)
    )`,
        `const fetchedOffsetNumber = Number(longFetchedOffset.toString())
    this.messagesWithinOffset = this.rawMessages.filter(
      message => (message.offsetNumber ?? Number(message.offset)) >= fetchedOffsetNumber
    )`,
      ]),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    b.onLoad({ filter: /kafkajs[\\/]src[\\/]consumer[\\/]runner\.js$/ }, (args) => ({
      contents: patched(args.path, [
        `          this.instrumentationEmitter.emit(REBALANCING, {
            groupId: this.consumerGroup.groupId,
            memberId: this.consumerGroup.memberId,
          })

          await this.consumerGroup.joinAndSync()`,
        `          const holds = []
          this.instrumentationEmitter.emit(REBALANCING, {
            groupId: this.consumerGroup.groupId,
            memberId: this.consumerGroup.memberId,
            holdRejoin: hold => holds.push(Promise.resolve(hold).catch(() => undefined)),
          })
          await Promise.all(holds)

          await this.consumerGroup.joinAndSync()`,
      ]),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    b.onLoad({ filter: /kafkajs[\\/]src[\\/]network[\\/]connection\.js$/ }, (args) => ({
      contents: patched(args.path, [
        `      const remainderBuffer = decoder.readAll()
      this.chunks = [remainderBuffer]`,
        `      const remainderBuffer = decoder.readAll()
      this.chunks = remainderBuffer.length > 0 ? [remainderBuffer] : []`,
      ]),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
    b.onLoad({ filter: /kafkajs[\\/]src[\\/]consumer[\\/]consumerGroup\.js$/ }, (args) => ({
      contents: patched(args.path, ...consumerGroupPatches),
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
});

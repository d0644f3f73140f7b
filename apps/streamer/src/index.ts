// The streamer as a library, for the one-command demo: the same windows, dedup and
// transactions over a source of records of one's own.
export { Streamer } from './stream/streamer.js';
export type { StreamerOptions, StreamerOutcome } from './stream/streamer.js';
export { KafkaSource } from './stream/kafka-source.js';
export type { KafkaSourceOptions } from './stream/kafka-source.js';
export { InProcessSource, partitionOf } from './stream/in-process-source.js';
export type { InProcessSourceOptions } from './stream/in-process-source.js';
export type {
  SourceBatch,
  SourceCommit,
  SourceHandlers,
  SourcePartition,
  SourceRecord,
  StreamSource,
} from './stream/stream-source.js';
export type { PartitionOffsets } from './stream/partition-offsets.js';

import type { PartitionOffsets } from './partition-offsets.js';

/** One record as a source delivers it: a Kafka record, or one the demo made in process. */
export interface SourceRecord {
  readonly offset: number;
  /** When it was written to the source (Kafka's record timestamp), epoch ms. */
  readonly timestampMs: number;
  readonly value: Uint8Array | null;
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** Records of one partition, in offset order, handed to the streamer one batch at a time. */
export interface SourceBatch {
  readonly topic: string;
  readonly partition: number;
  /** The offset the source will give the next record written to this partition. */
  readonly highWatermark: number;
  readonly records: readonly SourceRecord[];
  /** Moves the fetch position past `offset` (what counts as done is in the database). */
  resolveOffset(offset: number): void;
  heartbeat(): Promise<void>;
  /** False once the source stops or the partition moves away: stop reading the batch. */
  isActive(): boolean;
}

export interface SourcePartition {
  readonly topic: string;
  readonly partition: number;
}

/** Where a restart re-reads from, per partition, committed after the database transaction. */
export interface SourceCommit {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** What the streamer does with what a source tells it. */
export interface SourceHandlers {
  /** Partitions are about to move between members: nothing is fetched until `assigned`. */
  rebalancing(): void;
  /** The partitions this member reads now, per topic (all of them, every time). */
  assigned(assignment: Record<string, number[]>): void;
  batch(batch: SourceBatch): Promise<void>;
  /** The source failed for good: the streamer stops. */
  crashed(): void;
}

/**
 * Where the streamer's records come from: partitioned, offset-numbered logs, as Kafka's
 * are. The windows, dedup and transactions are the streamer's and the same for every
 * source; a source only delivers, assigns partitions and remembers commits.
 */
export interface StreamSource {
  /** For the start log line: what is read and as whom. */
  readonly description: Readonly<Record<string, unknown>>;
  /** Per partition key (`topic/partition`), the earliest offset kept and the next to write; empty if unknown. */
  partitionOffsets(): Promise<Map<string, PartitionOffsets>>;
  start(handlers: SourceHandlers): Promise<void>;
  /** Stops fetching these partitions (every partition when `undefined`) until resumed. */
  pause(partitions?: readonly SourcePartition[]): void;
  resume(partitions: readonly SourcePartition[]): void;
  commit(offsets: readonly SourceCommit[]): Promise<void>;
  /** Leaves: no batch is delivered once this returns. */
  stop(): Promise<void>;
}

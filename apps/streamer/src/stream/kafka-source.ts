import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { watchConsumerCrashes } from '@shoplens/runtime';
import { partAssigner } from './part-assigner.js';
import { partitionOffsets, type PartitionOffsets } from './partition-offsets.js';
import type {
  SourceCommit,
  SourceHandlers,
  SourcePartition,
  SourceRecord,
  StreamSource,
} from './stream-source.js';

export interface KafkaSourceOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics: readonly string[];
  /** A group without a committed offset starts at the earliest offset (else the latest). */
  readonly fromBeginning: boolean;
  /** When this member started: the part assigner gives parts to the oldest members first. */
  readonly startedAtMs: number;
  readonly logger: Logger;
}

/** The streamer's records from Kafka: one member of a consumer group, offsets committed to the group. */
export class KafkaSource implements StreamSource {
  private readonly consumer: Consumer;
  readonly description: Readonly<Record<string, unknown>>;

  constructor(private readonly options: KafkaSourceOptions) {
    this.description = Object.freeze({ topics: options.topics, groupId: options.groupId });
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 2 * 1024 * 1024,
      partitionAssigners: [partAssigner(options.startedAtMs)],
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  }

  partitionOffsets(): Promise<Map<string, PartitionOffsets>> {
    return partitionOffsets(this.options.kafka, this.options.topics, this.options.logger);
  }

  async start(handlers: SourceHandlers): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.REBALANCING, () => handlers.rebalancing());
    consumer.on(consumer.events.GROUP_JOIN, (event) =>
      handlers.assigned(event.payload.memberAssignment),
    );
    watchConsumerCrashes(consumer, this.options.logger, () => handlers.crashed());
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: ({ batch, resolveOffset, heartbeat, isRunning, isStale }) =>
        handlers.batch({
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: Number(batch.highWatermark),
          records: batch.messages.map((m): SourceRecord => ({
            offset: Number(m.offset),
            timestampMs: Number(m.timestamp),
            value: m.value,
            headers: m.headers,
          })),
          resolveOffset: (offset) => resolveOffset(String(offset)),
          heartbeat,
          isActive: () => isRunning() && !isStale(),
        }),
    });
  }

  pause(partitions?: readonly SourcePartition[]): void {
    try {
      this.consumer.pause(
        partitions === undefined
          ? this.options.topics.map((topic) => ({ topic }))
          : byTopic(partitions),
      );
    } catch {
      // Not running yet: nothing to pause.
    }
  }

  resume(partitions: readonly SourcePartition[]): void {
    this.consumer.resume(byTopic(partitions));
  }

  async commit(offsets: readonly SourceCommit[]): Promise<void> {
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

function byTopic(list: readonly SourcePartition[]): { topic: string; partitions: number[] }[] {
  const out = new Map<string, number[]>();
  for (const a of list) out.set(a.topic, [...(out.get(a.topic) ?? []), a.partition]);
  return [...out].map(([topic, partitions]) => ({ topic, partitions }));
}

import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { partitionKey } from './window-store.js';

/** The offsets the broker holds for a partition: the earliest kept and the next to write. */
export interface PartitionOffsets {
  readonly low: number;
  readonly high: number;
}

/** Per partition of `topics`, what the broker holds; empty if it cannot be asked. */
export async function partitionOffsets(
  kafka: Kafka,
  topics: readonly string[],
  log: Logger,
): Promise<Map<string, PartitionOffsets>> {
  const out = new Map<string, PartitionOffsets>();
  const admin = kafka.admin();
  try {
    await admin.connect();
    for (const topic of new Set(topics))
      for (const o of await admin.fetchTopicOffsets(topic))
        out.set(partitionKey(topic, o.partition), { low: Number(o.low), high: Number(o.high) });
  } catch (err) {
    log.warn(
      { err },
      'could not read the partitions offsets; assuming nothing was deleted and nothing is known empty',
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return out;
}

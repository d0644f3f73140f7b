import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { partitionKey } from './window-store.js';

/** The earliest offset the broker still holds per partition of `topics`; empty if unknown. */
export async function earliestOffsets(
  kafka: Kafka,
  topics: readonly string[],
  log: Logger,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const admin = kafka.admin();
  try {
    await admin.connect();
    for (const topic of new Set(topics))
      for (const o of await admin.fetchTopicOffsets(topic))
        out.set(partitionKey(topic, o.partition), Number(o.low));
  } catch (err) {
    log.warn({ err }, 'could not read the earliest offsets; assuming nothing was deleted');
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  return out;
}

import { testKafka, uniqueGroupId } from '@shoplens/stack/testing';
import { waitFor } from './bundled-app.js';

export interface BrokerRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: Buffer | null;
  readonly timestampMs: number;
}

/** Reads every record of the topics back, with a group of its own. */
export async function consumeAll(
  topics: readonly string[],
  expected: number,
): Promise<BrokerRecord[]> {
  const consumer = testKafka().consumer({ groupId: uniqueGroupId('e2e-reader') });
  const records: BrokerRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        records.push({
          topic,
          partition,
          offset: message.offset,
          value: message.value,
          timestampMs: Number(message.timestamp),
        });
      },
    });
    await waitFor(`${expected} records read back`, () => records.length >= expected, 180_000);
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Whether the group has committed every partition of the topics to its high watermark. */
export async function committedEverything(
  groupId: string,
  topics: readonly string[],
): Promise<boolean> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const committed = new Map<string, number>();
    for (const t of await admin.fetchOffsets({ groupId, topics: [...topics] }))
      for (const p of t.partitions) committed.set(`${t.topic}/${p.partition}`, Number(p.offset));
    for (const topic of topics)
      for (const p of await admin.fetchTopicOffsets(topic))
        if ((committed.get(`${topic}/${p.partition}`) ?? -1) < Number(p.high)) return false;
    return true;
  } finally {
    await admin.disconnect();
  }
}

import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { registerKafkaCodecs } from '@shoplens/runtime';
import { integrationEnv } from './integration-env.js';
import { uniqueId } from './unique-id.js';

export function testKafka(clientId = uniqueId('test-client')): Kafka {
  // Tests speak every codec, as real producers and the apps do.
  registerKafkaCodecs();
  return new Kafka({
    clientId,
    brokers: [...integrationEnv().kafkaBrokers],
    logLevel: logLevel.WARN,
  });
}

export interface TestTopic {
  readonly topic: string;
  /** A consumer group of this topic's own, so tests never share offsets. */
  readonly groupId: string;
  delete(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates topics and returns once every partition has a leader. kafkajs's own
 * `waitForLeaders` gives up when a fresh topic's metadata briefly answers "unknown
 * topic or partition", so this polls the metadata itself, for up to `timeoutMs`.
 */
export async function createTopicsAndWait(
  names: readonly string[],
  options: {
    partitions?: number;
    timeoutMs?: number;
    /** Topic configs, e.g. `{ 'max.message.bytes': '2097152' }`. */
    config?: Readonly<Record<string, string>>;
  } = {},
): Promise<void> {
  const partitions = options.partitions ?? 3;
  const configEntries = Object.entries(options.config ?? {}).map(([name, value]) => ({
    name,
    value,
  }));
  const admin: Admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: names.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor: 1,
        configEntries,
      })),
    });
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
        const ready = topics.every(
          (t) => t.partitions.length === partitions && t.partitions.every((p) => p.leader >= 0),
        );
        if (ready) return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      if (Date.now() > deadline)
        throw new Error(
          `topics ${names.join(', ')} have no leaders after ${options.timeoutMs ?? 30_000} ms`,
        );
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Creates a topic used by one test only (the broker never auto-creates topics). */
export async function createTestTopic(
  options: { prefix?: string; partitions?: number; config?: Readonly<Record<string, string>> } = {},
): Promise<TestTopic> {
  const topic = uniqueId(options.prefix ?? 'test');
  await createTopicsAndWait([topic], {
    partitions: options.partitions ?? 3,
    ...(options.config ? { config: options.config } : {}),
  });
  return {
    topic,
    groupId: uniqueGroupId(topic),
    async delete() {
      const cleanup = testKafka().admin();
      await cleanup.connect();
      try {
        await cleanup.deleteTopics({ topics: [topic] });
      } finally {
        await cleanup.disconnect();
      }
    },
  };
}

export function uniqueGroupId(prefix = 'test-group'): string {
  return uniqueId(`${prefix}-group`);
}

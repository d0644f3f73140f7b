import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { integrationEnv } from './integration-env.js';
import { uniqueId } from './unique-id.js';

export function testKafka(clientId = uniqueId('test-client')): Kafka {
  return new Kafka({ clientId, brokers: [...integrationEnv().kafkaBrokers], logLevel: logLevel.WARN });
}

export interface TestTopic {
  readonly topic: string;
  /** A consumer group of this topic's own, so tests never share offsets. */
  readonly groupId: string;
  delete(): Promise<void>;
}

/** Creates a topic used by one test only (the broker never auto-creates topics). */
export async function createTestTopic(options: { prefix?: string; partitions?: number } = {}): Promise<TestTopic> {
  const topic = uniqueId(options.prefix ?? 'test');
  const admin: Admin = testKafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: options.partitions ?? 3, replicationFactor: 1 }] });
  } finally {
    await admin.disconnect();
  }
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

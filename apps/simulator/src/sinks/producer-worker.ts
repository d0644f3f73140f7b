/**
 * A producer thread of the Kafka sink: one idempotent kafkajs producer (acks=all, one
 * request in flight) for the topic-partitions the sink gives it, sending each packed batch
 * as one produce call. Started by KafkaSink; see producer-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import kafkajs from 'kafkajs';
import {
  compressionType,
  createAppLogger,
  kafkaLogCreator,
  registerKafkaCodecs,
} from '@shoplens/runtime';
import type { FromProducer, PackedBatch, ProducerSettings, ToProducer } from './producer-protocol.js';
import { unpackBatch } from './producer-protocol.js';

const port = parentPort!;
const settings = workerData as ProducerSettings;
const say = (message: FromProducer) => port.postMessage(message);

registerKafkaCodecs();
const logger = createAppLogger('simulator', settings.logLevel, { dest: 2, sync: true });
const kafka = new kafkajs.Kafka({
  clientId: settings.clientId,
  brokers: [...settings.brokers],
  connectionTimeout: 3000,
  retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 3000 },
  logLevel: kafkajs.logLevel.WARN,
  logCreator: kafkaLogCreator(logger.child({ component: 'kafka' })),
});
const producer = kafka.producer({
  // Every message names its partition (the sink's partitionOf); this only says so.
  createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
});
const compression = compressionType(settings.compression);

async function send(batch: PackedBatch): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no acknowledgement within ${settings.sendTimeoutMs} ms`)),
      settings.sendTimeoutMs,
    );
  });
  try {
    await Promise.race([
      producer.sendBatch({ topicMessages: unpackBatch(batch), acks: -1, compression }),
      timeout,
    ]);
    say({ type: 'sent', id: batch.id, count: batch.timestamps.length });
  } catch (err) {
    say({ type: 'failed', stage: 'send', message: (err as Error).message });
  } finally {
    clearTimeout(timer);
  }
}

// The sink sends one batch at a time and waits for its answer, so calls never overlap.
port.on('message', (message: ToProducer) => {
  if (message.type === 'send') void send(message.batch);
  else
    void producer
      .disconnect()
      .catch(() => undefined)
      .finally(() => {
        say({ type: 'closed' });
        port.close();
      });
});

producer.connect().then(
  () => say({ type: 'ready' }),
  (err: unknown) => say({ type: 'failed', stage: 'connect', message: (err as Error).message }),
);

/**
 * A producer thread of the Kafka sink: one idempotent producer of our own (acks=all, one
 * request in flight; libs/runtime's KafkaProducer, as the collector's) for the
 * topic-partitions the sink gives it. Each packed batch becomes one v2 record batch per
 * topic-partition, encoded straight from the batch's bytes and compressed side by side,
 * sent as one round: one Produce request per leader. Started by KafkaSink; see
 * producer-protocol.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  compressionType,
  createAppLogger,
  encodeRecordRun,
  KafkaProducer,
  recordsCompressor,
  type PartitionBatch,
} from '@shoplens/runtime';
import type {
  FromProducer,
  PackedBatch,
  ProducerSettings,
  ToProducer,
} from './producer-protocol.js';
import { recordRuns } from './producer-protocol.js';

const port = parentPort!;
const settings = workerData as ProducerSettings;
const say = (message: FromProducer) => port.postMessage(message);

const logger = createAppLogger('simulator', settings.logLevel, { dest: 2, sync: true });
const compress = recordsCompressor(settings.compression);
const producer = new KafkaProducer({
  brokers: settings.brokers,
  clientId: settings.clientId,
  codec: compressionType(settings.compression),
  compress,
  requestTimeoutMs: Math.min(30_000, settings.sendTimeoutMs),
  logger: logger.child({ component: 'kafka' }),
});

function encode(batch: PackedBatch): Promise<PartitionBatch[]> {
  return Promise.all(
    recordRuns(batch).map(async ({ topic, partition, run }) => {
      const encoded = encodeRecordRun(run);
      return {
        topic,
        partition,
        count: run.count,
        records: await compress(encoded.records),
        baseTimestampMs: encoded.baseTimestampMs,
        maxTimestampMs: encoded.maxTimestampMs,
      };
    }),
  );
}

async function send(batch: PackedBatch): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no acknowledgement within ${settings.sendTimeoutMs} ms`)),
      settings.sendTimeoutMs,
    );
  });
  try {
    await Promise.race([encode(batch).then((batches) => producer.send(batches)), timeout]);
    say({ type: 'sent', id: batch.id, count: batch.timestamps.length });
  } catch (err) {
    say({ type: 'failed', stage: 'send', message: (err as Error).message });
  } finally {
    clearTimeout(timer);
  }
}

// The sink sends one batch at a time and waits for its answer, so rounds never overlap.
port.on('message', (message: ToProducer) => {
  if (message.type === 'send') void send(message.batch);
  else {
    producer.close();
    say({ type: 'closed' });
    port.close();
  }
});

producer.connect(settings.topics).then(
  (missing) =>
    say(
      missing.length === 0
        ? { type: 'ready' }
        : { type: 'failed', stage: 'connect', message: `topics missing: ${missing.join(', ')}` },
    ),
  (err: unknown) => say({ type: 'failed', stage: 'connect', message: (err as Error).message }),
);

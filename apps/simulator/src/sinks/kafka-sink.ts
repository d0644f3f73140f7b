import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import kafkajs from 'kafkajs';
import {
  kafkaLogCreator,
  partitionOf,
  type KafkaCompression,
  type LogLevel,
} from '@shoplens/runtime';
import { SimulatorError } from '../errors.js';
import type { EmittedRecord } from '../lib/generator/simulation.js';
import type { RecordSink } from './record-sink.js';
import type { FromProducer, ProducerSettings, ToProducer } from './producer-protocol.js';
import { BatchPacker } from './producer-protocol.js';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Prepended to every topic name (tests use it for topics of their own). */
  readonly topicPrefix: string;
  readonly compression: KafkaCompression;
  /**
   * Records per round of one producer thread (one record batch per partition, one Produce
   * request per leader). Bigger rounds save round trips; each partition's compressed batch
   * must stay under the broker's message.max.bytes (1 MB by default).
   */
  readonly batchSize: number;
  /** Producer threads; each owns a share of the topic-partitions. */
  readonly producers: number;
  /** A produce call taking longer than this fails the run. */
  readonly sendTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly logger: Logger;
}

/** How long a partly filled batch waits for more records while its thread is idle. */
const LINGER_MS = 5;

/** One producer thread and the batch it fills next. */
interface Lane {
  readonly worker: Worker;
  readonly packer: BatchPacker;
  busy: boolean;
  linger: NodeJS.Timeout | undefined;
  closed: Promise<void>;
}

/**
 * Produces to Kafka from producer threads: the generating thread computes each record's
 * partition (the default partitioner's: murmur2 of the key, as the Java client, kafkajs and
 * the collector), packs it into the batch of the thread that owns that partition, and hands
 * the batch over whole. Each thread runs one idempotent producer of our own (libs/runtime's
 * KafkaProducer: acks=all, one round in flight, so the broker's sequence checks hold) and
 * sends one batch at a time; a partition is only ever written by one thread, so its records
 * keep their order. Encoding and sending run beside generation and beside each other.
 * Memory stays bounded: per thread one batch in flight and one filling; a full one makes
 * `accept` return false until its thread is free.
 */
export class KafkaSink implements RecordSink {
  private failure: SimulatorError | undefined;
  private readonly waiting: (() => void)[] = [];
  private nextBatchId = 0;
  private closing = false;
  /** Records the broker acknowledged. */
  delivered = 0;

  private constructor(
    private readonly options: KafkaSinkOptions,
    private readonly lanes: readonly Lane[],
    /** Per topic (prefixed), per partition: the lane of the thread that sends it. */
    private readonly topics: ReadonlyMap<string, { readonly lanes: readonly Lane[] }>,
  ) {}

  /** Connects and checks that the topics exist; fails fast with a clear message otherwise. */
  static async connect(options: KafkaSinkOptions, topics: readonly string[]): Promise<KafkaSink> {
    const kafka = new kafkajs.Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3000,
      retry: { retries: 3, initialRetryTime: 300, maxRetryTime: 3000 },
      logLevel: kafkajs.logLevel.WARN,
      logCreator: kafkaLogCreator(options.logger),
    });
    const admin = kafka.admin();
    const where = options.brokers.join(',');
    try {
      await admin.connect();
    } catch (err) {
      throw new SimulatorError(
        'KAFKA_UNREACHABLE',
        `cannot reach Kafka at ${where}: ${(err as Error).message}`,
        { cause: err, retriable: true },
      );
    }
    const names = topics.map((t) => options.topicPrefix + t);
    let metadata: Awaited<ReturnType<typeof admin.fetchTopicMetadata>>;
    try {
      const existing = new Set(await admin.listTopics());
      const missing = names.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        throw new SimulatorError(
          'KAFKA_UNREACHABLE',
          `topics missing on ${where}: ${missing.join(', ')} (create them, e.g. with npm run stack -- up)`,
        );
      }
      metadata = await admin.fetchTopicMetadata({ topics: names });
    } finally {
      await admin.disconnect();
    }
    const settings: ProducerSettings = {
      brokers: options.brokers,
      clientId: options.clientId,
      topics: names,
      compression: options.compression,
      sendTimeoutMs: options.sendTimeoutMs,
      logLevel: options.logLevel,
    };
    const started = Array.from({ length: Math.max(1, options.producers) }, () =>
      startProducer(settings),
    );
    const lanes = started.map(({ lane }) => lane);
    try {
      await Promise.all(started.map(({ ready }) => ready));
    } catch (err) {
      await Promise.all(lanes.map((l) => l.worker.terminate()));
      throw new SimulatorError(
        'KAFKA_UNREACHABLE',
        `cannot connect a producer to ${where}: ${(err as Error).message}`,
        { cause: err, retriable: true },
      );
    }
    // Partitions go to the threads in turn, topic after topic.
    let next = 0;
    const byTopic = new Map(
      metadata.topics.map(({ name, partitions }) => {
        return [name, { lanes: partitions.map(() => lanes[next++ % lanes.length]!) }] as const;
      }),
    );
    const sink = new KafkaSink(options, lanes, byTopic);
    for (const lane of lanes) sink.listen(lane);
    return sink;
  }

  accept(record: EmittedRecord): boolean {
    const topic = this.options.topicPrefix + record.topic;
    const target = this.topics.get(topic)!;
    const partition = partitionOf(record.key, target.lanes.length);
    const lane = target.lanes[partition]!;
    lane.packer.add(topic, partition, record.key, record.value, record.emittedAtMs);
    if (!lane.busy) {
      if (lane.packer.count >= this.options.batchSize) this.send(lane);
      else lane.linger ??= setTimeout(() => this.send(lane), LINGER_MS);
    }
    return this.failure === undefined && this.hasRoom();
  }

  async drain(): Promise<void> {
    while (this.failure === undefined && !this.hasRoom())
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    try {
      for (const lane of this.lanes) {
        while (this.failure === undefined && (lane.busy || lane.packer.count > 0)) {
          if (!lane.busy) this.send(lane);
          await new Promise<void>((resolve) => this.waiting.push(resolve));
        }
      }
    } finally {
      this.closing = true;
      for (const lane of this.lanes) {
        clearTimeout(lane.linger);
        lane.worker.postMessage({ type: 'close' } satisfies ToProducer);
      }
      // A thread that cannot disconnect within the timeout is stopped.
      await Promise.all(
        this.lanes.map((l) =>
          Promise.race([
            l.closed,
            new Promise<void>((resolve) => setTimeout(resolve, this.options.sendTimeoutMs).unref()),
          ]).then(() => l.worker.terminate()),
        ),
      );
    }
    if (this.failure) throw this.failure;
  }

  /** No thread has a full batch waiting behind the one it is sending. */
  private hasRoom(): boolean {
    for (const lane of this.lanes)
      if (lane.busy && lane.packer.count >= this.options.batchSize) return false;
    return true;
  }

  private send(lane: Lane): void {
    clearTimeout(lane.linger);
    lane.linger = undefined;
    if (lane.busy || lane.packer.count === 0 || this.failure !== undefined) return;
    lane.busy = true;
    const batch = lane.packer.take(this.nextBatchId++);
    lane.worker.postMessage({ type: 'send', batch } satisfies ToProducer);
  }

  private listen(lane: Lane): void {
    lane.worker.on('message', (message: FromProducer) => {
      if (message.type === 'sent') {
        this.delivered += message.count;
        lane.busy = false;
        // What came in while that batch was on its way goes at once.
        this.send(lane);
      } else if (message.type === 'failed') {
        lane.busy = false;
        this.fail(new Error(message.message));
      }
      this.wake();
    });
    lane.worker.on('error', (err) => {
      this.fail(err);
      this.wake();
    });
    lane.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`a producer thread exited with ${code}`));
      this.wake();
    });
  }

  private fail(err: Error): void {
    this.failure ??= new SimulatorError('KAFKA_SEND', `producing to Kafka failed: ${err.message}`, {
      cause: err,
      retriable: true,
    });
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

/**
 * The producer thread's module: next to the bundled CLI (dist/apps/simulator/sinks/), next
 * to this file when compiled, or the TypeScript source when run from source (through tsx,
 * which a worker must register itself).
 */
function startProducer(settings: ProducerSettings): { lane: Lane; ready: Promise<void> } {
  const candidates = [
    new URL('./sinks/producer-worker.js', import.meta.url),
    new URL('./producer-worker.js', import.meta.url),
  ];
  const built = candidates.find((url) => existsSync(fileURLToPath(url)));
  const source = new URL('./producer-worker.ts', import.meta.url).href;
  const worker =
    built !== undefined
      ? new Worker(built, { workerData: settings })
      : new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`,
          { eval: true, workerData: settings },
        );
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (message: FromProducer) => {
      if (message.type === 'ready') resolve();
      else if (message.type === 'failed') reject(new Error(message.message));
      else return;
      worker.off('message', onMessage);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`producer thread exited with ${code}`)));
  });
  const closed = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    lane: { worker, packer: new BatchPacker(), busy: false, linger: undefined, closed },
    ready,
  };
}

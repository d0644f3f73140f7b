import type { Logger } from 'pino';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import kafkajs from 'kafkajs';
import {
  compressionType,
  kafkaLogCreator,
  registerKafkaCodecs,
  type KafkaCompression,
} from '@shoplens/runtime';
import { SimulatorError } from '../errors.js';
import type { EmittedRecord } from '../lib/generator/simulation.js';
import type { RecordSink } from './record-sink.js';

export interface KafkaSinkOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Prepended to every topic name (tests use it for topics of their own). */
  readonly topicPrefix: string;
  readonly compression: KafkaCompression;
  /**
   * Records per produce call. kafkajs groups a call's records by partition by copying the
   * partition's array for each record (quadratic), so past a few thousand records a call
   * costs more per record than the round trip it saves: 5,000 by default.
   */
  readonly batchSize: number;
  /** A produce call taking longer than this fails the run. */
  readonly sendTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * Produces to Kafka with an idempotent producer (acks=all, one request in flight so the
 * broker's sequence checks hold), in compressed batches of `batchSize` records. Memory
 * stays bounded: one batch is being sent while the next fills; a full next batch makes
 * `accept` return false until the send in flight is done.
 */
export class KafkaSink implements RecordSink {
  private readonly producer: Producer;
  private batch = new Map<string, Message[]>();
  private batchCount = 0;
  private inFlight: Promise<void> | undefined;
  private failure: SimulatorError | undefined;
  /** Records the broker acknowledged. */
  delivered = 0;

  private constructor(
    kafka: Kafka,
    private readonly options: KafkaSinkOptions,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
  }

  /** Connects and checks that the topics exist; fails fast with a clear message otherwise. */
  static async connect(options: KafkaSinkOptions, topics: readonly string[]): Promise<KafkaSink> {
    registerKafkaCodecs();
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
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.map((t) => options.topicPrefix + t).filter((t) => !existing.has(t));
      if (missing.length > 0) {
        throw new SimulatorError(
          'KAFKA_UNREACHABLE',
          `topics missing on ${where}: ${missing.join(', ')} (create them, e.g. with npm run stack -- up)`,
        );
      }
    } finally {
      await admin.disconnect();
    }
    const sink = new KafkaSink(kafka, options);
    try {
      await sink.producer.connect();
    } catch (err) {
      throw new SimulatorError(
        'KAFKA_UNREACHABLE',
        `cannot connect a producer to ${where}: ${(err as Error).message}`,
        { cause: err, retriable: true },
      );
    }
    return sink;
  }

  accept(record: EmittedRecord): boolean {
    const topic = this.options.topicPrefix + record.topic;
    let messages = this.batch.get(topic);
    if (messages === undefined) {
      messages = [];
      this.batch.set(topic, messages);
    }
    messages.push({ key: record.key, value: record.value, timestamp: String(record.emittedAtMs) });
    if (++this.batchCount < this.options.batchSize) return true;
    if (this.inFlight === undefined) {
      this.send();
      return this.failure === undefined;
    }
    return false;
  }

  async drain(): Promise<void> {
    if (this.inFlight !== undefined) await this.inFlight;
    if (this.failure) throw this.failure;
    if (this.batchCount >= this.options.batchSize) this.send();
  }

  async close(): Promise<void> {
    try {
      if (this.inFlight !== undefined) await this.inFlight;
      if (this.failure === undefined && this.batchCount > 0) {
        this.send();
        await this.inFlight;
      }
    } finally {
      await this.producer.disconnect();
    }
    if (this.failure) throw this.failure;
  }

  private send(): void {
    const topicMessages: TopicMessages[] = [...this.batch].map(([topic, messages]) => ({
      topic,
      messages,
    }));
    const count = this.batchCount;
    this.batch = new Map();
    this.batchCount = 0;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no acknowledgement within ${this.options.sendTimeoutMs} ms`)),
        this.options.sendTimeoutMs,
      );
    });
    this.inFlight = Promise.race([
      this.producer.sendBatch({
        topicMessages,
        acks: -1,
        compression: compressionType(this.options.compression),
      }),
      timeout,
    ])
      .then(
        () => {
          this.delivered += count;
        },
        (err: unknown) => {
          this.failure ??= new SimulatorError(
            'KAFKA_SEND',
            `producing to Kafka failed: ${(err as Error).message}`,
            { cause: err, retriable: true },
          );
        },
      )
      .finally(() => {
        clearTimeout(timer);
        this.inFlight = undefined;
      });
  }
}

import type { Logger } from 'pino';
import type { OutRecord } from '../intake/intake.js';
import { CollectorError } from '../errors.js';
import type { KafkaProducer, TopicRecord } from '@shoplens/runtime';

/** Value bytes of one round at most, so each partition's batch stays under the broker's 1 MB. */
const ROUND_BYTES = 900 * 1024;

export interface PublisherOptions {
  /**
   * Idempotent producers, each with one request in flight: while one waits for the
   * broker's acknowledgement, the requests that arrived meanwhile go by another.
   */
  readonly producers: readonly KafkaProducer[];
  readonly topicPrefix: string;
  /** A request whose records are not acknowledged within this is answered 503. */
  readonly timeoutMs: number;
  /** Bytes of record values waiting or in flight above which a request is refused at once. */
  readonly maxPendingBytes: number;
  readonly logger: Logger;
}

interface Waiting {
  readonly records: readonly OutRecord[];
  readonly bytes: number;
  state: 'queued' | 'sent' | 'done';
  resolve(): void;
  reject(err: CollectorError): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Produces each request's records and settles once the broker has acknowledged them
 * (acks from all in-sync replicas, idempotent producers). Requests that arrive while every
 * producer has a call in flight wait for the first to be free, which takes all of them at
 * once (up to ROUND_BYTES): one call in flight per producer, as the idempotent producer's
 * sequence numbers want, and batches that grow with the load. A request's records always
 * go in one call of one producer, in their order. A request not acknowledged within the timeout fails (503): if it was
 * never sent it is dropped from the queue; if it was, the send goes on, and the client's
 * retry gives the same event ids, which the batch deduplicates.
 */
export class Publisher {
  private queue: Waiting[] = [];
  private pendingBytes = 0;
  private readonly idle: KafkaProducer[];
  private inFlight = 0;
  private connected = false;
  private closed = false;
  /** Records the broker acknowledged. */
  produced = 0;

  constructor(private readonly options: PublisherOptions) {
    if (options.producers.length === 0) throw new Error('a publisher needs a producer');
    this.idle = [...options.producers];
  }

  /** The producer is connected: queued requests may go. */
  markConnected(): void {
    this.connected = true;
    this.pump();
  }

  get isConnected(): boolean {
    return this.connected;
  }

  publish(records: readonly OutRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    if (this.closed)
      return Promise.reject(new CollectorError('stopping', 'the collector is shutting down'));
    let bytes = 0;
    for (const r of records) bytes += r.value.length;
    if (this.pendingBytes > 0 && this.pendingBytes + bytes > this.options.maxPendingBytes)
      return Promise.reject(
        new CollectorError('overloaded', 'too many records are waiting for Kafka; retry later'),
      );
    return new Promise<void>((resolve, reject) => {
      const w: Waiting = { records, bytes, state: 'queued', resolve, reject, timer: undefined };
      w.timer = setTimeout(() => this.expire(w), this.options.timeoutMs);
      this.pendingBytes += bytes;
      this.queue.push(w);
      this.pump();
    });
  }

  /** Resolves once nothing is queued or in flight (or after `ms`). */
  async drain(ms: number): Promise<void> {
    this.closed = true;
    const deadline = Date.now() + ms;
    while ((this.queue.length > 0 || this.inFlight > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private expire(w: Waiting): void {
    if (w.state === 'done') return;
    if (w.state === 'queued') {
      this.queue = this.queue.filter((q) => q !== w);
      this.pendingBytes -= w.bytes;
    }
    const sent = w.state === 'sent';
    w.state = 'done';
    w.reject(
      new CollectorError(
        'kafka_timeout',
        `Kafka did not acknowledge within ${this.options.timeoutMs} ms${sent ? '' : ' (not sent: no broker connection)'}`,
      ),
    );
  }

  private pump(): void {
    if (!this.connected || this.queue.length === 0) return;
    const producer = this.idle.pop();
    if (producer === undefined) return;
    let bytes = 0;
    let take = 0;
    while (
      take < this.queue.length &&
      (take === 0 || bytes + this.queue[take]!.bytes <= ROUND_BYTES)
    )
      bytes += this.queue[take++]!.bytes;
    const batch = this.queue.slice(0, take);
    this.queue = this.queue.slice(take);
    for (const w of batch) w.state = 'sent';
    this.inFlight++;
    void this.send(producer, batch).finally(() => {
      this.inFlight--;
      this.idle.push(producer);
      this.pump();
    });
  }

  private readonly topicNames = new Map<string, string>();

  private topicName(topic: string): string {
    let name = this.topicNames.get(topic);
    if (name === undefined) this.topicNames.set(topic, (name = this.options.topicPrefix + topic));
    return name;
  }

  private async send(producer: KafkaProducer, batch: readonly Waiting[]): Promise<void> {
    const records: TopicRecord[] = [];
    for (const w of batch)
      for (const r of w.records)
        records.push({ topic: this.topicName(r.topic), key: r.key, value: r.value });
    const count = records.length;
    let failure: CollectorError | undefined;
    try {
      await producer.produce(records);
      this.produced += count;
    } catch (err) {
      this.options.logger.error({ err, records: count }, 'produce failed');
      failure = new CollectorError(
        'kafka_failed',
        `Kafka refused the records: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    for (const w of batch) {
      this.pendingBytes -= w.bytes;
      clearTimeout(w.timer);
      if (w.state === 'done') continue;
      w.state = 'done';
      if (failure) w.reject(failure);
      else w.resolve();
    }
  }
}

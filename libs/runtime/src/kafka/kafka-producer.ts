import type { Logger } from 'pino';
import { BrokerConnection } from './broker-connection.js';
import { partitionOf, WireWriter, type WireReader } from './kafka-wire.js';
import { encodeRecords, sealBatch, type WireRecord } from './record-batch.js';

const API_PRODUCE = 0;
const API_METADATA = 3;
const API_INIT_PRODUCER_ID = 22;
/** Versions every broker since Kafka 2.1 speaks, Kafka 4 included. */
const PRODUCE_VERSION = 7;
const METADATA_VERSION = 6;
const INIT_PRODUCER_ID_VERSION = 1;

const DUPLICATE_SEQUENCE_NUMBER = 46;
/** The broker lost or refused this producer's state: a new producer id starts over. */
const RESET_PRODUCER = new Set([45, 47, 59, 90]);
/** Kafka's retriable errors a produce can meet (leadership moving, replicas catching up…). */
const RETRIABLE = new Set([3, 5, 6, 7, 13, 14, 15, 16, 19, 20, 56, 74, 75]);
const UNKNOWN_TOPIC = 3;
const METADATA_MAX_AGE_MS = 300_000;

/** A record for a topic: key (partition by murmur2 of its UTF-8) and value. */
export interface TopicRecord extends WireRecord {
  readonly topic: string;
}

export interface KafkaProducerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Kafka's codec id (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd) and its compressor. */
  readonly codec: number;
  readonly compress: (records: Buffer) => Buffer | Promise<Buffer>;
  /** How long a broker may take to answer one request before the connection is dropped. */
  readonly requestTimeoutMs: number;
  readonly logger: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Produce failed for good: the broker refused a batch with a non-retriable error. */
export class ProduceError extends Error {
  override readonly name = 'ProduceError';
}

interface TopicMeta {
  /** Leader node id by partition (-1: none now). */
  readonly leaders: readonly number[];
}

/** One partition's records, encoded and compressed by the caller (`KafkaProducer.send`). */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly count: number;
  /** The records section (`encodeRecordRun`), compressed with the producer's codec. */
  readonly records: Buffer;
  /** The first and the latest record's timestamp; without them, the time of sending. */
  readonly baseTimestampMs?: number;
  readonly maxTimestampMs?: number;
}

interface Batch extends PartitionBatch {
  sealed: [Buffer, Buffer] | undefined;
}

/**
 * An idempotent Kafka producer for one caller that sends one round at a time: `produce`
 * takes a set of records, splits them by topic and partition (murmur2 of the key, as the
 * Java client and kafkajs's default partitioner; round robin without one), encodes one v2
 * record batch per partition with this producer's id, epoch and per-partition sequence,
 * and sends one Produce request (acks from all in-sync replicas) per leader broker. It
 * resolves when every batch is acknowledged. Retriable errors and lost connections resend
 * the same batches, with the same sequences, so the broker keeps one copy; a broker that
 * lost this producer's state gets a new producer id, and the batches go again. A batch the
 * broker refuses for good fails the call with ProduceError.
 */
export class KafkaProducer {
  private readonly connections = new Map<string, BrokerConnection>();
  private readonly nodes = new Map<number, { host: string; port: number }>();
  private readonly topics = new Map<string, TopicMeta>();
  private readonly sequences = new Map<string, number>();
  private readonly roundRobin = new Map<string, number>();
  private metadataAtMs = 0;
  private producerId = -1n;
  private producerEpoch = -1;
  private closed = false;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: KafkaProducerOptions) {
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /**
   * Reads the topics' metadata and gets a producer id. Resolves with the topics that do
   * not exist; throws when no broker answers.
   */
  async connect(topics: readonly string[]): Promise<string[]> {
    const missing = await this.refreshMetadata(topics);
    await this.initProducerId();
    return missing;
  }

  close(): void {
    this.closed = true;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }

  async produce(records: readonly TopicRecord[]): Promise<void> {
    // Partitions added to a topic are seen within METADATA_MAX_AGE_MS, as by kafkajs.
    if (Date.now() - this.metadataAtMs > METADATA_MAX_AGE_MS)
      await this.refreshMetadata([...this.topics.keys()]).catch((err: unknown) =>
        this.options.logger.warn({ err }, 'cannot refresh the metadata; using what is known'),
      );
    const groups = new Map<string, { topic: string; partition: number; records: WireRecord[] }>();
    for (const r of records) {
      const partition = this.partitionOf(r);
      const id = `${r.topic}\u0000${partition}`;
      let g = groups.get(id);
      if (g === undefined) groups.set(id, (g = { topic: r.topic, partition, records: [] }));
      g.records.push(r);
    }
    const batches: Batch[] = [];
    for (const g of groups.values()) {
      const encoded = encodeRecords(g.records);
      batches.push({
        topic: g.topic,
        partition: g.partition,
        count: g.records.length,
        records: await this.options.compress(encoded),
        sealed: undefined,
      });
    }
    await this.sendAll(batches);
  }

  /**
   * Sends batches the caller has partitioned, encoded and compressed, at most one per
   * topic-partition, as one round: resolves when every one is acknowledged, as `produce`.
   */
  async send(batches: readonly PartitionBatch[]): Promise<void> {
    await this.sendAll(batches.map((b) => ({ ...b, sealed: undefined })));
  }

  /** Partitions of a topic, as last read from the cluster (0 if unknown). */
  partitionCount(topic: string): number {
    return this.topics.get(topic)?.leaders.length ?? 0;
  }

  private partitionOf(r: TopicRecord): number {
    const meta = this.topics.get(r.topic);
    if (meta === undefined) throw new ProduceError(`the topic ${r.topic} does not exist`);
    const n = meta.leaders.length;
    if (r.key !== null) return partitionOf(r.key, n);
    const next = (this.roundRobin.get(r.topic) ?? Math.floor(Math.random() * n)) + 1;
    this.roundRobin.set(r.topic, next);
    const available = meta.leaders.map((l, p) => (l >= 0 ? p : -1)).filter((p) => p >= 0);
    return available.length > 0 ? available[next % available.length]! : next % n;
  }

  private async sendAll(batches: Batch[]): Promise<void> {
    let waitMs = 100;
    let pending = batches;
    while (pending.length > 0) {
      if (this.closed) throw new ProduceError('the producer is closed');
      const byLeader = new Map<number, Batch[]>();
      const retry: Batch[] = [];
      for (const b of pending) {
        const leader = this.topics.get(b.topic)?.leaders[b.partition] ?? -1;
        if (leader < 0 || !this.nodes.has(leader)) {
          retry.push(b);
          continue;
        }
        let list = byLeader.get(leader);
        if (list === undefined) byLeader.set(leader, (list = []));
        list.push(b);
      }
      let reset = false;
      let refused: string | undefined;
      await Promise.all(
        [...byLeader].map(async ([leader, list]) => {
          let results: Map<Batch, number>;
          try {
            results = await this.sendTo(leader, list);
          } catch (err) {
            this.options.logger.warn(
              { err, broker: leader, batches: list.length },
              'produce request failed; sending again',
            );
            retry.push(...list);
            return;
          }
          for (const [b, code] of results) {
            if (code === 0 || code === DUPLICATE_SEQUENCE_NUMBER) {
              this.sequences.set(
                `${b.topic}\u0000${b.partition}`,
                nextSequence(this.sequenceOf(b), b.count),
              );
            } else if (RESET_PRODUCER.has(code)) {
              reset = true;
              retry.push(b);
            } else if (RETRIABLE.has(code)) {
              retry.push(b);
            } else {
              refused ??= `${b.topic}[${b.partition}]: Kafka error ${code}`;
            }
          }
        }),
      );
      if (refused !== undefined) throw new ProduceError(`the broker refused a batch: ${refused}`);
      if (retry.length === 0) return;
      this.options.logger.warn(
        { batches: retry.length, reset },
        'batches not acknowledged; sending them again',
      );
      await this.sleep(waitMs);
      waitMs = Math.min(waitMs * 2, 5_000);
      await this.recover([...new Set(retry.map((b) => b.topic))], reset).catch((err: unknown) =>
        this.options.logger.warn({ err }, 'cannot reach Kafka; trying again'),
      );
      if (reset) for (const b of retry) b.sealed = undefined;
      pending = retry;
    }
  }

  private async recover(topics: readonly string[], reset: boolean): Promise<void> {
    await this.refreshMetadata(topics);
    if (reset || this.producerId < 0n) {
      await this.initProducerId();
      this.sequences.clear();
    }
  }

  private sequenceOf(b: Batch): number {
    return this.sequences.get(`${b.topic}\u0000${b.partition}`) ?? 0;
  }

  /** One Produce request to a leader; resolves with each batch's error code. */
  private async sendTo(leader: number, batches: readonly Batch[]): Promise<Map<Batch, number>> {
    const byTopic = new Map<string, Batch[]>();
    for (const b of batches) {
      let list = byTopic.get(b.topic);
      if (list === undefined) byTopic.set(b.topic, (list = []));
      list.push(b);
    }
    const parts: Buffer[] = [];
    const head = new WireWriter(64).string(null).int16(-1).int32(this.options.requestTimeoutMs);
    head.int32(byTopic.size);
    parts.push(Buffer.from(head.bytes()));
    for (const [topic, list] of byTopic) {
      const t = new WireWriter(64).string(topic).int32(list.length);
      parts.push(Buffer.from(t.bytes()));
      for (const b of list) {
        b.sealed ??= sealBatch(
          {
            count: b.count,
            codec: this.options.codec,
            timestampMs: b.baseTimestampMs ?? Date.now(),
            maxTimestampMs: b.maxTimestampMs,
            producerId: this.producerId,
            producerEpoch: this.producerEpoch,
            baseSequence: this.sequenceOf(b),
          },
          b.records,
        );
        const [header, records] = b.sealed;
        const p = Buffer.allocUnsafe(8);
        p.writeInt32BE(b.partition, 0);
        p.writeInt32BE(header.length + records.length, 4);
        parts.push(p, header, records);
      }
    }
    const reader = await this.connection(leader).request(API_PRODUCE, PRODUCE_VERSION, parts);
    const codes = new Map<string, number>();
    reader.array((r) => {
      const topic = r.string() ?? '';
      r.array((p) => {
        const partition = p.int32();
        const code = p.int16();
        p.int64(); // base offset
        p.int64(); // log append time
        p.int64(); // log start offset
        codes.set(`${topic}\u0000${partition}`, code);
      });
    });
    const results = new Map<Batch, number>();
    for (const b of batches) results.set(b, codes.get(`${b.topic}\u0000${b.partition}`) ?? 13);
    return results;
  }

  private connection(node: number | 'bootstrap'): BrokerConnection {
    const key = String(node);
    let c = this.connections.get(key);
    if (c === undefined || c.failed) {
      const address = node === 'bootstrap' ? this.bootstrapAddress() : this.nodes.get(node)!;
      c = new BrokerConnection(
        address.host,
        address.port,
        this.options.clientId,
        this.options.requestTimeoutMs,
      );
      this.connections.set(key, c);
    }
    return c;
  }

  private bootstrapIndex = 0;

  private bootstrapAddress(): { host: string; port: number } {
    const known = [...this.nodes.values()];
    const list =
      known.length > 0
        ? known
        : this.options.brokers.map((b) => {
            const i = b.lastIndexOf(':');
            return { host: b.slice(0, i), port: Number(b.slice(i + 1)) };
          });
    return list[this.bootstrapIndex++ % list.length]!;
  }

  /** Metadata of `topics`; returns the ones the cluster does not have. */
  private async refreshMetadata(topics: readonly string[]): Promise<string[]> {
    const body = new WireWriter(256).int32(topics.length);
    for (const t of topics) body.string(t);
    body.int8(0); // allow_auto_topic_creation
    const r = await this.connection('bootstrap').request(API_METADATA, METADATA_VERSION, [
      Buffer.from(body.bytes()),
    ]);
    r.int32(); // throttle time
    const nodes = r.array((b) => ({
      id: b.int32(),
      host: b.string() ?? '',
      port: b.int32(),
      rack: b.string(),
    }));
    r.string(); // cluster id
    r.int32(); // controller id
    const missing: string[] = [];
    r.array((t) => readTopic(t, this.topics, missing));
    this.metadataAtMs = Date.now();
    for (const n of nodes) {
      const old = this.nodes.get(n.id);
      if (old && (old.host !== n.host || old.port !== n.port))
        this.connections.get(String(n.id))?.close();
      this.nodes.set(n.id, { host: n.host, port: n.port });
    }
    return missing;
  }

  private async initProducerId(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const body = new WireWriter(16).string(null).int32(60_000).bytes();
      const r = await this.connection('bootstrap').request(
        API_INIT_PRODUCER_ID,
        INIT_PRODUCER_ID_VERSION,
        [Buffer.from(body)],
      );
      r.int32(); // throttle time
      const code = r.int16();
      const id = r.int64();
      const epoch = r.int16();
      if (code === 0) {
        this.producerId = id;
        this.producerEpoch = epoch;
        this.sequences.clear();
        return;
      }
      if (!RETRIABLE.has(code) || attempt >= 20)
        throw new ProduceError(`InitProducerId failed: Kafka error ${code}`);
      await this.sleep(Math.min(100 * 2 ** attempt, 2_000));
    }
  }
}

/** Sequences wrap to 0 after 2^31 - 1, as the Java client's do. */
function nextSequence(sequence: number, count: number): number {
  const max = 0x7fffffff;
  return sequence > max - count ? count - (max - sequence) - 1 : sequence + count;
}

function readTopic(t: WireReader, topics: Map<string, TopicMeta>, missing: string[]): void {
  const code = t.int16();
  const name = t.string() ?? '';
  t.boolean(); // is internal
  const partitions = t.array((p) => {
    const pCode = p.int16();
    const index = p.int32();
    const leader = p.int32();
    p.array((x) => x.int32()); // replicas
    p.array((x) => x.int32()); // in-sync replicas
    p.array((x) => x.int32()); // offline replicas
    return { index, leader: pCode === 5 ? -1 : leader };
  });
  if (code === UNKNOWN_TOPIC) {
    missing.push(name);
    topics.delete(name);
    return;
  }
  if (code !== 0 || partitions.length === 0) return; // keep what was known
  const leaders = new Array<number>(partitions.length).fill(-1);
  for (const p of partitions) leaders[p.index] = p.leader;
  topics.set(name, { leaders });
}

import type { PartitionOffsets } from './partition-offsets.js';
import type {
  SourceCommit,
  SourceHandlers,
  SourcePartition,
  SourceRecord,
  StreamSource,
} from './stream-source.js';
import { partitionKey } from './window-store.js';

export interface InProcessSourceOptions {
  readonly topics: readonly string[];
  /** Partitions per topic (default 1); a record goes to the partition of its key. */
  readonly partitions?: number;
  /**
   * Where each partition's offsets start (`topic/partition` → offset, default 0), so a
   * log made afresh continues after the checkpoints a warehouse already holds.
   */
  readonly firstOffsets?: ReadonlyMap<string, number>;
  /** How often to look for new records when there were none, ms (default 50). */
  readonly pollMs?: number;
  /** Most records handed over in one batch (default 1000). */
  readonly maxBatch?: number;
  readonly now?: () => number;
}

interface Log {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  /** The offset of records[0]. */
  low: number;
  records: SourceRecord[];
  /** The next offset to deliver. */
  position: number;
  paused: boolean;
}

/**
 * A source in this process: one member that is assigned every partition, over logs in
 * memory that the caller appends to. Records below the last committed offset are dropped
 * (as a broker's retention would), so memory stays bounded while the streamer keeps up.
 */
export class InProcessSource implements StreamSource {
  readonly description: Readonly<Record<string, unknown>>;
  private readonly logs = new Map<string, Log>();
  private readonly byTopic = new Map<string, Log[]>();
  private readonly now: () => number;
  private readonly pollMs: number;
  private readonly maxBatch: number;
  private handlers: SourceHandlers | undefined;
  private running = false;
  private pumping: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private appendedCount = 0;

  constructor(options: InProcessSourceOptions) {
    const partitions = options.partitions ?? 1;
    if (!Number.isSafeInteger(partitions) || partitions < 1)
      throw new RangeError(`partitions must be an integer >= 1, got ${partitions}`);
    this.now = options.now ?? Date.now;
    this.pollMs = options.pollMs ?? 50;
    this.maxBatch = options.maxBatch ?? 1_000;
    for (const topic of new Set(options.topics)) {
      const list: Log[] = [];
      for (let partition = 0; partition < partitions; partition++) {
        const key = partitionKey(topic, partition);
        const first = options.firstOffsets?.get(key) ?? 0;
        const log: Log = {
          topic,
          partition,
          key,
          low: first,
          records: [],
          position: first,
          paused: false,
        };
        this.logs.set(key, log);
        list.push(log);
      }
      this.byTopic.set(topic, list);
    }
    this.description = Object.freeze({ source: 'in-process', partitions });
  }

  /** Records appended since the source was made. */
  get appended(): number {
    return this.appendedCount;
  }

  /** Records held in memory: appended and not yet committed past. */
  get held(): number {
    let n = 0;
    for (const log of this.logs.values()) n += log.records.length;
    return n;
  }

  /** Writes a record to the partition of `key`; returns where it went. */
  append(
    topic: string,
    key: string,
    value: Uint8Array | string,
    timestampMs: number = this.now(),
  ): { partition: number; offset: number } {
    const list = this.byTopic.get(topic);
    if (list === undefined) throw new RangeError(`no topic ${topic} in this source`);
    const log = list[list.length === 1 ? 0 : partitionOf(key, list.length)]!;
    const offset = log.low + log.records.length;
    log.records.push({
      offset,
      timestampMs,
      value: typeof value === 'string' ? Buffer.from(value) : value,
    });
    this.appendedCount++;
    this.wake?.();
    return { partition: log.partition, offset };
  }

  async partitionOffsets(): Promise<Map<string, PartitionOffsets>> {
    const out = new Map<string, PartitionOffsets>();
    for (const log of this.logs.values())
      out.set(log.key, { low: log.low, high: log.low + log.records.length });
    return out;
  }

  async start(handlers: SourceHandlers): Promise<void> {
    if (this.running) throw new Error('the source is already started');
    this.handlers = handlers;
    this.running = true;
    const assignment: Record<string, number[]> = {};
    for (const [topic, list] of this.byTopic) assignment[topic] = list.map((l) => l.partition);
    // As a consumer group does: the assignment arrives after start returns.
    setImmediate(() => {
      if (!this.running) return;
      handlers.assigned(assignment);
      this.pumping = this.pump();
    });
  }

  pause(partitions?: readonly SourcePartition[]): void {
    for (const log of this.select(partitions)) log.paused = true;
  }

  resume(partitions: readonly SourcePartition[]): void {
    for (const log of this.select(partitions)) log.paused = false;
    this.wake?.();
  }

  async commit(offsets: readonly SourceCommit[]): Promise<void> {
    for (const o of offsets) {
      const log = this.logs.get(partitionKey(o.topic, o.partition));
      if (log === undefined || o.offset <= log.low) continue;
      const drop = Math.min(o.offset, log.low + log.records.length) - log.low;
      log.records = log.records.slice(drop);
      log.low += drop;
      if (log.position < log.low) log.position = log.low;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.pumping;
  }

  private select(partitions: readonly SourcePartition[] | undefined): Log[] {
    if (partitions === undefined) return [...this.logs.values()];
    const out: Log[] = [];
    for (const p of partitions) {
      const log = this.logs.get(partitionKey(p.topic, p.partition));
      if (log !== undefined) out.push(log);
    }
    return out;
  }

  private async pump(): Promise<void> {
    while (this.running) {
      let delivered = false;
      for (const log of this.logs.values()) {
        if (!this.running) break;
        if (log.paused || log.position >= log.low + log.records.length) continue;
        delivered = (await this.deliver(log)) || delivered;
      }
      if (!delivered && this.running) await this.idle();
    }
  }

  /** Hands over the records from the fetch position; whether the position moved. */
  private async deliver(log: Log): Promise<boolean> {
    const from = log.position - log.low;
    const records = log.records.slice(from, from + this.maxBatch);
    const before = log.position;
    await this.handlers!.batch({
      topic: log.topic,
      partition: log.partition,
      highWatermark: log.low + log.records.length,
      records,
      resolveOffset: (offset) => {
        if (offset + 1 > log.position) log.position = offset + 1;
      },
      heartbeat: async () => undefined,
      isActive: () => this.running && !log.paused,
    });
    return log.position > before;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollMs);
      timer.unref();
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}

/** The partition of a record key: a stable hash, so a user's records share one partition. */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}

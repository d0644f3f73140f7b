import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { ReasonCode } from '@shoplens/schemas';
import type { ObjectStore, QuarantineRecord } from '@shoplens/storage';
import type { OpenFile } from './open-file.js';
import type { Accepted, BufferLimits } from './partition-buffers.js';
import { PartitionBuffers } from './partition-buffers.js';
import { IngestStats } from './stats.js';
import { caughtUp } from './caught-up.js';
import { OffsetCommitter } from './offset-committer.js';
import { statsLine } from './stats-line.js';
import { writeWithRetry } from './write-with-retry.js';
import { gzipEngine, nativeStatus } from '@shoplens/native';
import {
  PACKED_STRIDE,
  PACKED_VALUE_AT,
  PackedRecords,
  undecodableBatchOf,
  watchConsumerCrashes,
} from '@shoplens/runtime';
import {
  arrivalTime,
  quarantined,
  rawHourOf,
  routeRecord,
  scanEventTimes,
  type Routed,
} from '@shoplens/transforms';

export interface IngestorOptions {
  readonly kafka: Kafka;
  readonly store: ObjectStore;
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly limits: BufferLimits;
  /** Seal the largest open files while all partitions together hold more than this. */
  readonly maxBufferedBytes: number;
  /** Writes in flight at once; consumption waits beyond that (backpressure). */
  readonly maxConcurrentWrites: number;
  readonly gzipLevel: number;
  readonly fromBeginning: boolean;
  readonly statsIntervalMs: number;
  readonly shutdownTimeoutMs: number;
  readonly sessionTimeoutMs?: number;
  /** Stop on its own once caught up (lag 0) and no record came for this long. */
  readonly exitWhenIdleMs?: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

export type IngestorOutcome = 'stopped' | 'idle' | 'crashed' | 'unclean';

const TICK_MS = 500;
/** At most this long a rebalance waits for this member's writes and commit. */
const REJOIN_HOLD_MS = 10_000;
/** Records routed between two checks that the batch was not made stale by a seek. */
const STALE_CHECK_EVERY = 256;
/**
 * Records routed between two turns of the event loop (a few milliseconds of work): the
 * next fetch's response, sent ahead, is read off the socket meanwhile instead of waiting
 * in the kernel for the whole batch to be routed (a member then waited a quarter less for
 * its fetches), and heartbeats and commits are answered on time.
 */
const YIELD_EVERY = 2 * STALE_CHECK_EVERY;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One consumer of the group: records go to per-(partition, hour) files; a partition's
 * offset is committed only up to its first record not yet written (see PartitionBuffers).
 */
export class Ingestor {
  private readonly consumer: Consumer;
  private readonly buffers = new Map<string, PartitionBuffers>();
  private readonly writes = new Set<Promise<void>>();
  private readonly stats: IngestStats;
  private readonly committer: OffsetCommitter;
  private readonly now: () => number;
  private readonly log: Logger;
  private stopping = false;
  private assigned = false;
  private assignment: Record<string, number[]> = {};
  private idleCheck: Promise<void> | undefined;
  /** The idle check's admin client: connected on its first check, kept for the next. */
  private admin: Admin | undefined;
  private abortWrites = false;
  private readonly batches = new Set<Promise<void>>();
  private lastRecordAt: number;
  private lastStatsAt: number;
  private timer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private finish!: (outcome: IngestorOutcome) => void;
  readonly done: Promise<IngestorOutcome>;

  constructor(private readonly options: IngestorOptions) {
    this.now = options.now ?? Date.now;
    this.stats = new IngestStats(this.now);
    this.log = options.logger.child({ component: 'ingestor' });
    this.lastRecordAt = this.lastStatsAt = this.now();
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      // Heartbeats are how a member learns of a rebalance: ten a second (a request of a few
      // dozen bytes each), so a joining member waits about a tenth of a second for the
      // others to hand over, and a group started at once is soon sharing the partitions.
      heartbeatInterval: Math.min(100, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      // Fetched batches live until routed: 2 MiB per partition and 8 MiB per fetch keep a
      // member's memory well under 400 MB at no cost in throughput (docs/scaling.md).
      maxBytesPerPartition: 2 * 1024 * 1024,
      maxBytes: 8 * 1024 * 1024,
      maxWaitTimeInMs: 500,
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    this.committer = new OffsetCommitter(this.consumer, this.buffers, this.stats, this.log);
  }

  async start(): Promise<void> {
    const { consumer } = this;
    consumer.on(consumer.events.GROUP_JOIN, (event) =>
      this.onAssignment(event.payload.memberAssignment),
    );
    consumer.on(consumer.events.REBALANCING, (event) => {
      this.log.info('rebalance: flushing and committing what this member holds');
      const flushed = this.flushAllAndCommit();
      // The bundled kafkajs waits with the rejoin until this member's records are written
      // and committed (bounded, e.g. while S3 is down), so the partitions' next owner does
      // not read them again; plain kafkajs has no holdRejoin and rejoins at once.
      const { holdRejoin } = event.payload as { holdRejoin?: (hold: Promise<unknown>) => void };
      let bound: NodeJS.Timeout | undefined;
      holdRejoin?.(
        Promise.race([
          flushed,
          new Promise((resolve) => (bound = setTimeout(resolve, REJOIN_HOLD_MS))),
        ]).finally(() => clearTimeout(bound)),
      );
    });
    watchConsumerCrashes(consumer, this.log, () => void this.stop('crashed'));
    await consumer.connect();
    await consumer.subscribe({
      topics: [...this.options.topics],
      fromBeginning: this.options.fromBeginning,
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => {
        const work = this.onBatch(payload);
        const settled = work.catch(() => undefined);
        this.batches.add(settled);
        void settled.finally(() => this.batches.delete(settled));
        return work;
      },
    });
    this.timer = setInterval(() => this.tick(), TICK_MS);
    const idle = this.options.exitWhenIdleMs;
    // Checked a few times per idle period, so a run ends soon after it is idle.
    if (idle !== undefined)
      this.idleTimer = setInterval(
        () => this.idleTick(),
        Math.min(TICK_MS, Math.max(50, Math.floor(idle / 3))),
      );
    this.log.info(
      {
        topics: this.options.topics,
        groupId: this.options.groupId,
        lake: this.options.store.url,
        native: nativeStatus(),
        gzip: { level: this.options.gzipLevel, engine: gzipEngine(this.options.gzipLevel) },
      },
      'ingestor started',
    );
  }

  /** Stops consuming, writes every held record, commits, disconnects. */
  async stop(outcome: IngestorOutcome = 'stopped'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log.info({ reason: outcome }, 'stopping: flushing buffers, then committing');
    clearInterval(this.timer);
    clearInterval(this.idleTimer);
    try {
      this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
    } catch {
      // Not running yet: nothing to pause.
    }
    await Promise.all([...this.batches]);
    this.writeAllHeld();
    let deadline: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) =>
        (deadline = setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs)),
    );
    const all = Promise.all([...this.writes]).then(() => 'written' as const);
    const result = await Promise.race([all, timeout]);
    clearTimeout(deadline);
    if (result === 'timeout') {
      this.abortWrites = true;
      this.log.error(
        'shutdown timeout: some records were not written and their offsets stay uncommitted',
      );
    }
    const committed = await this.committer.commit();
    if (!committed)
      this.log.error(
        'final commit failed: the records are written and will be read again on restart',
      );
    await this.consumer
      .disconnect()
      .catch((err: unknown) => this.log.warn({ err }, 'disconnect failed'));
    await this.admin?.disconnect().catch(() => undefined);
    this.logStats(true);
    this.finish(result === 'timeout' || !committed ? 'unclean' : outcome);
  }

  private partitionKey(topic: string, partition: number): string {
    return `${topic}/${partition}`;
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    this.lastRecordAt = this.now();
    this.assigned = true;
    this.assignment = assignment;
    const kept = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => this.partitionKey(topic, p)),
      ),
    );
    for (const key of [...this.buffers.keys()]) {
      if (!kept.has(key)) {
        // Not ours any more: what is held here was never committed, and the new owner re-reads it.
        this.buffers.delete(key);
        this.stats.lagByPartition.delete(key);
      }
    }
    this.log.info({ assignment }, 'partitions assigned');
  }

  private async onBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const key = this.partitionKey(topic, partition);
    let buffers = this.buffers.get(key);
    if (buffers === undefined) {
      buffers = new PartitionBuffers(topic, partition, this.options.limits);
      this.buffers.set(key, buffers);
    }
    // Offsets are resolved once per batch and wherever it stops early, not per record:
    // kafkajs's resolveOffset is a Long parse and a map update each time.
    let resolved: number | undefined;
    const resolve = () => {
      if (resolved !== undefined) resolveOffset(String(resolved));
    };
    let nowMs = this.now();
    let sinceCheck = STALE_CHECK_EVERY;
    let sinceTurn = 0;
    // kafkajs's Batch keeps the offset it fetched from, though its types do not say so.
    const fetchedOffset = Number((batch as { fetchedOffset?: string }).fetchedOffset ?? 0);
    try {
      for (const message of batch.messages) {
        // The bundled kafkajs hands over each record batch as one PackedRecords: the common
        // record (a plain, valid event) goes from the fetched bytes to its file without an
        // object, a view or a string, and the batch's lines are scanned in one call.
        const run = message instanceof PackedRecords ? message : undefined;
        const count = run === undefined ? 1 : run.count;
        let times: Float64Array | undefined;
        if (run !== undefined) {
          times = new Float64Array(count);
          scanEventTimes(run.buf, run.fields, count, PACKED_STRIDE, PACKED_VALUE_AT, times);
        }
        for (let i = 0; i < count; i++) {
          // kafkajs's seek check is a Long parse and a map lookup: every few hundred records.
          if (this.stopping || !isRunning()) return resolve();
          if (++sinceTurn >= YIELD_EVERY) {
            sinceTurn = 0;
            await nextTurn();
            if (this.stopping || !isRunning()) return resolve();
          }
          if (++sinceCheck >= STALE_CHECK_EVERY) {
            sinceCheck = 0;
            if (isStale()) return resolve();
          }
          let offset: number;
          let arrivalMs: number;
          let hourMs = Number.NaN;
          if (run !== undefined) {
            offset = run.offsetAt(i);
            // A fetch returns whole record batches: the first may start before the fetched offset.
            if (offset < fetchedOffset) continue;
            arrivalMs = arrivalTime(run.timestampAt(i), nowMs);
            // A header may mark a batch that could not be decompressed: those are read in full.
            if (!run.hasHeadersAt(i) || undecodableBatchOf(run.record(i).headers) === undefined)
              hourMs = rawHourOf(times![i]!, arrivalMs);
          } else {
            offset = Number(message.offset);
            arrivalMs = arrivalTime(Number(message.timestamp), nowMs);
          }
          let result: Accepted;
          let reason: ReasonCode | undefined;
          if (hourMs === hourMs) {
            result = buffers.add(
              offset,
              nowMs,
              'raw',
              hourMs,
              run!.buf,
              run!.valueStartAt(i),
              run!.valueEndAt(i),
            );
          } else {
            const record = run !== undefined ? run.record(i) : message;
            const routed = this.route(record.value, record.headers, arrivalMs, key, String(offset));
            const line: Uint8Array | QuarantineRecord =
              routed.zone === 'raw'
                ? routed.line
                : {
                    topic,
                    partition,
                    offset: String(offset),
                    arrivalMs,
                    reason: routed.reason,
                    issues: routed.issues,
                    // Copies: a run's bytes are reused once the batch is released.
                    key: record.key == null ? null : Buffer.from(record.key),
                    value: record.value == null ? new Uint8Array(0) : Buffer.from(record.value),
                  };
            if (routed.zone === 'quarantine') reason = routed.reason;
            result = buffers.add(offset, nowMs, routed.zone, routed.bucketMs, line);
          }
          resolved = offset;
          if (result.accepted) {
            this.stats.countRecord(reason === undefined ? 'raw' : 'quarantine', reason);
            for (const file of result.sealed) this.startWrite(buffers, file);
            if (this.writes.size >= this.options.maxConcurrentWrites) {
              resolve();
              await this.waitForWrites(heartbeat);
              nowMs = this.now();
            }
          } else {
            this.stats.redelivered++;
          }
        }
      }
    } finally {
      // Nothing here keeps a view of a run's bytes: raw lines are copied into their files.
      for (const message of batch.messages) if (message instanceof PackedRecords) message.release();
    }
    resolve();
    if (resolved !== undefined) this.lastRecordAt = this.now();
    const lag = Number(batch.offsetLag());
    this.stats.lagByPartition.set(key, lag);
    // A one-shot run (exitWhenIdleMs) that has read a partition up to its end writes what it
    // holds of it now, while it waits to be idle: the records are in the lake and committed
    // that much sooner, and the exit has less left to write. A long-running ingestor keeps
    // its files open for more records (fewer, larger files).
    if (lag === 0 && this.options.exitWhenIdleMs !== undefined)
      for (const file of buffers.sealAll()) this.startWrite(buffers, file);
    this.boundMemory();
    await this.waitForWrites(heartbeat);
    await heartbeat();
  }

  /** Routes one record; a batch kafkajs could not decompress arrives as marked records. */
  private route(
    value: Buffer | null,
    headers: Readonly<Record<string, unknown>> | undefined,
    arrivalMs: number,
    partitionKey: string,
    offset: string,
  ): Routed {
    const undecodable = undecodableBatchOf(headers);
    if (undecodable === undefined) return routeRecord(value, arrivalMs);
    if (value !== null) {
      // The batch's first record carries its compressed bytes: log once per batch.
      this.log.error(
        { partition: partitionKey, offset, ...undecodable },
        'a record batch cannot be decompressed; its records go to the quarantine',
      );
    }
    const message = `the record's batch (${undecodable.codec}) cannot be decompressed: ${undecodable.error}`;
    return quarantined(
      'undecodable_batch',
      [{ path: '', code: 'undecodable_batch', message }],
      arrivalMs,
    );
  }

  /** Backpressure: no more reading while too many writes are pending (e.g. S3 is down). */
  private async waitForWrites(heartbeat: () => Promise<void>): Promise<void> {
    while (this.writes.size >= this.options.maxConcurrentWrites && !this.stopping) {
      await Promise.race([Promise.race(this.writes), sleep(1_000)]);
      await heartbeat();
    }
  }

  private boundMemory(): void {
    let total = 0;
    for (const b of this.buffers.values()) total += b.openBytes;
    while (total > this.options.maxBufferedBytes) {
      const largest = [...this.buffers.values()].reduce((a, b) =>
        a.openBytes >= b.openBytes ? a : b,
      );
      const file = largest.sealLargest();
      if (!file) return;
      total -= file.bytes;
      this.startWrite(largest, file);
    }
  }

  private startWrite(buffers: PartitionBuffers, file: OpenFile): void {
    const write = writeWithRetry(file, {
      store: this.options.store,
      gzipLevel: this.options.gzipLevel,
      aborted: () => this.abortWrites,
      stats: this.stats,
      log: this.log,
    }).then(
      (key) => {
        buffers.written(file);
        // Written and gzipped: its chunks can hold the next files' lines.
        file.lines.release();
        this.stats.flushes++;
        this.stats.flushRecords += file.records;
        this.stats.flushBytes += file.bytes;
        this.log.debug({ key, records: file.records, bytes: file.bytes }, 'file written');
        void this.committer.commit();
      },
      (err: unknown) =>
        this.log.error(
          { err, topic: file.topic, partition: file.partition, startOffset: file.startOffset },
          'write abandoned',
        ),
    );
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Seals every open file and starts writing it. */
  private writeAllHeld(): void {
    for (const buffers of this.buffers.values())
      for (const file of buffers.sealAll()) this.startWrite(buffers, file);
  }

  private async flushAllAndCommit(): Promise<void> {
    this.writeAllHeld();
    await Promise.all([...this.writes]);
    await this.committer.commit();
  }

  private tick(): void {
    const nowMs = this.now();
    for (const buffers of this.buffers.values())
      for (const file of buffers.sealAged(nowMs)) this.startWrite(buffers, file);
    void this.committer.commit();
    if (nowMs - this.lastStatsAt >= this.options.statsIntervalMs) this.logStats(false);
  }

  /** With exitWhenIdleMs: stops once no record came for that long and all is read. */
  private idleTick(): void {
    const nowMs = this.now();
    const idle = this.options.exitWhenIdleMs;
    if (
      idle !== undefined &&
      this.assigned &&
      !this.idleCheck &&
      nowMs - this.lastRecordAt >= idle &&
      this.writes.size === 0
    ) {
      this.idleCheck = caughtUp(
        (this.admin ??= this.options.kafka.admin()),
        this.options.groupId,
        this.assignment,
        (topic, partition) => this.buffers.get(this.partitionKey(topic, partition))?.nextOffset,
        this.options.fromBeginning,
      )
        .then((done) => (done ? this.stop('idle') : undefined))
        .catch((err: unknown) => this.log.warn({ err }, 'idle check failed'))
        .finally(() => (this.idleCheck = undefined));
    }
  }

  private logStats(final: boolean): void {
    this.lastStatsAt = this.now();
    this.log.info(
      statsLine(this.stats, this.buffers.values(), final),
      final ? 'final stats' : 'stats',
    );
  }
}
